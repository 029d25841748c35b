"""Tests for service.cleaning.tokensafe: punctuation floods blanked, offsets kept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from service.cleaning.tokensafe import MAX_MARKS, bound_mark_runs


class TestBoundMarkRuns:
    """Only chunks with more than MAX_MARKS marks change, and only past their last kept mark."""

    def test_paren_flood_cut(self) -> None:
        """'a.' and 31 ')' stay; the rest of the chunk becomes spaces."""
        text = "Troops left. a." + ")" * 20_000 + " Next words."
        out = bound_mark_runs(text)
        assert len(out) == len(text)
        assert out.startswith("Troops left. a." + ")" * (MAX_MARKS - 1) + " ")
        assert out.endswith(" Next words.")
        assert out.count(")") == MAX_MARKS - 1

    def test_suffix_chain_cut(self) -> None:
        """A chain of "'s" (letters between the marks) is bounded too."""
        out = bound_mark_runs("x" + "'s" * 1000)
        assert out.count("'") == MAX_MARKS
        assert out.rstrip() == "x" + "'s" * (MAX_MARKS - 1) + "'"

    def test_ordinary_text_unchanged(self) -> None:
        """Words, URLs, numbers and short runs of marks are left as they are."""
        text = (
            "See https://example.org/a/b/c?d=1&e=2#f for 1,000,000.50 dollars... "
            "Really?!?! --- well \u2014 \u201cyes\u201d. " + "-" * MAX_MARKS
        )
        assert bound_mark_runs(text) == text

    @given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
    def test_same_length_and_prefix(self, text: str) -> None:
        """Any text keeps its length and every character is kept or a space."""
        out = bound_mark_runs(text)
        assert len(out) == len(text)
        assert all(a == b or b == " " for a, b in zip(text, out, strict=True))
