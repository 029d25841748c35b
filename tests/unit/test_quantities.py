"""Tests for service.events.quantities: numbers as news writes them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.events.quantities import parse_number


class TestParseNumber:
    """Digits, separators, number words and scales."""

    @pytest.mark.parametrize(
        ("words", "value"),
        [
            (["1,500"], 1500),
            (["12,000"], 12000),
            (["23"], 23),
            (["2.5"], 2.5),
            (["1.5", "million"], 1_500_000),
            (["two"], 2),
            (["twenty", "five"], 25),
            (["two", "hundred"], 200),
            (["a"], None),
            (["$50,000"], 50000),
            (["dozens"], 24),
            (["about", "300"], 300),
            (["troops"], None),
        ],
    )
    def test_parse(self, words: list[str], value: float | None) -> None:
        """A number phrase reads as its value; anything else as None."""
        assert parse_number(words) == value

    @given(st.lists(st.text(max_size=12), max_size=5))
    def test_never_raises(self, words: list[str]) -> None:
        """Arbitrary words give a number or None."""
        result = parse_number(words)
        assert result is None or isinstance(result, float)

    @pytest.mark.parametrize(
        "words",
        [["1" + ",000" * 400], ["9" + ",999" * 150, "billion"], ["1" + "0" * 400], ["1e308"]],
    )
    def test_past_float_range_is_no_number(self, words: list[str]) -> None:
        """A number too large for a float is no number (never infinity, never null)."""
        assert parse_number(words) is None
