"""The output chain of a worker: outputs in order, each poll's commit after its outputs.

While the pipeline child parses one poll, the outputs of the polls before it go out through one
ordered chain of steps: each slice's outputs as soon as the child reports them, then that
poll's commit. A commit names explicit offsets, never the consumer's position (already past the
next poll), and runs after every output before it was acknowledged. A failed step fails every
later one, so nothing is committed past an output that was not acknowledged; `recover` then
seeks every partition of the polls not yet committed back to its first record.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiokafka import ConsumerRecord, TopicPartition
from aiokafka.errors import IllegalStateError

from service import metrics
from service.intake import RawMessage
from service.kafka.headers import trace_context
from service.kafka.lag import LagSampler
from service.kafka.publisher import Output, OutputPublisher
from service.outcomes import Outcome

__all__ = ["OutputChain", "Poll"]

log = logging.getLogger("entity_service")


@dataclasses.dataclass(slots=True, eq=False)
class Poll:
    """One poll on its way out: its outputs, in order, as the child finishes them."""

    records: Sequence[ConsumerRecord[bytes, bytes]]
    raws: list[RawMessage]
    outputs: list[Output | None]
    first: dict[TopicPartition, int]  # where each partition is read again if the poll fails
    queued: int = 0  # outputs known so far, in order (a prefix)
    taken: int = 0  # outputs a publish step has taken so far (a prefix of the queued ones)
    waiting: bool = False  # a publish step is queued that has not taken its outputs yet
    published: list[Outcome] = dataclasses.field(default_factory=list)  # as they went out
    closed: bool = False  # the runner said how many records it parses (`outputs` cut to that)
    commit: asyncio.Task[None] | None = None  # its commit step, once queued
    abandoned: bool = False  # read again: late outcomes of it are dropped

    @classmethod
    def of(cls, records: Sequence[ConsumerRecord[bytes, bytes]]) -> Poll:
        raws = [
            RawMessage(
                value=r.value if r.value is not None else b"",
                key=r.key,
                topic=r.topic,
                partition=r.partition,
                offset=r.offset,
                headers=tuple(r.headers or ()),
            )
            for r in records
        ]
        first: dict[TopicPartition, int] = {}
        for r in records:
            tp = TopicPartition(r.topic, r.partition)
            first[tp] = min(first.get(tp, r.offset), r.offset)
        return cls(records, raws, [None] * len(records), first)


def _next_offsets(records: Sequence[ConsumerRecord[bytes, bytes]]) -> dict[TopicPartition, int]:
    """What to commit for these records: per partition, the offset after the last one."""
    offsets: dict[TopicPartition, int] = {}
    for r in records:
        tp = TopicPartition(r.topic, r.partition)
        offsets[tp] = max(offsets.get(tp, 0), r.offset + 1)
    return offsets


def _retrieve(task: asyncio.Task[None]) -> None:
    """A failed step's error is read by the steps after it; the last one's by `recover`."""
    if not task.cancelled():
        task.exception()


class _ToChain:
    """The child's progress, from the NLP thread to the event loop: each final outcome."""

    __slots__ = ("_chain", "_loop", "_poll")

    def __init__(self, chain: OutputChain, poll: Poll, loop: asyncio.AbstractEventLoop) -> None:
        self._chain, self._poll, self._loop = chain, poll, loop

    def started(self, index: int | None) -> None:
        return None

    def finished(self, index: int, outcome: Outcome) -> None:
        self._loop.call_soon_threadsafe(self._chain.finished, self._poll, index, outcome)


class OutputChain:
    """The polls a worker has open (at most two: one parsed, one published) and their steps."""

    def __init__(
        self, publisher: OutputPublisher, consumer_of: Callable[[], Any], lag: LagSampler
    ) -> None:
        self._publisher = publisher
        self._consumer_of = consumer_of  # the subscriber's aiokafka consumer; None in tests
        self._lag = lag
        self._open: list[Poll] = []  # polled, not yet committed, oldest first
        self._chain: asyncio.Task[None] | None = None  # the last step queued
        self.last_commit: asyncio.Task[None] | None = None  # the last poll's commit step

    def open(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> Poll:
        """A new poll, open until its commit step ends (or it is read again)."""
        poll = Poll.of(records)
        metrics.IN_FLIGHT.inc(len(poll.raws))
        self._open.append(poll)
        self._lag.batch_started(records)
        return poll

    def progress(self, poll: Poll, loop: asyncio.AbstractEventLoop) -> _ToChain:
        """What the pipeline runner tells each final outcome of `poll` (from its thread)."""
        return _ToChain(self, poll, loop)

    def close(self, poll: Poll, done: int) -> None:
        """The runner parses the poll's first `done` records: commit them after their outputs,
        as soon as all are known and every earlier poll's commit is queued (a pool of children
        may still be parsing the last pieces of this poll while the next one is handed out)."""
        poll.outputs = poll.outputs[:done]
        poll.closed = True
        self._queue_commits()

    def fail(self, error: BaseException) -> None:
        """The runner failed a poll after its handler returned: fail the chain from here, so
        nothing after it is committed and `recover` reads every open poll again."""

        async def failed() -> None:
            raise error

        self._then(failed)

    def _queue_commits(self) -> None:
        """Queue the commit of each closed poll whose outputs are all known, oldest first; a
        poll still being parsed holds the commits of the polls after it."""
        for poll in self._open:
            if poll.commit is not None:
                continue
            if not poll.closed or poll.queued < len(poll.outputs):
                return
            offsets = _next_offsets(poll.records[: len(poll.outputs)])
            poll.commit = self.last_commit = self._then(
                functools.partial(self._commit, poll, offsets)
            )

    def finished(self, poll: Poll, index: int, outcome: Outcome) -> None:
        """An outcome is final: publish the poll's outputs known so far, in order.

        The child reports a slice's outcomes one by one; one publish step takes every output
        known when its turn comes, so a slice goes out in one or two produce requests, not
        one round trip per record (each costs the broker and this worker CPU that the
        pipeline children need: BENCHMARKS.md, issue 24).
        """
        if poll.abandoned:
            return  # read again from its first record: this outcome is made again
        raw = poll.raws[index]
        poll.outputs[index] = Output(raw, outcome, trace_context(raw.headers))
        while poll.queued < len(poll.outputs) and poll.outputs[poll.queued] is not None:
            poll.queued += 1
        if poll.queued > poll.taken and not poll.waiting:
            poll.waiting = True
            self._then(functools.partial(self._publish, poll))
        if poll.closed and poll.queued == len(poll.outputs):
            self._queue_commits()

    def _then(self, work: Callable[[], Awaitable[None]]) -> asyncio.Task[None]:
        """Run `work` after every step queued before it; a failed step fails all later ones,
        so nothing is committed past an output that was not acknowledged."""
        previous = self._chain

        async def step() -> None:
            if previous is not None:
                await previous
            await work()

        task = asyncio.create_task(step())
        task.add_done_callback(_retrieve)
        self._chain = task
        return task

    async def _publish(self, poll: Poll) -> None:
        """Publish every output of the poll known by now and not taken by an earlier step."""
        poll.waiting = False
        outputs = [o for o in poll.outputs[poll.taken : poll.queued] if o is not None]
        poll.taken = poll.queued
        if not outputs:
            return
        started = time.perf_counter()
        # a record the broker refused for good went out as its dead letter: count that
        poll.published.extend(await self._publisher.publish(outputs))
        metrics.STAGE_SECONDS.labels("publish").observe(time.perf_counter() - started)

    async def _commit(self, poll: Poll, offsets: dict[TopicPartition, int]) -> None:
        """Commit the poll's offsets (explicit ones: the consumer's position is already past
        the next poll); counted here so commits show in the metrics."""
        consumer = self._consumer_of()
        # None: the in-memory test broker, which keeps no offsets. A partition revoked
        # meanwhile is its next owner's, who reads it again from its last commit.
        owned = consumer.assignment() if consumer is not None else set()
        mine = {tp: offset for tp, offset in offsets.items() if tp in owned}
        if consumer is not None and mine:
            try:
                await consumer.commit(mine)
            except Exception:
                metrics.COMMITS.labels("failed").inc()
                raise
            metrics.COMMITS.labels("ok").inc()
        metrics.observe_outcomes(poll.published)
        metrics.IN_FLIGHT.dec(len(poll.raws))
        self._open.remove(poll)
        self._lag.batch_committed()
        for still_open in self._open:
            self._lag.batch_started(still_open.records)

    async def settled(
        self, step: asyncio.Task[None] | None = None, timeout: float | None = None
    ) -> bool:
        """Wait for a step (default: the last one queued); False when it failed or did not
        end in `timeout`."""
        step = step if step is not None else self._chain
        if step is None:
            return True
        await asyncio.wait([step], timeout=timeout)
        return step.done() and not step.cancelled() and step.exception() is None

    def recover(self) -> bool:
        """After a failed step, read every poll not yet committed again; True if one failed.

        Called between polls and at the end of each poll, so the records a failed poll left
        are read again even when nothing new arrives; the publisher waits its backoff first.
        """
        chain = self._chain
        if chain is None or not chain.done():
            return False
        if not chain.cancelled() and chain.exception() is None:
            return False
        error = None if chain.cancelled() else chain.exception()
        self.reread_open(f"outputs not published or not committed ({error})")
        return True

    def reread_open(self, why: str) -> None:
        """Seek every partition of the open polls back to its first uncommitted record."""
        first: dict[TopicPartition, int] = {}
        for poll in self._open:
            for tp, offset in poll.first.items():
                first[tp] = min(first.get(tp, offset), offset)
            metrics.IN_FLIGHT.dec(len(poll.raws))
            poll.abandoned = True
        self._open.clear()
        self._chain = self.last_commit = None
        consumer = self._consumer_of()
        if consumer is not None:
            for tp, offset in first.items():
                with contextlib.suppress(IllegalStateError):  # revoked: its new owner reads it
                    consumer.seek(tp, offset)
        if first:
            log.warning("%s: reading %d partition(s) again from their last commit", why, len(first))
