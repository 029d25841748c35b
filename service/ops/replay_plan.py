"""What `replay --since` moves: per partition, from where the group stands back to the target.

Pure (no Kafka). A replay never moves a group forward: a target at or past the group's current
position would skip messages it has not read yet, so such a partition stays where it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = ["PartitionPlan", "first_at_or_after", "plan_partition", "plan_table"]


@dataclass(frozen=True, slots=True)
class PartitionPlan:
    """One input partition: where the group stands, where it goes, what is coded again."""

    partition: int
    committed: int | None
    current: int
    target: int
    found_by: str

    @property
    def moves(self) -> bool:
        return self.target < self.current

    @property
    def recode(self) -> int:
        return self.current - self.target if self.moves else 0


def plan_partition(
    partition: int,
    *,
    committed: int | None,
    beginning: int,
    end: int,
    first_offset: int | None,
    auto_offset_reset: Literal["earliest", "latest"],
    found_by: str = "broker",
) -> PartitionPlan:
    """`first_offset`: the first offset whose timestamp is at or after T (None: no such record).

    Without a committed offset the group would start at the beginning (earliest) or the end
    (latest): that is where it stands.
    """
    if committed is None:
        current = beginning if auto_offset_reset == "earliest" else end
    else:
        current = min(max(committed, beginning), end)
    target = end if first_offset is None else min(max(first_offset, beginning), end)
    return PartitionPlan(partition, committed, current, min(target, current), found_by)


def first_at_or_after(stamps: Sequence[tuple[int, int]], at_ms: int) -> int | None:
    """The first offset whose timestamp is >= `at_ms` in (offset, timestamp) pairs in order.

    The same rule as Kafka's ListOffsets with a timestamp (the earliest such offset).
    """
    for offset, stamp in stamps:
        if stamp >= at_ms:
            return offset
    return None


def plan_table(plans: Sequence[PartitionPlan]) -> str:
    lines = [f"{'partition':>9} {'committed':>10} {'target':>10} {'re-code':>8}  found by"]
    for p in plans:
        committed = "-" if p.committed is None else str(p.committed)
        target = str(p.target) if p.moves else "(stays)"
        lines.append(f"{p.partition:>9} {committed:>10} {target:>10} {p.recode:>8}  {p.found_by}")
    lines.append(f"{'total':>9} {'':>10} {'':>10} {sum(p.recode for p in plans):>8}")
    return "\n".join(lines)
