"""Tests for service.events.party: a party's name and its phrase as written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from service.events.party import Party, phrase_text, phrase_tokens_of
from service.models import Entity

Parse = Callable[[str], Any]  # the `parse` fixture of tests/unit/conftest.py


def _entity(name: str, label: str = "GPE", country: str | None = "NO") -> Entity:
    return Entity(name=name, label=label, count=1, mentions=[(0, len(name))], country=country)


class TestParty:
    """A party is named by its entity when one names it, else by its phrase."""

    def test_a_named_party_goes_by_its_entity(self) -> None:
        """A named party is called by its entity's name, not as the text wrote it."""
        party = Party("Norway's", _entity("Norway"), named=True)
        assert party.name == "Norway"

    def test_an_owned_party_goes_by_its_phrase(self) -> None:
        """'Norway's coast guard' belongs to Norway but is not Norway."""
        party = Party("Norway's coast guard", _entity("Norway"))
        assert party.name == "Norway's coast guard"

    def test_same_ignores_case(self) -> None:
        """Two parties written alike up to case are one."""
        assert Party("The army").same(Party("the Army"))
        assert not Party("the army").same(Party("the navy"))

    def test_two_sides_of_one_phrase_are_two_parties(self) -> None:
        """"Indian and Pakistani officials" stands for two sides, one per country; any other
        two parties written alike are one, whatever entity each was given."""
        text = "Indian and Pakistani officials"
        india, pakistan = _entity("Indian", "NORP", "IN"), _entity("Pakistani", "NORP", "PK")
        assert not Party(text, india, side=True).same(Party(text, pakistan, side=True))
        assert Party(text, india, side=True).same(Party(text, india, side=True))
        assert Party("officials", india).same(Party("officials", pakistan))


class TestPhrase:
    """A party's phrase: the head with its modifiers, as written, without clauses."""

    @pytest.mark.parametrize(
        ("text", "head", "phrase"),
        [
            ("Gunmen who fled attacked the town.", "Gunmen", "Gunmen"),
            ("Police in Accra arrested him.", "Police", "Police in Accra"),
            ("Officers on Monday arrested him.", "Officers", "Officers"),
            ("Chile rejected a plea from Bolivian President Luis Arce.", "plea",
             "a plea from Bolivian President Luis Arce"),
            ("LAGOS - Nigerian troops attacked the camp.", "troops", "Nigerian troops"),
            ("The Republic of Ghana's navy seized the ship.", "navy",
             "The Republic of Ghana's navy"),
            ("The U.S.-led coalition bombed the town.", "coalition", "The U.S.-led coalition"),
            ("Turkey reiterated its support for the Moscow-backed government in Tripoli.",
             "support", "its support for the Moscow-backed government"),
            ("The army shelled rebel-held areas.", "areas", "rebel-held areas"),
            ("A Kenya-registered cargo ship sank.", "ship", "A Kenya-registered cargo ship"),
            ("Fighters loyal to the old king seized the port.", "Fighters",
             "Fighters loyal to the old king"),
        ],
    )  # fmt: skip
    def test_phrase_as_written(self, parse: Parse, text: str, head: str, phrase: str) -> None:
        """Relative clauses, dates and datelines stay out; a short naming phrase stays in."""
        doc, _ = parse(text)
        [token] = [t for t in doc if t.text == head]
        assert phrase_text(phrase_tokens_of(token)) == phrase

    def test_phrase_stays_short(self, parse: Parse) -> None:
        """However many modifiers the text piles up, the phrase is a few words."""
        doc, _ = parse("Rebels attacked the " + "old " * 300 + "city.")
        [head] = [t for t in doc if t.text == "city"]
        tokens = phrase_tokens_of(head)
        assert tokens[-1].i == head.i
        assert len(tokens) <= 14

    def test_phrase_ends_on_a_word_of_its_own(self, parse: Parse) -> None:
        """A cut never leaves a preposition without its object ("an early election in the")."""
        doc, _ = parse("Voters backed the " + "new " * 10 + "plan for the " + "old " * 10 + "town.")
        [head] = [t for t in doc if t.text == "plan"]
        assert phrase_text(phrase_tokens_of(head)).endswith("plan")
