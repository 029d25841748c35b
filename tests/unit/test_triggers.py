"""Tests for service.events.triggers: which words signal an event, and of what type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from service.events.lexicon import load_lexicon
from service.events.triggers import Trigger, TriggerTyper, objects_of

Parse = Callable[[str], Any]  # the `parse` fixture of tests/unit/conftest.py


@pytest.fixture(scope="module")
def typer() -> TriggerTyper:
    """The typer over the packaged lexicon."""
    return TriggerTyper(load_lexicon())


def _found(parse: Parse, typer: TriggerTyper, text: str) -> list[Trigger]:
    doc, _ = parse(text)
    return [trig for sent in doc.sents for trig in typer.find(sent).values()]


class TestTriggerTyper:
    """TriggerTyper types verbs by their particle, object or preposition, and event nouns."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Russia attacked Ukraine.", ("attacked", "ASSAULT", "attack")),
            ("Germany sent troops to Poland.", ("sent troops", "MOBILIZE", "send")),
            ("Japan will send aid to Nepal.", ("send aid", "AID", "send")),
            ("Russia backed down.", ("backed down", "CONCEDE", "back")),
            ("Brazil called for talks with Chile.", ("called for", "REQUEST", "call")),
            ("Cuba said Haiti must hold elections.", ("said ... must", "REQUEST", "said")),
            ("The pact between France and Spain was a surprise.", ("pact", "AGREE", "pact")),
        ],
    )
    def test_typed(
        self, parse: Parse, typer: TriggerTyper, text: str, expected: tuple[str, str, str]
    ) -> None:
        """The trigger's text, type and base form."""
        assert expected in {(t.text, t.type, t.base) for t in _found(parse, typer, text)}

    @pytest.mark.parametrize(
        "text",
        [
            "The Wireless Charging Pad is sold in Canada.",  # part of a name
            "The attack helicopter was shown at a fair in France.",  # a modifier
            "The weather was mild and the trains ran on time.",  # no lexicon word
        ],
    )
    def test_not_a_trigger(self, parse: Parse, typer: TriggerTyper, text: str) -> None:
        """Names, modifiers and ordinary words signal nothing."""
        assert _found(parse, typer, text) == []

    def test_the_verb_carries_its_noun(self, parse: Parse, typer: TriggerTyper) -> None:
        """'signed a pact' is one trigger, the verb typed by its object: a signed agreement is
        diplomatic cooperation (CAMEO 057, PLOVER's SUPPORT), a truce a promise (AGREE);
        peacekeepers are protection given (CAMEO 074, AID), troops a mobilisation."""
        assert [(t.text, t.type) for t in _found(parse, typer, "France signed a pact.")] == [
            ("signed pact", "SUPPORT")
        ]
        assert [(t.text, t.type) for t in _found(parse, typer, "France signed a truce.")] == [
            ("signed truce", "AGREE")
        ]
        for text, found in (("Japan deployed peacekeepers.", ("deployed peacekeepers", "AID")),
                            ("Japan deployed troops.", ("deployed troops", "MOBILIZE"))):
            assert [(t.text, t.type) for t in _found(parse, typer, text)] == [found]

    def test_may_hold_event(self, parse: Parse, typer: TriggerTyper) -> None:
        """The word-level prefilter passes a sentence with a lexicon word, not one without."""
        doc, _ = parse("Russia attacked Ukraine. The weather was mild.")
        assert [typer.may_hold_event(s) for s in doc.sents] == [True, False]


class TestObjectsOf:
    """objects_of() lists what a verb acts on, with conjuncts and compound modifiers."""

    def test_coordinated_and_compound_objects(self, parse: Parse) -> None:
        """'sent tanks and troop reinforcements': tanks, reinforcements and their modifier."""
        doc, _ = parse("Germany sent tanks and troop reinforcements.")
        assert [t.text for t in objects_of(doc[1])] == ["tanks", "reinforcements", "troop"]

    def test_passive_subject(self, parse: Parse) -> None:
        """A passive verb acts on its subject."""
        doc, _ = parse("Troops were deployed.")
        assert [t.text for t in objects_of(doc[2])] == ["Troops"]
