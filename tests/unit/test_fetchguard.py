"""The fetch guard: a partition aiokafka cannot decode blocks itself only, and loses nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka import ConsumerRecord, TopicPartition
from aiokafka.errors import CorruptRecordException

from service.kafka.fetchguard import FetchGuard
from service.kafka.stall import StallWatcher

TPS = [TopicPartition("in", p) for p in range(3)]


def record(tp: TopicPartition, offset: int) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(tp.topic, tp.partition, offset, 0, 0, None, b"v", None, 0, 1, ())


class AiokafkaLikeConsumer:
    """Mimics aiokafka 0.14's getmany: drains partitions in order and, when one batch fails to
    decode, raises for the whole call, dropping what it drained while its positions moved on."""

    def __init__(self, sizes: dict[TopicPartition, int], bad: dict[TopicPartition, int]) -> None:
        self.sizes = sizes
        self.bad = bad  # partition -> offset whose batch cannot be decoded
        self.positions = dict.fromkeys(sizes, 0)
        self.paused: set[TopicPartition] = set()

    def assignment(self) -> set[TopicPartition]:
        return set(self.sizes)

    async def position(self, tp: TopicPartition) -> int:
        return self.positions[tp]

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.positions[tp] = offset

    def pause(self, tp: TopicPartition) -> None:
        self.paused.add(tp)

    def resume(self, tp: TopicPartition) -> None:
        self.paused.discard(tp)

    async def getmany(
        self, *partitions: TopicPartition, timeout_ms: int = 0, max_records: int | None = None
    ) -> dict[TopicPartition, list[Any]]:
        drained: dict[TopicPartition, list[Any]] = {}
        for tp in sorted(partitions or self.sizes):
            if tp in self.paused:
                continue
            start = self.positions[tp]
            if self.bad.get(tp) == start:
                raise CorruptRecordException(f"Invalid CRC - {tp}")
            end = min(self.sizes[tp], self.bad.get(tp, self.sizes[tp]))
            if end > start:
                drained[tp] = [record(tp, o) for o in range(start, end)]
                self.positions[tp] = end
        return drained


async def read_all(guard: FetchGuard, calls: int) -> dict[TopicPartition, list[int]]:
    got: dict[TopicPartition, list[int]] = {tp: [] for tp in TPS}
    for _ in range(calls):
        for tp, records in (await guard.getmany(timeout_ms=10)).items():
            got[tp].extend(r.offset for r in records)
        await asyncio.sleep(0.01)
    return got


class TestFetchGuard:
    @pytest.fixture
    def consumer(self) -> AiokafkaLikeConsumer:
        return AiokafkaLikeConsumer(dict.fromkeys(TPS, 4), {TPS[1]: 2})

    async def test_other_partitions_flow_and_nothing_is_dropped(
        self, consumer: AiokafkaLikeConsumer
    ) -> None:
        """Partitions 0 and 2 are read in full, partition 1 up to its bad batch, none twice."""
        watcher = StallWatcher(60)
        guard = FetchGuard(consumer, watcher, initial_backoff_s=0.05).install()
        assert consumer.getmany == guard.getmany
        got = await read_all(guard, 10)
        assert got == {TPS[0]: [0, 1, 2, 3], TPS[1]: [0, 1], TPS[2]: [0, 1, 2, 3]}
        assert consumer.positions[TPS[1]] == 2  # never past the batch it could not read

    async def test_bad_partition_is_paused_reported_and_retried(
        self, consumer: AiokafkaLikeConsumer
    ) -> None:
        """The failing partition is named with its offset, paused with backoff, then read."""
        failures: list[tuple[TopicPartition, int | None, str]] = []

        class Recorder(StallWatcher):
            def fetch_failed(self, tp: TopicPartition, offset: int | None, exc: Any) -> str:
                failures.append((tp, offset, type(exc).__name__))
                return super().fetch_failed(tp, offset, exc)

        guard = FetchGuard(consumer, Recorder(60), initial_backoff_s=0.05, max_backoff_s=0.05)
        await read_all(guard, 5)
        assert failures and {f[:2] for f in failures} == {(TPS[1], 2)}
        assert failures[0][2] == "CorruptRecordException"
        del consumer.bad[TPS[1]]  # fixed (say, the codec was installed)
        got = await read_all(guard, 10)
        assert got[TPS[1]] == [2, 3]
        assert consumer.paused == set()
