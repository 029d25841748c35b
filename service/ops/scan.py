"""Read assigned partitions from given offsets up to the end they had when the scan started.

The end is the high watermark of the first fetch response, not `end_offsets()`: the embedded
Tansu broker answers ListOffsets(latest) with the base offset of its last record batch plus one
(see service/kafka/lag.py). Messages that arrive during the scan (for example the dead letters
of redriven messages that fail again) belong to the next run, which keeps a run finite.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from service.ops.exits import Exit, OpsError

__all__ = ["TopicScan"]


class TopicScan:
    """One pass over partitions: `await ends()`, then `async for record in records()`."""

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        starts: Mapping[TopicPartition, int],
        *,
        idle_timeout_s: float = 30.0,
    ) -> None:
        self._consumer = consumer
        self._starts = dict(starts)
        self._idle_timeout_s = idle_timeout_s
        self._buffered: list[Any] = []
        self._stops: dict[TopicPartition, int] | None = None

    async def ends(self) -> dict[TopicPartition, int]:
        """Each partition's end offset (its high watermark) as of the first fetch."""
        if self._stops is not None:
            return self._stops
        consumer = self._consumer
        consumer.assign(list(self._starts))
        for tp, offset in self._starts.items():
            consumer.seek(tp, offset)
        deadline = time.monotonic() + self._idle_timeout_s
        while any(consumer.highwater(tp) is None for tp in self._starts):
            if time.monotonic() > deadline:
                missing = sorted(
                    tp.partition for tp in self._starts if consumer.highwater(tp) is None
                )
                raise OpsError(f"no fetch answer for partitions {missing}", Exit.UNAVAILABLE)
            batch = await consumer.getmany(timeout_ms=200)
            for records in batch.values():
                self._buffered.extend(records)
        self._stops = {tp: int(consumer.highwater(tp)) for tp in self._starts}
        return self._stops

    def total(self) -> int:
        """Messages between the starts and the ends (after `ends()`)."""
        assert self._stops is not None, "call ends() first"
        return sum(max(self._stops[tp] - start, 0) for tp, start in self._starts.items())

    async def records(self) -> AsyncIterator[Any]:
        """Each partition's records in offset order (partitions interleaved), up to its end."""
        stops = await self.ends()
        consumer = self._consumer
        open_ = {tp for tp, stop in stops.items() if self._starts[tp] < stop}
        consumer.pause(*(set(stops) - open_))
        for record in self._buffered:
            tp = TopicPartition(record.topic, record.partition)
            if tp in open_ and record.offset < stops[tp]:
                yield record
                if record.offset + 1 >= stops[tp]:
                    open_.discard(tp)
                    consumer.pause(tp)
        self._buffered.clear()
        idle_since = time.monotonic()
        while open_:
            batch = await consumer.getmany(*open_, timeout_ms=500)
            for tp, records in batch.items():
                for record in records:
                    if tp in open_ and record.offset < stops[tp]:
                        yield record
                        idle_since = time.monotonic()
                    if record.offset + 1 >= stops[tp]:
                        open_.discard(tp)
                        consumer.pause(tp)
            # Compacted or deleted offsets: the position can pass the end without a record at it.
            for tp in [tp for tp in open_ if await consumer.position(tp) >= stops[tp]]:
                open_.discard(tp)
                consumer.pause(tp)
            if open_ and time.monotonic() - idle_since > self._idle_timeout_s:
                raise OpsError(
                    f"no progress reading partitions {sorted(tp.partition for tp in open_)} "
                    f"for {self._idle_timeout_s:g}s",
                    Exit.UNAVAILABLE,
                )
