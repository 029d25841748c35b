"""Where a wire report's dateline ends ("TIRANA, Albania (AP) -- ", "Tehran, March 15, IRNA -
"): the place and agency that open a report say where it was filed and by whom, and are no
party to the events the sentence tells."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from service.events.tree import Token

__all__ = ["dateline_tokens"]

#: what ends a dateline: a spaced dash or a colon
_DASHES: Final = frozenset({"-", "--", "—", "–", ":"})
_MAX_WORDS: Final = 10  # a dateline is a place, a date and an agency: a few words
_PUNCT: Final = ",()."


def dateline_tokens(text: str, tokens: Iterable[Token]) -> int:
    """How many tokens of a sentence its dateline takes, dash included (0: it has none). A
    dateline is a few capitalised words, numbers (a date) and a bracketed agency before a
    spaced dash or a colon, and names a wire place or agency in capitals ("TIRANA", "IRNA")
    or brackets ("(AP)"); anything else ("Russia: the talks ...") is left to the parse."""
    end = _dateline_chars(text)
    if not end:
        return 0
    count, cursor = 0, 0
    for token in tokens:
        found = text.find(token.text, cursor)
        if found < 0 or found >= end:
            break
        cursor = found + len(token.text)
        count += 1
    return count


def _dateline_chars(text: str) -> int:
    """The characters the dateline takes, up to the end of its dash (0: none)."""
    words = text.split(None, _MAX_WORDS + 1)
    cursor, wire = 0, False
    for k, word in enumerate(words[: _MAX_WORDS + 1]):
        cursor = text.index(word, cursor) + len(word)
        dash = word in _DASHES or (word == '"' and k > 0 and words[k - 1].endswith(")"))
        colon = not dash and word.endswith(":") and _dateline_word(word[:-1])
        if not dash and not _dateline_word(word.removesuffix(":")):
            return 0
        bare = word.strip(_PUNCT + ":")
        wire = wire or (bare.isupper() and bare.isalpha() and len(bare) >= 2) or (
            word.startswith("(")
        )
        if dash or colon:
            # something follows, and not a dash that closes an aside ("NATO - the alliance -")
            after = text[cursor:].split(None, _MAX_WORDS + 1)[:_MAX_WORDS]
            aside = dash and any(w in _DASHES for w in after)
            return cursor if wire and after and (colon or k > 0) and not aside else 0
    return 0


def _dateline_word(word: str) -> bool:
    """A word a dateline may hold: capitalised, a number or a bracketed agency."""
    bare = word.strip(_PUNCT)
    return not bare or bare[0].isupper() or bare.rstrip("stndrh").isdigit()
