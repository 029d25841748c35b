"""Consumer lag and the age of the oldest unprocessed message, per assigned input partition."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aiokafka import ConsumerRebalanceListener, ConsumerRecord, TopicPartition

from service import metrics
from service.kafka.stall import StallWatcher

__all__ = ["LagSampler", "PartitionLag", "RebalanceCounter", "partition_lag"]

log = logging.getLogger("entity_service.lag")


@dataclass(frozen=True, slots=True)
class PartitionLag:
    """What one sample says about one partition."""

    topic: str
    partition: int
    messages: int
    oldest_age_s: float | None


async def partition_lag(consumer: Any, tp: TopicPartition) -> int | None:
    """High watermark minus committed offset, clamped at 0; None until the first fetch.

    The end comes from ``consumer.highwater(tp)``, the high watermark of the last fetch
    response, not from ``end_offsets()``: the embedded Tansu broker answers ListOffsets with
    the base offset of its last record batch plus one (1 for a partition holding 20 messages
    produced in one batch), while its fetch responses carry the true high watermark. A stale
    high watermark (the fetcher does not refetch a partition while records of it are buffered)
    can only understate the lag, so the clamp at 0 hides nothing but that staleness. Before
    the group's first commit the committed offset is the partition's beginning.
    """
    return (await _lag_and_committed(consumer, tp))[0]


async def _lag_and_committed(consumer: Any, tp: TopicPartition) -> tuple[int | None, int]:
    """The lag (as `partition_lag` says) and the committed offset it was measured from."""
    committed = await consumer.committed(tp)
    if committed is None:
        committed = (await consumer.beginning_offsets([tp]))[tp]
    end = consumer.highwater(tp)
    if end is None:
        return None, int(committed)
    return max(int(end) - int(committed), 0), int(committed)


class LagSampler:
    """Samples the lag of the partitions a consumer owns, and remembers the batch in flight."""

    def __init__(
        self,
        consumer_of: Callable[[], Any],
        interval_s: float = 2.0,
        *,
        watcher: StallWatcher | None = None,
    ) -> None:
        self._consumer_of = consumer_of  # the subscriber's aiokafka consumer, None before start
        self._interval_s = interval_s
        self.watcher = watcher if watcher is not None else StallWatcher(float("inf"))
        self._in_flight: dict[TopicPartition, float] = {}  # oldest record timestamp, seconds
        self._last_read: dict[TopicPartition, float] = {}

    def batch_started(self, records: Iterable[ConsumerRecord[bytes, bytes]]) -> None:
        """Note the oldest record of each partition of a batch being processed (the worker has
        up to two open: one parsed, one published)."""
        for record in records:
            tp = TopicPartition(record.topic, record.partition)
            stamp = record.timestamp / 1000
            self._in_flight[tp] = min(self._in_flight.get(tp, stamp), stamp)
            self._last_read[tp] = max(self._last_read.get(tp, stamp), stamp)

    def batch_committed(self) -> None:
        """The open batches are committed: their records are no longer unprocessed (the
        worker notes a batch still open again)."""
        self._in_flight.clear()

    def forget(self, partitions: Iterable[TopicPartition]) -> None:
        """Partitions revoked in a rebalance are another worker's to report: zero ours.

        prometheus-client cannot remove a series in multiprocess mode, so the last value would
        stay exported by this pod; 0 keeps `sum` and `max` over pods right, since the new
        owner (here a later write, elsewhere another pod's series) reports the real lag.
        """
        partitions = list(partitions)
        self.watcher.revoked(partitions)
        for tp in partitions:
            self._in_flight.pop(tp, None)
            self._last_read.pop(tp, None)
            labels = (tp.topic, str(tp.partition))
            metrics.CONSUMER_LAG.labels(*labels).set(0)
            metrics.OLDEST_UNPROCESSED_AGE.labels(*labels).set(0)

    async def sample(self) -> list[PartitionLag]:
        """Measure every assigned partition, set the gauges, feed the stall watcher."""
        consumer = self._consumer_of()
        if consumer is None:
            return []
        now = time.time()
        samples = []
        for tp in sorted(consumer.assignment()):
            messages, committed = await _lag_and_committed(consumer, tp)
            self.watcher.observe(tp, committed, messages)
            if messages is None:
                continue
            age = self._age(tp, messages, now)
            samples.append(PartitionLag(tp.topic, tp.partition, messages, age))
        for sample in samples:
            labels = (sample.topic, str(sample.partition))
            metrics.CONSUMER_LAG.labels(*labels).set(sample.messages)
            if sample.oldest_age_s is not None:
                metrics.OLDEST_UNPROCESSED_AGE.labels(*labels).set(sample.oldest_age_s)
        return samples

    def _age(self, tp: TopicPartition, messages: int, now: float) -> float | None:
        """From record timestamps; between batches the last record read bounds it from above."""
        if messages == 0 and tp not in self._in_flight:
            return 0.0
        stamp = self._in_flight.get(tp, self._last_read.get(tp))
        return None if stamp is None else max(now - stamp, 0.0)

    async def run(self, *, also: Callable[[], object] = lambda: None) -> None:
        """Sample (and call `also`) until cancelled; a failed sample is retried next time."""
        while True:
            try:
                also()
                await self.sample()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.debug("lag sample failed: %s: %s", type(exc).__name__, exc)
            await asyncio.sleep(self._interval_s)


class RebalanceCounter(ConsumerRebalanceListener):  # type: ignore[misc]  # aiokafka is untyped
    """Counts rebalances and keeps the assigned-partitions gauge; passed as `listener=`."""

    def __init__(
        self,
        sampler: LagSampler,
        *,
        before_revoke: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._sampler = sampler
        self._before_revoke = before_revoke  # the worker commits what it published
        self._assigned: set[TopicPartition] = set()

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        if self._before_revoke is not None:
            await self._before_revoke()
        self._sampler.forget(revoked)
        self._assigned -= set(revoked)
        metrics.ASSIGNED_PARTITIONS.set(len(self._assigned))

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        metrics.REBALANCES.inc()
        self._sampler.watcher.assigned(assigned)
        self._assigned |= set(assigned)
        metrics.ASSIGNED_PARTITIONS.set(len(self._assigned))
