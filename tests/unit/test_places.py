"""Tests for service.events.places: where an event happened."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from service.events.lexicon import load_lexicon
from service.events.places import Places, dateline

Parse = Callable[[str], Any]  # the `parse` fixture of tests/unit/conftest.py


@pytest.fixture(scope="module")
def places() -> Places:
    """Places over the packaged lexicon."""
    return Places(load_lexicon())


def _location(parse: Parse, places: Places, text: str, used: set[str], type_: str) -> Any:
    doc, index = parse(text)
    [sent] = list(doc.sents)
    found = places(doc, sent, index, used, type_)
    return found.name if found is not None else None


class TestPlaces:
    """Places finds the place a sentence puts its event in."""

    @pytest.mark.parametrize(
        ("text", "used", "type_", "expected"),
        [
            ("Sudanese forces attacked Chadian refugees in Darfur.", {"Sudanese", "Chadian"},
             "ASSAULT", "Darfur"),
            ("Kenya held talks with Ethiopia in Cairo.", {"Kenya", "Ethiopia"}, "CONSULT",
             "Cairo"),
            # a movement's destination is where it happens; a party is never the place
            ("Turkey deployed troops to Syria.", {"Turkey"}, "MOBILIZE", "Syria"),
            ("Turkey deployed troops to Syria.", {"Turkey", "Syria"}, "MOBILIZE", None),
            ("Turkey accused Greece over its statement to Syria.", {"Turkey", "Greece"},
             "ACCUSE", None),
        ],
    )  # fmt: skip
    def test_location(
        self, parse: Parse, places: Places, text: str, used: set[str], type_: str,
        expected: str | None,
    ) -> None:  # fmt: skip
        """'in X', 'at X' for any event, 'to X' only for movements, never a party."""
        assert _location(parse, places, text, used, type_) == expected

    def test_dateline_when_the_sentence_names_no_place(
        self, parse: Parse, places: Places
    ) -> None:
        """With no place in the sentence, the dateline's place is the location."""
        text = "CAIRO, Oct. 18 (Reuters) - Egypt accused Ethiopia of lying."
        assert _location(parse, places, text, {"Egypt", "Ethiopia"}, "ACCUSE") == "CAIRO"


class TestDateline:
    """dateline() reads the place an article was filed from."""

    def test_known_place(self, parse: Parse) -> None:
        """'KYIV, Oct. 18 (Reuters) -' is filed from Kyiv."""
        doc, index = parse("KYIV, Oct. 18 (Reuters) - Russia attacked Ukraine.")
        found = dateline(doc, index)
        assert found is not None
        assert found.name.lower() == "kyiv"

    def test_no_dateline(self, parse: Parse) -> None:
        """An article that opens with a plain sentence has none."""
        doc, index = parse("Russia attacked Ukraine on Monday.")
        assert dateline(doc, index) is None
