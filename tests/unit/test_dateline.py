"""Tests for service.events.dateline: where a wire report's dateline ends."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from service.events.dateline import dateline_tokens


@dataclass
class _Tok:
    text: str


def _tokens(words: str) -> list[_Tok]:
    return [_Tok(w) for w in words.split()]


@pytest.mark.parametrize(
    ("text", "words", "taken"),
    [
        ("OSLO, Norway (AP) -- Norway's parliament rebuked the minister.",
         "OSLO , Norway ( AP ) -- Norway 's parliament rebuked the minister .", 7),
        ("Quito, June 3, EFE - Ecuador's army detained five men.",
         "Quito , June 3 , EFE - Ecuador 's army detained five men .", 7),
        ("LIMA (Reuters): Peruvian police detained two smugglers.",
         "LIMA ( Reuters ) : Peruvian police detained two smugglers .", 5),
        ('BERN (AP) " The Swiss government froze the accounts.',
         'BERN ( AP ) " The Swiss government froze the accounts .', 5),
    ],
)  # fmt: skip
def test_a_dateline_is_found(text: str, words: str, taken: int) -> None:
    """A capitalised place, a date and an agency before a dash or colon: the dateline's
    tokens, dash included, and no more."""
    tokens = _tokens(words)
    assert dateline_tokens(text, tokens) == taken
    assert tokens[taken - 1].text in {"--", "-", ":", '"'}


@pytest.mark.parametrize(
    "text",
    [
        "Russia: the talks with Ukraine failed.",  # no wire place or agency in capitals
        "NATO - the alliance of 32 states - met in Brussels.",  # a dash that closes an aside
        "The U.S. - a close ally - sent aid.",
        "Several left-wing Dutch groups condemned the decision.",  # a hyphen inside a word
        "Peru's president said the army - not the police - would act.",  # lower-case words
        "OSLO --",  # nothing after it
    ],
)
def test_no_dateline(text: str) -> None:
    """Anything else is left to the parse."""
    assert dateline_tokens(text, _tokens(text)) == 0
