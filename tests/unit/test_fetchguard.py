"""The fetch guard: a partition aiokafka cannot decode blocks itself only, and loses nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka import ConsumerRecord, TopicPartition
from aiokafka.errors import CorruptRecordException
from aiokafka.record.default_records import DefaultRecordBatch
from recordbatches import batch, garbage_payload

from service.kafka.badbatch import Undecodable, raw_batches
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


class LogConsumer(AiokafkaLikeConsumer):
    """aiokafka 0.14 over real v2 batches: a read that reaches a batch it cannot decode (or
    whose CRC fails) raises for the whole call, after yielding what came before it; max_records
    stops the read before the next batch is touched, as aiokafka's lazy decoder does."""

    def __init__(self, logs: dict[TopicPartition, list[bytes]]) -> None:
        ends = {
            tp: max(b.next_offset for raw in log for b in raw_batches(raw))
            for tp, log in logs.items()
        }
        super().__init__(ends, {})
        self.logs = logs
        self.events: list[tuple[str, TopicPartition, int]] = []
        self.committed: dict[TopicPartition, int] = {}

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.events.append(("seek", tp, offset))
        super().seek(tp, offset)

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        for tp, offset in offsets.items():
            self.events.append(("commit", tp, offset))
            self.committed[tp] = offset

    def stored(self, tp: TopicPartition, offset: int) -> bytes:
        """What a Fetch at `offset` returns: the batches from the one holding it on."""
        return b"".join(raw for raw in self.logs[tp] if next(raw_batches(raw)).next_offset > offset)

    async def getmany(
        self, *partitions: TopicPartition, timeout_ms: int = 0, max_records: int | None = None
    ) -> dict[TopicPartition, list[Any]]:
        drained: dict[TopicPartition, list[Any]] = {}
        room = max_records or 10_000
        for tp in sorted(partitions or self.sizes):
            if tp in self.paused or room == 0:
                continue
            for raw in self.logs[tp]:
                if room == 0:
                    break
                (header,) = raw_batches(raw)
                if header.next_offset <= self.positions[tp]:
                    continue
                decoder = DefaultRecordBatch(raw)
                if not decoder.validate_crc():
                    raise CorruptRecordException(f"Invalid CRC - {tp}")
                for r in decoder:  # may raise: garbage under its codec
                    if r.offset >= self.positions[tp] and room:
                        drained.setdefault(tp, []).append(record(tp, r.offset))
                        self.positions[tp] = r.offset + 1
                        room -= 1
        return drained


async def stored_bytes(consumer: Any, tp: TopicPartition, offset: int) -> bytes | None:
    return consumer.stored(tp, offset)  # type: ignore[no-any-return]


class Recorder(StallWatcher):
    def __init__(self) -> None:
        super().__init__(60)
        self.failures: list[tuple[TopicPartition, int | None, str]] = []

    def fetch_failed(self, tp: TopicPartition, offset: int | None, exc: Any) -> str:
        self.failures.append((tp, offset, type(exc).__name__))
        return super().fetch_failed(tp, offset, exc)


class TestUndecodableBatch:
    @pytest.fixture
    def consumer(self) -> LogConsumer:
        """Partition 1: two good records, a snappy batch of garbage (2..4), two good ones."""
        good = {tp: [batch(0, 3), batch(3, 3)] for tp in TPS}
        good[TPS[1]] = [batch(0, 2), garbage_payload(batch(2, 3, "snappy")), batch(5, 2)]
        return LogConsumer(good)

    def guard(self, consumer: LogConsumer, watcher: StallWatcher, publish: Any) -> FetchGuard:
        return FetchGuard(
            consumer,
            watcher,
            initial_backoff_s=0.05,
            max_backoff_s=0.05,
            on_undecodable=publish,
            raw_fetch=stored_bytes,
        ).install()

    async def test_one_dead_letter_then_the_partition_reads_on(self, consumer: LogConsumer) -> None:
        """Records before and after come out once each; the batch is published, then passed."""
        letters: list[tuple[TopicPartition, int, int]] = []

        async def publish(tp: TopicPartition, bad: Undecodable) -> None:
            letters.append((tp, bad.batch.base_offset, bad.batch.last_offset))
            consumer.events.append(("dead letter", tp, bad.batch.base_offset))

        watcher = Recorder()
        got = await read_all(self.guard(consumer, watcher, publish), 12)
        assert got == {TPS[0]: [0, 1, 2, 3, 4, 5], TPS[1]: [0, 1, 5, 6], TPS[2]: [0, 1, 2, 3, 4, 5]}
        assert letters == [(TPS[1], 2, 4)]
        rewinds = ("seek", TPS[1], 2), ("seek", TPS[1], 0)  # back to the batch, not past it
        mine = [e for e in consumer.events if e[1] == TPS[1] and e not in rewinds]
        assert mine == [("dead letter", TPS[1], 2), ("seek", TPS[1], 5), ("commit", TPS[1], 5)]
        assert watcher.failures == []  # skipped, not stalled

    async def test_a_failed_publish_keeps_the_partition_waiting(
        self, consumer: LogConsumer
    ) -> None:
        """No acknowledged dead letter, no move: the partition stalls visibly, then skips."""
        broker_up = False

        async def publish(tp: TopicPartition, bad: Undecodable) -> None:
            if not broker_up:
                raise RuntimeError("outputs could not be published")

        watcher = Recorder()
        guard = self.guard(consumer, watcher, publish)
        got = await read_all(guard, 6)
        assert got[TPS[1]] == [0, 1]
        assert consumer.positions[TPS[1]] == 2 and consumer.committed == {}
        assert {f[:2] for f in watcher.failures} == {(TPS[1], 2)}
        broker_up = True
        got = await read_all(guard, 8)
        assert got[TPS[1]] == [5, 6] and consumer.committed == {TPS[1]: 5}

    async def test_a_crc_mismatch_still_stalls(self, consumer: LogConsumer) -> None:
        """Bytes that may be damaged in transit are never dead-lettered."""
        spoiled = bytearray(consumer.logs[TPS[1]][1])
        spoiled[17] ^= 0xFF
        consumer.logs[TPS[1]][1] = bytes(spoiled)
        letters: list[Undecodable] = []

        async def publish(tp: TopicPartition, bad: Undecodable) -> None:
            letters.append(bad)

        watcher = Recorder()
        got = await read_all(self.guard(consumer, watcher, publish), 8)
        assert got[TPS[1]] == [0, 1] and letters == []
        assert consumer.positions[TPS[1]] == 2 and consumer.committed == {}
        assert set(watcher.failures) == {(TPS[1], 2, "CorruptRecordException")}

    async def test_unknown_bytes_fall_back_to_the_stall(self, consumer: LogConsumer) -> None:
        """When the stored bytes cannot be fetched again, nothing is skipped blindly."""

        async def nothing(consumer: Any, tp: TopicPartition, offset: int) -> bytes | None:
            return None

        async def publish(tp: TopicPartition, bad: Undecodable) -> None:
            raise AssertionError("nothing to publish")

        watcher = Recorder()
        guard = FetchGuard(
            consumer, watcher, initial_backoff_s=0.05, on_undecodable=publish, raw_fetch=nothing
        ).install()
        got = await read_all(guard, 6)
        # as before this guard knew batches: the good records wait behind the bad batch too
        assert got[TPS[1]] == [] and consumer.positions[TPS[1]] == 0
        assert watcher.failures and watcher.failures[0][:2] == (TPS[1], 0)
