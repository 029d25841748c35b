"""The --since/--until window: ISO-8601 instants, since inclusive, until exclusive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from service.ops.exits import OpsError

__all__ = ["TimeWindow", "parse_instant", "to_ms"]


def parse_instant(text: str, option: str = "time") -> datetime:
    """An ISO-8601 date or date-time; without an offset it is taken as UTC."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise OpsError(
            f"{option} {text!r} is not an ISO-8601 date-time (e.g. 2026-12-01T21:30:00Z)"
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def to_ms(value: datetime) -> int:
    """Kafka timestamps are milliseconds since the epoch."""
    return int(value.timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """Which instants a command looks at; an open end is unbounded."""

    since: datetime | None = None
    until: datetime | None = None

    @classmethod
    def parse(cls, since: str | None, until: str | None) -> TimeWindow:
        window = cls(
            parse_instant(since, "--since") if since else None,
            parse_instant(until, "--until") if until else None,
        )
        if window.since and window.until and window.since >= window.until:
            raise OpsError("--since must be before --until")
        return window

    def before(self, at: datetime) -> bool:
        return self.since is not None and at < self.since

    def after(self, at: datetime) -> bool:
        return self.until is not None and at >= self.until

    def __contains__(self, at: datetime) -> bool:
        return not self.before(at) and not self.after(at)
