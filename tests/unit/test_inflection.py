"""Tests for service.events.inflection: English verb forms back to their base."""

from __future__ import annotations

import pytest

from service.events.inflection import base_forms, inflections


class TestInflections:
    """inflections() generates the regular forms of a verb."""

    @pytest.mark.parametrize(
        ("base", "forms"),
        [
            ("attack", {"attack", "attacks", "attacked", "attacking"}),
            ("agree", {"agree", "agrees", "agreed", "agreeing"}),
            ("move", {"moves", "moved", "moving"}),
            ("tie", {"ties", "tied", "tying"}),
            ("deny", {"denies", "denied", "denying"}),
            ("push", {"pushes", "pushed", "pushing"}),
            ("ban", {"bans", "banned", "banning"}),
            ("cancel", {"cancels", "cancelled", "cancelling", "canceled"}),
            ("play", {"plays", "played", "playing"}),
        ],
    )
    def test_regular_forms(self, base: str, forms: set[str]) -> None:
        """Third person, past and participles follow English spelling rules."""
        assert forms <= set(inflections(base))


class TestBaseForms:
    """base_forms() maps every form of the given verbs back to the verb."""

    def test_irregular_from_the_lexicon(self) -> None:
        """Irregular forms come from the lexicon's table, only for the verbs asked for."""
        table = base_forms(["send", "withdraw"])
        assert (table["sent"], table["withdrew"], table["withdrawn"]) == (
            "send", "withdraw", "withdraw",
        )  # fmt: skip
        assert "met" not in table

    def test_given_irregular_table(self) -> None:
        """A table passed in replaces the lexicon's."""
        table = base_forms(["go"], {"went": "go", "gone": "go"})
        assert (table["went"], table["going"]) == ("go", "go")
        assert "sent" not in base_forms(["send"], {})

    def test_first_base_keeps_a_shared_form(self) -> None:
        """A form two bases generate goes to the first base in sorted order."""
        assert base_forms(["ban", "bann"], {})["banned"] == "ban"
