"""`replay --since T`: move the service's consumer group back to the first offset at or after T.

The target comes from Kafka's offsets-for-times (ListOffsets with a timestamp), checked against
the records around it; when the broker's answer does not hold (the embedded Tansu broker can
answer an offset well before the time, e.g. 0), the partition's record timestamps are read to
find it, by the same rule. The new offsets are committed as `kafka-consumer-groups
--reset-offsets` does: from outside the group, which a broker accepts only while it is empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError

from service.config import Settings
from service.ops import clients
from service.ops.exits import Exit, OpsError
from service.ops.progress import progress
from service.ops.replay_plan import PartitionPlan, first_at_or_after, plan_partition
from service.ops.scan import TopicScan
from service.ops.window import to_ms

__all__ = ["ReplayRun", "group_members", "replay"]


@dataclass
class ReplayRun:
    """The plan per partition, and how it was committed (None on a dry run)."""

    group: str
    since: datetime
    plans: list[PartitionPlan] = field(default_factory=list)
    committed_by: str | None = None

    @property
    def recode(self) -> int:
        return sum(p.recode for p in self.plans)


async def group_members(settings: Settings, group: str, timeout_s: float) -> list[tuple[str, str]]:
    """(client id, client host) of each member the group has right now (DescribeGroups)."""
    async with clients.admin(settings, timeout_s) as admin:
        described = await clients.answer(
            admin.describe_consumer_groups([group]), settings, timeout_s
        )
    error_code, *_, members = described[0].groups[0][:6]
    if error_code:
        raise OpsError(f"cannot describe group {group!r}: error {error_code}", Exit.UNAVAILABLE)
    return [(str(m[1]), str(m[2])) for m in members]


async def _refuse_if_active(settings: Settings, timeout_s: float) -> None:
    members = await group_members(settings, settings.group_id, timeout_s)
    if members:
        raise OpsError(
            f"consumer group {settings.group_id!r} has {len(members)} active member(s): stop "
            "the service (every replica) first, then run replay again",
            Exit.GROUP_ACTIVE,
        )


async def replay(
    settings: Settings, since: datetime, *, dry_run: bool, timeout_s: float
) -> ReplayRun:
    run = ReplayRun(settings.group_id, since)
    async with clients.consumer(settings, timeout_s, group_id=settings.group_id) as consumer:
        tps = await clients.input_partitions(consumer, settings.input_topic, settings, timeout_s)
        await _refuse_if_active(settings, timeout_s)
        run.plans = await _plans(consumer, tps, to_ms(since), settings, timeout_s)
        moves = {
            TopicPartition(settings.input_topic, p.partition): p.target
            for p in run.plans
            if p.moves
        }
        if dry_run or not moves:
            return run
        await _refuse_if_active(settings, timeout_s)
        consumer.assign(tps)
        try:
            await consumer.commit(moves)
        except CommitFailedError:
            raise OpsError(
                f"the broker refused the new offsets for {settings.group_id!r}: it counts a "
                "member in the group; stop every replica and retry",
                Exit.GROUP_ACTIVE,
            ) from None
        except KafkaError as exc:
            raise OpsError(
                f"the new offsets were not committed: {type(exc).__name__}: {exc}",
                Exit.UNAVAILABLE,
            ) from None
        run.committed_by = "offset commit from outside the group"
    await _check_committed(settings, moves, timeout_s)
    return run


async def _plans(
    consumer: AIOKafkaConsumer,
    tps: list[TopicPartition],
    at_ms: int,
    settings: Settings,
    timeout_s: float,
) -> list[PartitionPlan]:
    beginning = await clients.answer(consumer.beginning_offsets(tps), settings, timeout_s)
    ends = await TopicScan(consumer, beginning, idle_timeout_s=timeout_s).ends()
    answers = await clients.answer(
        consumer.offsets_for_times(dict.fromkeys(tps, at_ms)), settings, timeout_s
    )
    plans = []
    for tp in tps:
        committed = await clients.answer(consumer.committed(tp), settings, timeout_s)
        found = answers.get(tp)
        offset = found.offset if found is not None else None
        found_by = "broker"
        if not await _holds(consumer, tp, offset, at_ms, beginning[tp], ends[tp], timeout_s):
            # past where the group stands it would not move: read no further than that
            if committed is not None:
                stop = min(committed, ends[tp])
            else:
                stop = beginning[tp] if settings.auto_offset_reset == "earliest" else ends[tp]
            offset = await _scan_for(consumer, tp, at_ms, beginning[tp], stop, timeout_s)
            found_by = "timestamp scan"
        plans.append(
            plan_partition(
                tp.partition,
                committed=committed,
                beginning=beginning[tp],
                end=ends[tp],
                first_offset=offset,
                auto_offset_reset=settings.auto_offset_reset,
                found_by=found_by,
            )
        )
    return plans


async def _record_at(
    consumer: AIOKafkaConsumer, tp: TopicPartition, offset: int, timeout_s: float
) -> Any | None:
    """The first record at or after `offset` (None past the end)."""
    async for record in TopicScan(consumer, {tp: offset}, idle_timeout_s=timeout_s).records():
        return record
    return None


async def _holds(
    consumer: AIOKafkaConsumer,
    tp: TopicPartition,
    offset: int | None,
    at_ms: int,
    beginning: int,
    end: int,
    timeout_s: float,
) -> bool:
    """Whether the broker's answer is the first offset at or after the time: checked on records."""
    if offset is None or offset >= end:
        if end <= beginning:
            return True
        last = await _record_at(consumer, tp, end - 1, timeout_s)
        return last is None or last.timestamp < at_ms
    found = await _record_at(consumer, tp, offset, timeout_s)
    if found is None or found.offset != offset or found.timestamp < at_ms:
        return False
    if offset <= beginning:
        return True
    before = await _record_at(consumer, tp, offset - 1, timeout_s)
    return before is None or before.offset != offset - 1 or before.timestamp < at_ms


async def _scan_for(
    consumer: AIOKafkaConsumer,
    tp: TopicPartition,
    at_ms: int,
    beginning: int,
    stop: int,
    timeout_s: float,
) -> int | None:
    """Read timestamps from the beginning up to `stop` (past it the group would not move)."""
    if stop <= beginning:
        return None
    scan = TopicScan(consumer, {tp: beginning}, idle_timeout_s=timeout_s)
    await scan.ends()
    with progress(stop - beginning, f"replay: timestamps of partition {tp.partition}") as bar:
        async for record in scan.records():
            bar.update()
            if first_at_or_after([(record.offset, record.timestamp)], at_ms) is not None:
                return int(record.offset)
            if record.offset + 1 >= stop:
                break
    return None


async def _check_committed(
    settings: Settings, offsets: dict[TopicPartition, int], timeout_s: float
) -> None:
    async with clients.consumer(settings, timeout_s, group_id=settings.group_id) as consumer:
        for tp, offset in offsets.items():
            committed = await clients.answer(consumer.committed(tp), settings, timeout_s)
            if committed != offset:
                raise OpsError(
                    f"partition {tp.partition}: committed {committed} after the replay, "
                    f"expected {offset}",
                    Exit.UNAVAILABLE,
                )
