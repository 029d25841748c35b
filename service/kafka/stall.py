"""Stall detection: an input partition with lag that has not moved for ENTITY_STALL_TIMEOUT_S,
or whose outputs could not be published within the publisher's retry bound.

Fed by the lag sampler (committed offset and lag per partition, every few seconds), by the
fetch guard (which partition failed to be read, at which offset, why) and by the publisher
(which partitions' outputs it gave up on for now, until they are published). A stall is logged, set
on `entity_consumer_partition_stalled{topic,partition,reason}`, and reported through
`on_change` so the supervisor's /readyz answers 503 until the partition moves again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aiokafka import TopicPartition

from service import metrics

__all__ = ["PUBLISH_FAILED", "StallWatcher", "fetch_error_reason"]

log = logging.getLogger("entity_service.stall")

_REASONS = {
    "CorruptRecordException": "corrupt_record",
    "CorruptRecordError": "corrupt_record",
    "UnsupportedCodecError": "unsupported_codec",
    "TopicAuthorizationFailedError": "topic_authorization_failed",
    "RecordTooLargeError": "record_too_large",
    "OffsetOutOfRangeError": "offset_out_of_range",
}
NO_PROGRESS = "no_progress"
#: The stall reason of a partition whose outputs the publisher could not publish in time.
PUBLISH_FAILED = "publish_failed"


def fetch_error_reason(exc: BaseException) -> str:
    """A short, bounded label for why a partition could not be read."""
    return _REASONS.get(type(exc).__name__, "fetch_error")


@dataclass(slots=True)
class _Partition:
    progress_at: float
    committed: int | None = None
    reason: str | None = None  # the last fetch error since the partition last moved
    offset: int | None = None  # where it failed
    stalled_as: str | None = None  # the reason label currently set to 1, when stalled
    publish_error: str | None = None  # why its outputs could not be published, until they are


class StallWatcher:
    """Per assigned partition: when it last moved, and whether it is stalled now."""

    def __init__(
        self,
        timeout_s: float,
        on_change: Callable[[bool], None] = lambda stalled: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout_s = timeout_s
        self._on_change = on_change
        self._clock = clock
        self._partitions: dict[TopicPartition, _Partition] = {}
        self._reported = False

    @property
    def stalled(self) -> list[TopicPartition]:
        return sorted(tp for tp, p in self._partitions.items() if p.stalled_as is not None)

    def _state(self, tp: TopicPartition) -> _Partition:
        state = self._partitions.get(tp)
        if state is None:
            state = self._partitions[tp] = _Partition(progress_at=self._clock())
        return state

    def assigned(self, partitions: Iterable[TopicPartition]) -> None:
        """A newly assigned partition gets a full timeout before it can count as stalled."""
        for tp in partitions:
            self._state(tp)

    def revoked(self, partitions: Iterable[TopicPartition]) -> None:
        for tp in partitions:
            state = self._partitions.pop(tp, None)
            if state is not None and state.stalled_as is not None:
                metrics.PARTITION_STALLED.labels(tp.topic, str(tp.partition), state.stalled_as).set(
                    0
                )
        self._report()

    def fetch_failed(self, tp: TopicPartition, offset: int | None, exc: BaseException) -> str:
        """Count and log a failed read of `tp` at `offset`; the first of a streak at WARNING."""
        reason = fetch_error_reason(exc)
        metrics.FETCH_ERRORS.labels(tp.topic, str(tp.partition), reason).inc()
        state = self._state(tp)
        level = (
            logging.DEBUG if (state.reason, state.offset) == (reason, offset) else logging.WARNING
        )
        log.log(
            level,
            "cannot read %s partition %d at offset %s (%s: %s: %s); retrying with backoff",
            tp.topic,
            tp.partition,
            offset,
            reason,
            type(exc).__name__,
            exc,
        )
        state.reason, state.offset = reason, offset
        return reason

    def fetched(self, tp: TopicPartition) -> None:
        """Records of `tp` were read: whatever failed before reads again."""
        state = self._partitions.get(tp)
        if state is not None and state.reason is not None:
            log.info("%s partition %d is readable again", tp.topic, tp.partition)
            state.reason = None

    def publish_failed(self, partitions: Iterable[TopicPartition], exc: BaseException) -> None:
        """Outputs of these partitions failed past the publisher's retry bound: stalled now."""
        for tp in sorted(partitions):
            state = self._state(tp)
            state.publish_error = f"{type(exc).__name__}: {exc}"[:300]
            self._set(tp, state, True, None)
        self._report()

    def published(self, partitions: Iterable[TopicPartition]) -> None:
        """Outputs of these partitions were published: a publish stall on them is over."""
        for tp in partitions:
            state = self._partitions.get(tp)
            if state is not None and state.publish_error is not None:
                state.publish_error = None
                state.progress_at = self._clock()
                self._set(tp, state, False, None)
        self._report()

    def observe(self, tp: TopicPartition, committed: int | None, lag: int | None) -> bool:
        """One lag sample of `tp`; returns whether it is stalled now.

        Progress is a committed offset that moved, or no lag at all. While reads of the
        partition fail the lag is not known (it comes from the high watermark of the last
        successful fetch, which a failing fetch does not update), so it counts as waiting.
        """
        state = self._state(tp)
        now = self._clock()
        moved = (
            committed is not None and state.committed is not None and committed != state.committed
        )
        if committed is not None:
            state.committed = committed
        failing = state.reason is not None
        if moved or (lag == 0 and not failing):
            state.progress_at = now
        waiting = (lag or 0) > 0 or failing
        stalled = (waiting and now - state.progress_at >= self.timeout_s) or (
            state.publish_error is not None
        )
        self._set(tp, state, stalled, lag)
        self._report()
        return stalled

    def _set(self, tp: TopicPartition, state: _Partition, stalled: bool, lag: int | None) -> None:
        publishing = PUBLISH_FAILED if state.publish_error is not None else None
        label = (publishing or state.reason or NO_PROGRESS) if stalled else None
        if label == state.stalled_as:
            return
        names = (tp.topic, str(tp.partition))
        if state.stalled_as is not None:
            metrics.PARTITION_STALLED.labels(*names, state.stalled_as).set(0)
        if label is not None:
            metrics.PARTITION_STALLED.labels(*names, label).set(1)
            log.error(
                "%s partition %d stalled: %s, committed offset %s (%s, last failed offset %s); "
                "/readyz answers 503",
                tp.topic,
                tp.partition,
                f"its outputs could not be published ({state.publish_error}); retrying"
                if publishing
                else f"no progress for {self.timeout_s:.0f}s with lag {lag}",
                state.committed,
                label,
                state.offset,
            )
        else:
            log.warning(
                "%s partition %d moves again (committed offset %s)",
                tp.topic,
                tp.partition,
                state.committed,
            )
        state.stalled_as = label

    def _report(self) -> None:
        stalled = any(p.stalled_as is not None for p in self._partitions.values())
        if stalled != self._reported:
            self._reported = stalled
            self._on_change(stalled)
