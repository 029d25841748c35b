"""English verb inflection, so the lexicon lists base forms and the coder matches any form."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from service.events.lexicon import load_lexicon

__all__ = ["base_forms", "inflections"]

_BACK_VOWELS = ("a", "e", "o", "u")


def _third_person(base: str) -> str:
    if base.endswith(("s", "x", "z", "ch", "sh")):
        return base + "es"
    if base.endswith("y") and base[-2:-1] not in _BACK_VOWELS:
        return base[:-1] + "ies"
    return base + "s"


def _e_final(base: str) -> Iterator[str]:
    """agree -> agreed, agreeing; tie -> tying; move -> moving."""
    yield base + "d"
    if base.endswith("ie"):
        yield base[:-2] + "ying"
    elif base.endswith(("ee", "ye", "oe")):
        yield base + "ing"
    else:
        yield base[:-1] + "ing"


def _doubles_final(base: str) -> bool:
    """ban -> banned: one short vowel before one final consonant (over-generates, harmlessly)."""
    return (
        len(base) >= 3
        and base[-1] not in "aeiouwxy"
        and base[-2] in "aeiou"
        and base[-3] not in "aeiou"
    )


def inflections(base: str) -> Iterator[str]:
    """Regular English inflections of a verb; over-generation is harmless in a lookup table."""
    yield base
    yield _third_person(base)
    if base.endswith("e"):
        yield from _e_final(base)
        return
    if base.endswith("y") and base[-2:-1] not in _BACK_VOWELS:
        yield base[:-1] + "ied"
        yield base + "ing"
        return
    yield base + "ed"
    yield base + "ing"
    if _doubles_final(base):
        yield base + base[-1] + "ed"
        yield base + base[-1] + "ing"
    if base.endswith("l"):  # British spelling: cancelled, travelling
        yield base + "led"
        yield base + "ling"


def base_forms(bases: Iterable[str], irregular: Mapping[str, str] | None = None) -> dict[str, str]:
    """Map every inflected form of the given verbs back to its base form; irregular forms
    come from the lexicon's table unless one is given."""
    if irregular is None:
        irregular = load_lexicon().inflection.irregular
    table: dict[str, str] = {}
    wanted = set(bases)
    for base in sorted(wanted):
        for form in inflections(base):
            table.setdefault(form, base)
    for form, base in irregular.items():
        if base in wanted:
            table[form] = base
    return table
