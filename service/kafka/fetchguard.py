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
fails, pauses it with a growing backoff and reports it to the stall watcher. Nothing is skipped:
an unreadable batch may be readable after a fix (install the codec, grant the ACL), and the
stall watcher makes the wait visible.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import ConsumerRecord, TopicPartition
from aiokafka.errors import ConsumerStoppedError, IllegalStateError

from service.kafka.stall import StallWatcher

__all__ = ["FetchGuard"]

log = logging.getLogger("entity_service.fetch")

Batch = dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]
GetMany = Callable[..., Awaitable[Batch]]


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

    def install(self) -> FetchGuard:
        """FastStream's consume loop calls `consumer.getmany`: from now on, this."""
        self._consumer.getmany = self.getmany
        return self

    async def getmany(
        self, *partitions: TopicPartition, timeout_ms: int = 0, max_records: int | None = None
    ) -> Batch:
        self._resume_due()
        if time.monotonic() < self._probing_until:
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
                try:
                    got = await self._getmany(tp, timeout_ms=0, max_records=room)
                except ConsumerStoppedError:
                    raise
                except Exception as exc:
                    if position is not None:
                        self._consumer.seek(tp, position)
                    self._fail(tp, position, exc)
                    continue
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
