"""Names as written: a leading 'the', a possessive and outer spaces trimmed, nothing else."""

from __future__ import annotations

import pytest

from service.entities.spans import is_possessive, name_of, strip_possessive, trim_span


class TestTrimSpan:
    @pytest.mark.parametrize(
        ("surface", "trimmed"),
        [
            ("South Korea's", "South Korea"),
            ("Putin\u2019s", "Putin"),
            ("the U.S.", "U.S."),
            ("The National Intelligence Service", "National Intelligence Service"),
            ("Reuters' ", "Reuters"),
            ("McDonald's", "McDonald's"),
            (" NATO\n", "NATO"),
            ("the", "the"),
            ("'s", "'s"),
        ],
    )
    def test_drops_article_possessive_and_spaces(self, surface: str, trimmed: str) -> None:
        """A leading 'the', a trailing possessive and outer spaces go; nothing else does."""
        text = f"x {surface} y"
        start, end = trim_span(text, 2, 2 + len(surface))
        assert text[start:end] == trimmed


class TestPossessives:
    @pytest.mark.parametrize(
        ("word", "stripped"),
        [
            ("Korea's", "Korea"),
            ("Russia\u2019s", "Russia"),
            ("KOREA'S", "KOREA'S"),
            ("Chris", "Chris"),
        ],
    )
    def test_strip_possessive(self, word: str, stripped: str) -> None:
        """A lower-case possessive ending goes; a word without one stays as written."""
        assert strip_possessive(word) == stripped

    @pytest.mark.parametrize(("word", "expected"), [("'s", True), ("\u2019S", True), ("s", False)])
    def test_is_possessive(self, word: str, expected: bool) -> None:
        """A bare possessive token is recognised in either apostrophe and case."""
        assert is_possessive(word) is expected

    def test_name_of_collapses_spaces(self) -> None:
        """The name of a span is its trimmed text with inner whitespace collapsed."""
        assert name_of("the  Kim\nIl Sung Square's ") == "Kim Il Sung Square"
