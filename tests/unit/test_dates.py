"""Tests for service.events.dates: date expressions resolved against the publication time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.events.dates import DateResolver

PUBLISHED = datetime(2024, 10, 18, 9, 30, tzinfo=UTC)  # a Friday


@pytest.fixture(scope="module")
def resolve() -> DateResolver:
    return DateResolver()


class TestSingleDates:
    """One expression, one day or one period."""

    @pytest.mark.parametrize(
        ("text", "start", "end"),
        [
            ("Oct. 8", date(2024, 10, 8), date(2024, 10, 8)),
            ("March 3, 2021", date(2021, 3, 3), date(2021, 3, 3)),
            ("3 March", date(2024, 3, 3), date(2024, 3, 3)),
            ("December 24", date(2023, 12, 24), date(2023, 12, 24)),
            ("June", date(2024, 6, 1), date(2024, 6, 30)),
            ("in June", date(2024, 6, 1), date(2024, 6, 30)),
            ("November", date(2023, 11, 1), date(2023, 11, 30)),
            ("February 2020", date(2020, 2, 1), date(2020, 2, 29)),
            ("1961", date(1961, 1, 1), date(1961, 12, 31)),
            ("Tuesday", date(2024, 10, 15), date(2024, 10, 15)),
            ("Friday", date(2024, 10, 18), date(2024, 10, 18)),
            ("last Friday", date(2024, 10, 11), date(2024, 10, 11)),
            ("Monday night", date(2024, 10, 14), date(2024, 10, 14)),
            ("yesterday", date(2024, 10, 17), date(2024, 10, 17)),
            ("today", date(2024, 10, 18), date(2024, 10, 18)),
            ("last week", date(2024, 10, 7), date(2024, 10, 13)),
            ("last month", date(2024, 9, 1), date(2024, 9, 30)),
            ("last year", date(2023, 1, 1), date(2023, 12, 31)),
            ("last November", date(2023, 11, 1), date(2023, 11, 30)),
            ("three days ago", date(2024, 10, 15), date(2024, 10, 15)),
        ],
    )
    def test_resolves(self, resolve: DateResolver, text: str, start: date, end: date) -> None:
        """The expression resolves to the days it names, in the past of the anchor."""
        info = resolve(text, PUBLISHED)
        assert (info.text, info.start, info.end) == (text, start, end)

    @pytest.mark.parametrize("text", ["100 years", "two weeks", "the Cold War", "recently"])
    def test_unresolved(self, resolve: DateResolver, text: str) -> None:
        """Durations and vague words keep their text but name no days."""
        info = resolve(text, PUBLISHED)
        assert (info.text, info.start, info.end) == (text, None, None)

    @pytest.mark.parametrize(
        ("text", "start"), [("Tuesday", None), ("June", None), ("March 3, 2021", date(2021, 3, 3))]
    )
    def test_without_anchor(self, resolve: DateResolver, text: str, start: date | None) -> None:
        """Without published_at only dates that state their year resolve."""
        assert resolve(text, None).start == start


class TestRanges:
    """Ranges are read from the sentence, both ends resolved."""

    @pytest.mark.parametrize(
        ("sentence", "text", "start", "end"),
        [
            ("Troops moved from Oct. 8 to Oct. 13 by ship.", "from Oct. 8 to Oct. 13",
             date(2024, 10, 8), date(2024, 10, 13)),
            ("Talks ran between March 2 and March 5, 2023.", "between March 2 and March 5, 2023",
             date(2023, 3, 2), date(2023, 3, 5)),
            ("Exercises took place Oct. 8-13.", "Oct. 8-13",
             date(2024, 10, 8), date(2024, 10, 13)),
            ("Fighting lasted from June to August.", "from June to August",
             date(2024, 6, 1), date(2024, 8, 31)),
        ],
    )  # fmt: skip
    def test_range(
        self, resolve: DateResolver, sentence: str, text: str, start: date, end: date
    ) -> None:
        """The first range in the sentence spans from its first day to its last."""
        found = resolve.find_range(sentence)
        assert found is not None
        info = resolve.resolve_range(found, PUBLISHED)
        assert (info.text, info.start, info.end) == (text, start, end)

    def test_no_range(self, resolve: DateResolver) -> None:
        """A sentence with a single date holds no range."""
        assert resolve.find_range("They met on Oct. 8 in Paris.") is None

    def test_reversed_range_unresolved(self, resolve: DateResolver) -> None:
        """A range that ends before it starts names no days."""
        found = resolve.find_range("from Oct. 13 to Oct. 8")
        assert found is not None
        assert resolve.resolve_range(found, PUBLISHED).start is None


class TestRobustness:
    """Resolution never raises."""

    @given(st.text(max_size=60))
    def test_arbitrary_text(self, text: str) -> None:
        """Any text gives a DateInfo whose start is not after its end."""
        info = DateResolver()(text, PUBLISHED)
        if info.start and info.end:
            assert info.start <= info.end


class TestCalendarEnds:
    """Near 0001-01-01 and 9999-12-31, a relative day resolves or stays unresolved."""

    FIRST = datetime(1, 1, 1, tzinfo=UTC)
    LAST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)

    @pytest.mark.parametrize(
        "text", ["yesterday", "last week", "last month", "last year", "Tuesday", "Dec. 30", "June"]
    )
    def test_before_the_first_day(self, resolve: DateResolver, text: str) -> None:
        """What would fall before year 1 is unresolved, not an error."""
        info = resolve(text, self.FIRST)
        assert info.text == text
        assert info.start is None or info.start >= date(1, 1, 1)

    @pytest.mark.parametrize("text", ["tomorrow", "next Monday", "this weekend", "in 3 days"])
    def test_after_the_last_day(self, resolve: DateResolver, text: str) -> None:
        """What would fall after 9999-12-31 is unresolved, not an error."""
        info = resolve(text, self.LAST)
        assert info.end is None or info.end <= date(9999, 12, 31)

    def test_today_still_resolves(self, resolve: DateResolver) -> None:
        """The calendar's own last day still resolves."""
        info = resolve("today", self.LAST)
        assert (info.start, info.end) == (date(9999, 12, 31), date(9999, 12, 31))

    def test_range_past_the_first_year(self, resolve: DateResolver) -> None:
        """A day span that would need year 0 keeps its text only."""
        match = resolve.find_range("fighting on Dec. 20-22 was heavy")
        assert match is not None
        info = resolve.resolve_range(match, self.FIRST)
        assert info.start is None
