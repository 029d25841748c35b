"""Tests for service.events.targets: who a trigger acts upon."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from service.events.lexicon import load_lexicon
from service.events.phrases import PhraseEntities
from service.events.targets import Targets
from service.events.triggers import TriggerTyper

Parse = Callable[[str], Any]  # the `parse` fixture of tests/unit/conftest.py
Find = Callable[..., list[str]]


@pytest.fixture(scope="module")
def targets(parse: Parse) -> Find:
    """(text, trigger text, venues) -> the names of the trigger's targets."""
    lexicon = load_lexicon()
    typer = TriggerTyper(lexicon)
    find = Targets(lexicon, PhraseEntities(lexicon.roles))

    def run(text: str, trigger: str, *, venues: bool = True) -> list[str]:
        doc, index = parse(text)
        for sent in doc.sents:
            for trig in typer.find(sent).values():
                if trig.text == trigger:
                    return [p.name for p in find(trig, [], index, venues=venues)]
        raise AssertionError(f"no trigger {trigger!r} in {text!r}")

    return run


class TestTargets:
    """The nearest argument that stands for a party is the target."""

    @pytest.mark.parametrize(
        ("text", "trigger", "expected"),
        [
            ("Ecuador imposed sanctions on three Colombian officers.", "imposed sanctions",
             ["three Colombian officers"]),
            ("Police arrested a handful of reporters.", "arrested", ["a handful of reporters"]),
            ("Canada lifted its ban on imports from Brazil and Chile.", "lifted ban",
             ["Brazil", "Chile"]),
        ],
    )  # fmt: skip
    def test_nearest_party(
        self, targets: Find, text: str, trigger: str, expected: list[str]
    ) -> None:
        """The trigger's own words are no target; a phrase is one where nothing is named."""
        assert targets(text, trigger) == expected

    def test_a_venue_only_for_a_visit(self, targets: Find) -> None:
        """'met in Lima' names where a visit went, but not a partner of sides meeting."""
        assert targets("The envoy met in Lima.", "met") == ["Lima"]
        assert targets("The envoy met in Lima.", "met", venues=False) == []

    @pytest.mark.parametrize(
        ("text", "trigger", "expected"),
        [
            ("Erdogan discussed Syria with Chilean President Gabriel Boric.", "discussed",
             ["Gabriel Boric"]),
            ("Norway discussed trade with Chile.", "discussed", ["Chile"]),
        ],
    )  # fmt: skip
    def test_a_partner_before_a_topic(
        self, targets: Find, text: str, trigger: str, expected: list[str]
    ) -> None:
        """'discussed X with Y': a shared act's target is its partner Y, not its topic X."""
        assert targets(text, trigger) == expected

    def test_a_purpose_clause_goes_where_it_was_sent(self, targets: Find) -> None:
        """'sent inspectors to Ghana to investigate the attacks': the act is aimed at Ghana
        when what it governs names no party."""
        text = "Denmark sent inspectors to Ghana to investigate the attacks on their facilities."
        assert targets(text, "investigate") == ["Ghana"]
