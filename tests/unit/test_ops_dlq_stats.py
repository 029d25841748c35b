"""`dlq stats` counts dead letters by error type within a window; times are ISO-8601."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from service.deadletters import dead_letter
from service.errors import Rejected
from service.ops.dlq_stats import DeadLetterStats
from service.ops.exits import OpsError
from service.ops.letters import UNREADABLE, LetterMessage
from service.ops.window import TimeWindow, parse_instant

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def letter(error_type: str, minutes: int) -> LetterMessage:
    built = dead_letter(b"{}", Rejected(error_type, "x"), max_original_bytes=100)
    dated = built.model_copy(update={"failed_at": T0 + timedelta(minutes=minutes)})
    return LetterMessage(0, minutes, 0, None, (), dated)


class TestDeadLetterStats:
    def test_counts_oldest_newest_by_type(self) -> None:
        """Each type gets its count and the first and last failed_at."""
        stats = DeadLetterStats().extend(
            [letter("not_json", 3), letter("not_json", 1), letter("text_too_long", 2)]
        )
        assert stats.by_type["not_json"].count == 2
        assert stats.by_type["not_json"].oldest == T0 + timedelta(minutes=1)
        assert stats.by_type["not_json"].newest == T0 + timedelta(minutes=3)
        assert stats.total == 3
        assert [name for name, _ in stats.rows()] == ["not_json", "text_too_long"]

    def test_window_since_inclusive_until_exclusive(self) -> None:
        """Only dead letters in [since, until) are counted; all are scanned."""
        window = TimeWindow(T0 + timedelta(minutes=1), T0 + timedelta(minutes=3))
        stats = DeadLetterStats(window).extend([letter("not_json", m) for m in range(5)])
        assert (stats.total, stats.scanned) == (2, 5)

    def test_unreadable_uses_record_timestamp(self) -> None:
        """A message that is no DeadLetter is counted as unreadable at its record time."""
        odd = LetterMessage(0, 0, int(T0.timestamp() * 1000), None, (), None)
        stats = DeadLetterStats().extend([odd])
        assert stats.by_type[UNREADABLE].oldest == T0

    def test_json_and_table(self) -> None:
        """Both outputs carry the counts and the total."""
        stats = DeadLetterStats().extend([letter("not_json", 0)])
        assert stats.as_json()["types"]["not_json"]["count"] == 1
        assert stats.as_json()["total"] == 1
        assert "not_json" in stats.table() and stats.table().splitlines()[-1].split() == [
            "total",
            "1",
        ]


class TestWindow:
    def test_parse_naive_as_utc_and_offsets(self) -> None:
        """A time without an offset is UTC; offsets and 'Z' are honoured."""
        assert parse_instant("2026-12-01T12:00") == T0
        assert parse_instant("2026-12-01T13:00+01:00") == T0
        assert parse_instant("2026-12-01T12:00:00Z") == T0

    def test_bad_time_is_usage_error(self) -> None:
        """A value that is not ISO-8601 is a usage error naming the option."""
        with pytest.raises(OpsError, match="--since 'yesterday'") as caught:
            TimeWindow.parse("yesterday", None)
        assert caught.value.code == 2

    def test_since_after_until_refused(self) -> None:
        """An empty window is a usage error."""
        with pytest.raises(OpsError, match="before --until"):
            TimeWindow.parse("2026-12-02", "2026-12-01")
