"""A name as written: entity spans trimmed of a leading 'the', a possessive and outer spaces."""

from __future__ import annotations

from service.entities.gazetteer import KEEP_POSSESSIVE

__all__ = ["POSSESSIVES", "is_possessive", "name_of", "strip_possessive", "trim_span"]

#: Possessive endings as news writes them (straight or curly apostrophe, either case).
POSSESSIVES = ("'s", "\u2019s", "'S", "\u2019S")
_LOWER_POSSESSIVES = POSSESSIVES[:2]
_APOSTROPHES = ("'", "\u2019")
_LEADING = ("the ", "The ", "THE ")


def is_possessive(word: str) -> bool:
    """Whether a token is a bare possessive ending ("'s" split off by the tokenizer)."""
    return word.lower() in _LOWER_POSSESSIVES


def strip_possessive(word: str) -> str:
    """'Korea's' -> 'Korea' (lower-case endings only: "KOREA'S" is left as written)."""
    for ending in _LOWER_POSSESSIVES:
        word = word.removesuffix(ending)
    return word


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets without outer spaces, a leading 'the' or a trailing possessive; never empty."""
    s, e = start, end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if text.startswith(_LEADING, s) and e - s > 4:
        s += 4
        while s < e and text[s].isspace():
            s += 1
    if text[s:e] in KEEP_POSSESSIVE:
        return s, e
    if e - s > 2 and text.endswith(POSSESSIVES, s, e):
        e -= 2
    elif e - s > 2 and text.endswith(_APOSTROPHES, s, e) and text[e - 2] in "sS":
        e -= 1  # the plural possessive: "the States'"
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e) if s < e else (start, end)


def name_of(text: str) -> str:
    """The name a span's text stands for: trimmed, inner whitespace collapsed."""
    start, end = trim_span(text, 0, len(text))
    return " ".join(text[start:end].split())
