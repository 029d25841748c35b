"""The entity-redrive-count header: read safely, carried onto dead letters."""

from __future__ import annotations

from service.ops.headers import REDRIVE_COUNT_HEADER, redrive_count, redrive_count_header


class TestRedriveCount:
    def test_absent_is_zero(self) -> None:
        """A message never redriven has count 0 and carries no header onto its dead letter."""
        assert redrive_count([("traceparent", b"x")]) == 0
        assert redrive_count_header([("traceparent", b"x")]) == {}

    def test_carried_as_text(self) -> None:
        """The count goes onto the dead letter as a decimal string."""
        assert redrive_count_header([(REDRIVE_COUNT_HEADER, b"2")]) == {REDRIVE_COUNT_HEADER: "2"}

    def test_malformed_counts_as_too_many(self) -> None:
        """Garbage or absurd counts read as more than any limit, never as 0."""
        for value in (b"\xff", b"-1", b"two", b"99999999999"):
            assert redrive_count([(REDRIVE_COUNT_HEADER, value)]) >= 1_000_000
