"""Tests for service.events.modality: negated, hypothetical, denied and promised acts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from service.events.lexicon import load_lexicon
from service.events.modality import Modality
from service.events.triggers import TriggerTyper

Parse = Callable[[str], Any]  # the `parse` fixture of tests/unit/conftest.py


@pytest.fixture(scope="module")
def coded(parse: Parse) -> Callable[[str], dict[str, str | None]]:
    """Text -> {trigger text: the type Modality codes, or None}."""
    lexicon = load_lexicon()
    typer = TriggerTyper(lexicon)
    modality = Modality(lexicon, typer.speech)

    def run(text: str) -> dict[str, str | None]:
        doc, index = parse(text)
        out: dict[str, str | None] = {}
        for sent in doc.sents:
            triggers = typer.find(sent)
            out |= {t.text: modality(t, triggers, index) for t in triggers.values()}
        return out

    return run


class TestModality:
    """Modality keeps, recodes or drops a trigger's type by what governs it."""

    @pytest.mark.parametrize(
        ("text", "trigger", "expected"),
        [
            ("Russia attacked Ukraine.", "attacked", "ASSAULT"),
            ("Egypt could send troops to Libya.", "send troops", None),
            ("If Serbia attacks Kosovo, Albania will respond.", "attacks", None),
            ("Russia denies attacking Ukrainian ports.", "attacking", None),
            ("Russia denies attacking Ukrainian ports.", "denies", "REJECT"),
            ("Britain accused Iran of arming rebels in Yemen.", "arming", None),
            ("Norway did not sign the treaty with Sweden.", "sign treaty", "REJECT"),
            ("Norway failed to reach a deal with Sweden.", "reach deal", "REJECT"),
            ("Russia failed to capture Kyiv.", "capture", None),
            ("Japan will send aid to Nepal.", "send aid", "AGREE"),
            ("China plans to attack Taiwan.", "attack", "THREATEN"),
            ("Chile said it will visit Peru.", "visit", "AGREE"),
            # a participle that says something is an act of its own; one that goes on with
            # the same act, or says what a protest says, is not
            ("Ghana recalled its envoy from Togo, accusing Lome of meddling.", "accusing",
             "ACCUSE"),
            ("Troops shelled the village, killing five.", "killing", None),
            ("Students marched in Accra, demanding higher grants.", "demanding", None),
        ],
    )
    def test_coded_type(
        self, coded: Callable[[str], dict[str, str | None]], text: str, trigger: str,
        expected: str | None,
    ) -> None:  # fmt: skip
        """Possibilities and conditions drop; denials drop what they deny; refused
        cooperation is REJECT; promised help is AGREE, promised force THREATEN."""
        assert coded(text)[trigger] == expected
