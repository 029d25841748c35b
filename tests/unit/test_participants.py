"""Tests for service.events.participants: actor, target and source of a trigger."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from service.events.lexicon import load_lexicon
from service.events.modality import Modality
from service.events.participants import Participants
from service.events.triggers import TriggerTyper

Parse = Callable[[str], Any]  # the `parse` fixture of tests/unit/conftest.py
Roles = tuple[set[tuple[str | None, str | None]], str | None]


@pytest.fixture(scope="module")
def roles(parse: Parse) -> Callable[[str, str], Roles]:
    """(text, trigger text) -> ({(actor, target)}, source) as Participants finds them."""
    lexicon = load_lexicon()
    typer = TriggerTyper(lexicon)
    modality = Modality(lexicon, typer.speech)
    participants = Participants(lexicon, typer.speech)

    def run(text: str, trigger: str) -> Roles:
        doc, index = parse(text)
        for sent in doc.sents:
            triggers = typer.find(sent)
            for trig in triggers.values():
                type_ = modality(trig, triggers, index)
                if trig.text == trigger and type_ is not None:
                    pairs, source = participants(trig, type_, index)
                    named = {(a.name if a else None, t.name if t else None) for a, t in pairs}
                    return named, source.name if source else None
        raise AssertionError(f"no coded trigger {trigger!r} in {text!r}")

    return run


class TestParticipants:
    """Participants follows the parse: subjects act, objects and prepositions are acted on."""

    @pytest.mark.parametrize(
        ("text", "trigger", "pairs"),
        [
            ("Russia attacked Ukraine.", "attacked", {("Russia", "Ukraine")}),
            ("Ukrainian villages were shelled by Russian forces.", "shelled",
             {("Russian", "Ukrainian")}),
            ("Spain, Italy and Greece condemned the attack on Cyprus.", "condemned",
             {("Spain", "Cyprus"), ("Italy", "Cyprus"), ("Greece", "Cyprus")}),
            ("France and Spain signed a pact.", "signed pact",
             {("France", "Spain"), ("Spain", "France")}),
            ("The pact between France and Spain was a surprise.", "pact",
             {("Spain", "France")}),
            ("Kenyan police arrested opposition leaders.", "arrested", {("Kenyan", "Kenyan")}),
            ("Chile convened an emergency meeting.", "convened", {("Chile", None)}),
            ("The son of the son of the king of Spain attacked Russia.", "attacked",
             {("Spain", "Russia")}),
        ],
    )  # fmt: skip
    def test_pairs(
        self, roles: Callable[[str, str], Roles], text: str, trigger: str,
        pairs: set[tuple[str | None, str | None]],
    ) -> None:  # fmt: skip
        """Passive agents act, coordinated subjects each act, joint acts hold both ways, an
        unnamed group at home is the actor's own country, and 'of' chains say who acts."""
        assert roles(text, trigger)[0] == pairs

    def test_too_vague_alone(self, roles: Callable[[str, str], Roles]) -> None:
        """An ambiguous verb with no named target codes nothing."""
        assert roles("Google's new service arrived on Tuesday.", "arrived") == (set(), None)

    @pytest.mark.parametrize(
        ("text", "trigger", "source"),
        [
            ("Japan said North Korea fired two missiles at South Korea.", "fired missiles",
             "Japan"),
            ("According to Japan, North Korea fired two missiles.", "fired missiles", "Japan"),
            ("Russia attacked Ukraine.", "attacked", None),
        ],
    )  # fmt: skip
    def test_source(
        self, roles: Callable[[str, str], Roles], text: str, trigger: str, source: str | None
    ) -> None:
        """The subject of a governing speech verb or 'according to X' reports the event."""
        assert roles(text, trigger)[1] == source

    def test_pronoun_is_the_speaker(self, roles: Callable[[str, str], Roles]) -> None:
        """'X said it will ...': the pronoun is X."""
        assert ("Chile", "Peru") in roles("Chile said it will visit Peru.", "visit")[0]
