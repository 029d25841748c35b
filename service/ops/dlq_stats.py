"""`dlq stats`: dead letters by error type (count, oldest, newest), over a time window."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from service.config import Settings
from service.ops import clients
from service.ops.letters import LetterMessage
from service.ops.progress import progress
from service.ops.scan import TopicScan
from service.ops.window import TimeWindow

__all__ = ["DeadLetterStats", "TypeStats", "dlq_stats"]


@dataclass(slots=True)
class TypeStats:
    """What the window holds of one error type."""

    count: int
    oldest: datetime
    newest: datetime


@dataclass(slots=True)
class DeadLetterStats:
    """Counts by error type; `scanned` counts every message read, in the window or not."""

    window: TimeWindow = field(default_factory=TimeWindow)
    by_type: dict[str, TypeStats] = field(default_factory=dict)
    scanned: int = 0

    def add(self, message: LetterMessage) -> None:
        self.scanned += 1
        at = message.at
        if at not in self.window:
            return
        stats = self.by_type.get(message.error_type)
        if stats is None:
            self.by_type[message.error_type] = TypeStats(1, at, at)
            return
        stats.count += 1
        stats.oldest = min(stats.oldest, at)
        stats.newest = max(stats.newest, at)

    def extend(self, messages: Iterable[LetterMessage]) -> DeadLetterStats:
        for message in messages:
            self.add(message)
        return self

    @property
    def total(self) -> int:
        return sum(s.count for s in self.by_type.values())

    def rows(self) -> list[tuple[str, TypeStats]]:
        """Most frequent first, then by name."""
        return sorted(self.by_type.items(), key=lambda item: (-item[1].count, item[0]))

    def as_json(self) -> dict[str, Any]:
        return {
            "since": self.window.since.isoformat() if self.window.since else None,
            "until": self.window.until.isoformat() if self.window.until else None,
            "scanned": self.scanned,
            "total": self.total,
            "types": {
                name: {
                    "count": s.count,
                    "oldest": s.oldest.isoformat(),
                    "newest": s.newest.isoformat(),
                }
                for name, s in self.rows()
            },
        }

    def table(self) -> str:
        lines = [f"{'error.type':<24} {'count':>8}  {'oldest':<25} newest"]
        for name, s in self.rows():
            lines.append(
                f"{name:<24} {s.count:>8}  {s.oldest.isoformat(timespec='seconds'):<25} "
                f"{s.newest.isoformat(timespec='seconds')}"
            )
        lines.append(f"{'total':<24} {self.total:>8}")
        return "\n".join(lines)


async def dlq_stats(settings: Settings, window: TimeWindow, timeout_s: float) -> DeadLetterStats:
    """Read the whole dead-letter topic once (no consumer group) and count it."""
    stats = DeadLetterStats(window)
    async with clients.consumer(settings, timeout_s) as consumer:
        partitions = await clients.input_partitions(
            consumer, settings.dlq_topic, settings, timeout_s
        )
        starts = await clients.answer(consumer.beginning_offsets(partitions), settings, timeout_s)
        scan = TopicScan(consumer, starts, idle_timeout_s=timeout_s)
        await scan.ends()
        with progress(scan.total(), "dlq stats") as bar:
            async for record in scan.records():
                stats.add(LetterMessage.from_record(record))
                bar.update()
    return stats
