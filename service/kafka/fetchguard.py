"""A guard around the consumer's `getmany`: one partition that cannot be read blocks only itself.

aiokafka 0.14 decodes record batches lazily inside `getmany`, so a batch it rejects (bad CRC:
`CorruptRecordException`; a codec without its library: `UnsupportedCodecError`) or a stored
fetch error (`TopicAuthorizationFailedError`) is raised from there, for the whole call and
without naming the partition. FastStream 0.7.8's consume loop then logs and sleeps (15 s or
5 s) and calls again: every partition waits behind the bad one, forever. Worse, records
`getmany` had already drained from other partitions in that call are dropped while their
positions moved on, so the next commit would pass them.

The guard snapshots positions before each call; on an error it seeks every partition back (the
dropped records are fetched again), then reads partition by partition to find the one that
fails, pauses it with a growing backoff and reports it to the stall watcher. Nothing is skipped
blindly: an unreadable batch may be readable after a fix (install the codec, grant the ACL) or
a fetch again (a CRC mismatch: bytes damaged on the way), and the stall watcher makes the wait
visible.

One case is skipped, because waiting cannot end it: a v2 record batch whose CRC32C checks (the
broker's own bytes, the same on every fetch) but whose content does not decode (`badbatch` says
which and why, from the bytes `rawfetch` gets again). With `on_undecodable` set, the guard first
lets the decodable records before it through (exactly as many as precede it), then hands the
batch to `on_undecodable` (the worker publishes one `undecodable_batch` dead letter and returns
once the broker acknowledged it), and only then seeks past the batch and commits that position.
A failure anywhere on that path, or a batch it cannot locate, falls back to the stall.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import ConsumerRecord, TopicPartition
from aiokafka.errors import ConsumerStoppedError, IllegalStateError

from service import metrics
from service.kafka.badbatch import ReadableFirst, Undecodable, find_undecodable
from service.kafka.rawfetch import fetch_raw
from service.kafka.stall import StallWatcher

__all__ = ["FetchGuard", "OnUndecodable"]

log = logging.getLogger("entity_service.fetch")

Batch = dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]
GetMany = Callable[..., Awaitable[Batch]]
#: Publish the dead letter of an undecodable batch; return once the broker acknowledged it.
OnUndecodable = Callable[[TopicPartition, Undecodable], Awaitable[None]]
RawFetch = Callable[[Any, TopicPartition, int], Awaitable[bytes | None]]


class FetchGuard:
    """Installed on one aiokafka consumer; `getmany` keeps the consumer's signature."""

    def __init__(
        self,
        consumer: Any,
        watcher: StallWatcher,
        *,
        initial_backoff_s: float = 0.5,
        max_backoff_s: float = 10.0,
        poll_s: float = 0.05,
        probe_s: float = 5.0,
        on_undecodable: OnUndecodable | None = None,
        raw_fetch: RawFetch = fetch_raw,
    ) -> None:
        self._consumer = consumer
        self._watcher = watcher
        self._getmany: GetMany = consumer.getmany
        self._initial_backoff_s = initial_backoff_s
        self._max_backoff_s = max_backoff_s
        self._poll_s = poll_s
        self._probe_s = probe_s
        self._failures: dict[TopicPartition, int] = {}
        self._paused_until: dict[TopicPartition, float] = {}
        self._probing_until = 0.0  # after an unattributed error: read partition by partition
        self._turn = 0
        self._on_undecodable = on_undecodable
        self._raw_fetch = raw_fetch
        # partition -> records still to read before its undecodable batch (read no more)
        self._limits: dict[TopicPartition, int] = {}

    def install(self) -> FetchGuard:
        """FastStream's consume loop calls `consumer.getmany`: from now on, this."""
        self._consumer.getmany = self.getmany
        return self

    async def getmany(
        self, *partitions: TopicPartition, timeout_ms: int = 0, max_records: int | None = None
    ) -> Batch:
        self._resume_due()
        if self._limits or time.monotonic() < self._probing_until:
            return await self._probe(timeout_ms, max_records)
        before = await self._positions(self._active())
        try:
            batch = await self._getmany(*partitions, timeout_ms=timeout_ms, max_records=max_records)
        except ConsumerStoppedError:
            raise
        except Exception as exc:
            self._rewind(before)
            log.debug("getmany failed (%s: %s); finding the partition", type(exc).__name__, exc)
            self._probing_until = time.monotonic() + self._probe_s
            return {}
        self._read(batch)
        return batch

    async def _probe(self, timeout_ms: int, max_records: int | None) -> Batch:
        """Read each partition on its own, without waiting, until records arrive or time is up."""
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            batch: Batch = {}
            room = max_records or 500
            for tp in self._rotation():
                position = await self._position(tp)
                limit = self._limits.get(tp)
                try:
                    got = await self._getmany(
                        tp, timeout_ms=0, max_records=room if limit is None else min(room, limit)
                    )
                except ConsumerStoppedError:
                    raise
                except Exception as exc:
                    if position is not None:
                        self._consumer.seek(tp, position)
                    await self._failed(tp, position, exc)
                    continue
                if limit is not None:
                    self._count_down(tp, limit, len(got.get(tp, ())))
                for part, records in got.items():
                    batch[part] = records
                    room -= len(records)
                if room <= 0:
                    break
            self._read(batch)
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0:
                return batch
            await asyncio.sleep(min(self._poll_s, remaining))

    def _count_down(self, tp: TopicPartition, limit: int, read: int) -> None:
        if read >= limit:
            del self._limits[tp]  # the next read of tp meets the undecodable batch
        else:
            self._limits[tp] = limit - read

    async def _failed(self, tp: TopicPartition, position: int | None, exc: BaseException) -> None:
        """A read of `tp` failed: skip a batch that can never be decoded, otherwise stall."""
        limited = self._limits.pop(tp, None) is not None  # then the count was wrong: stall
        if not limited and position is not None and self._on_undecodable is not None:
            verdict = await self._judge(tp, position)
            if isinstance(verdict, ReadableFirst):
                self._limits[tp] = verdict.records
                return
            if isinstance(verdict, Undecodable) and await self._skip(tp, verdict):
                return
        self._fail(tp, position, exc)

    async def _judge(self, tp: TopicPartition, position: int) -> Undecodable | ReadableFirst | None:
        """What the broker stores at `position`, judged; None (stall) when it cannot be told."""
        try:
            raw = await self._raw_fetch(self._consumer, tp, position)
            return None if raw is None else find_undecodable(raw, position)
        except Exception as exc:  # never let the judging itself stop the consume loop
            log.warning("cannot judge %s partition %d at %d: %r", *tp, position, exc)
            return None

    async def _skip(self, tp: TopicPartition, bad: Undecodable) -> bool:
        """Dead-letter the batch, then (only then) move past it and commit; False: not skipped."""
        assert self._on_undecodable is not None
        first, last = bad.batch.base_offset, bad.batch.last_offset
        try:
            await self._on_undecodable(tp, bad)
        except Exception as exc:
            log.warning(
                "the dead letter of %s partition %d offsets %d..%d was not published (%s); "
                "the partition waits",
                tp.topic,
                tp.partition,
                first,
                last,
                exc,
            )
            return False
        self._probing_until = 0.0
        try:
            self._consumer.seek(tp, bad.batch.next_offset)
        except IllegalStateError:  # revoked meanwhile: its next reader dead-letters it again
            return True
        log.warning(
            "%s partition %d: record batch at offsets %d..%d cannot be decoded (%s); "
            "dead-lettered as undecodable_batch, reading on at offset %d",
            tp.topic,
            tp.partition,
            first,
            last,
            bad.batch.codec,
            bad.batch.next_offset,
        )
        self._watcher.fetched(tp)
        await self._commit(tp, bad.batch.next_offset)
        return True

    async def _commit(self, tp: TopicPartition, offset: int) -> None:
        """Everything of `tp` before the batch was handled and committed; the batch is now too.

        Without this a bad batch at the end of the partition would wait for the next record's
        commit, its lag reading as a stall. A failed commit is not fatal: the next batch's
        commit covers the position, or a restart dead-letters the batch again (same ce_id).
        """
        try:
            await self._consumer.commit({tp: offset})
        except Exception as exc:
            metrics.COMMITS.labels("failed").inc()
            log.warning("committing %s partition %d at %d failed: %s", *tp, offset, exc)
            return
        metrics.COMMITS.labels("ok").inc()

    def _fail(self, tp: TopicPartition, position: int | None, exc: BaseException) -> None:
        """Pause the partition that failed, with exponential backoff; the others go on."""
        self._probing_until = 0.0
        failures = self._failures[tp] = self._failures.get(tp, 0) + 1
        delay = min(self._initial_backoff_s * 2 ** (failures - 1), self._max_backoff_s)
        self._watcher.fetch_failed(tp, position, exc)
        try:
            self._consumer.pause(tp)
        except IllegalStateError:  # revoked meanwhile: nothing to pause
            return
        self._paused_until[tp] = time.monotonic() + delay

    def _resume_due(self) -> None:
        assigned = self._consumer.assignment()
        for tp in [tp for tp in self._limits if tp not in assigned]:
            del self._limits[tp]
        now = time.monotonic()
        for tp, until in list(self._paused_until.items()):
            if now >= until:
                del self._paused_until[tp]
                if tp in self._consumer.assignment():
                    self._consumer.resume(tp)

    def _read(self, batch: Batch) -> None:
        for tp in batch:
            self._failures.pop(tp, None)
            self._watcher.fetched(tp)

    def _active(self) -> list[TopicPartition]:
        return sorted(tp for tp in self._consumer.assignment() if tp not in self._paused_until)

    def _rotation(self) -> list[TopicPartition]:
        """The active partitions, starting one further each call, so none is always last."""
        active = self._active()
        self._turn += 1
        if not active:
            return active
        start = self._turn % len(active)
        return active[start:] + active[:start]

    async def _positions(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        found = {}
        for tp in partitions:
            position = await self._position(tp)
            if position is not None:
                found[tp] = position
        return found

    async def _position(self, tp: TopicPartition) -> int | None:
        """The next offset to read, or None while the partition has none yet (or is revoked)."""
        try:
            return int(await asyncio.wait_for(self._consumer.position(tp), timeout=1.0))
        except (IllegalStateError, TimeoutError):
            return None

    def _rewind(self, positions: dict[TopicPartition, int]) -> None:
        """Back to where the failed call started: what it drained and dropped is read again."""
        assigned = self._consumer.assignment()
        for tp, offset in positions.items():
            if tp in assigned:
                self._consumer.seek(tp, offset)
