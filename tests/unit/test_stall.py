"""Stall detection: lag that does not move for the timeout, with the reason, and recovery."""

from __future__ import annotations

from aiokafka import TopicPartition
from aiokafka.errors import CorruptRecordException, TopicAuthorizationFailedError
from prometheus_client import REGISTRY

from service.kafka.stall import StallWatcher, fetch_error_reason

TP = TopicPartition("in", 2)


def stalled_gauge(reason: str) -> float | None:
    return REGISTRY.get_sample_value(
        "entity_consumer_partition_stalled", {"topic": "in", "partition": "2", "reason": reason}
    )


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class TestStallWatcher:
    def test_lag_without_progress_stalls_after_the_timeout_then_recovers(self) -> None:
        """Lag that stays put turns stalled at the timeout; a moved commit clears it."""
        clock, changes = Clock(), []
        watcher = StallWatcher(30, on_change=changes.append, clock=clock)
        watcher.assigned([TP])
        assert not watcher.observe(TP, committed=5, lag=3)
        clock.now += 29
        assert not watcher.observe(TP, committed=5, lag=3)
        clock.now += 2
        assert watcher.observe(TP, committed=5, lag=3)
        assert stalled_gauge("no_progress") == 1
        assert changes == [True] and watcher.stalled == [TP]
        clock.now += 1
        assert not watcher.observe(TP, committed=8, lag=0)
        assert stalled_gauge("no_progress") == 0
        assert changes == [True, False] and watcher.stalled == []

    def test_no_lag_is_never_a_stall(self) -> None:
        """An idle partition (nothing to read) is not stalled, however long it is idle."""
        clock = Clock()
        watcher = StallWatcher(30, clock=clock)
        watcher.observe(TP, committed=5, lag=0)
        clock.now += 1000
        assert not watcher.observe(TP, committed=5, lag=0)

    def test_fetch_error_gives_the_reason(self) -> None:
        """A stall after a failed read is labelled with that read's reason, then cleared."""
        clock = Clock()
        watcher = StallWatcher(10, clock=clock)
        watcher.observe(TP, committed=0, lag=None)
        watcher.fetch_failed(TP, 0, TopicAuthorizationFailedError("in"))
        clock.now += 11
        assert watcher.observe(TP, committed=0, lag=None)  # unknown lag while reads fail
        assert stalled_gauge("topic_authorization_failed") == 1
        watcher.fetched(TP)
        assert watcher.observe(TP, committed=4, lag=0) is False
        assert stalled_gauge("topic_authorization_failed") == 0

    def test_revoked_partition_is_forgotten(self) -> None:
        """A revoked stalled partition is no longer ours: the gauge and readiness clear."""
        clock, changes = Clock(), []
        watcher = StallWatcher(1, on_change=changes.append, clock=clock)
        watcher.observe(TP, committed=1, lag=2)
        clock.now += 2
        watcher.observe(TP, committed=1, lag=2)
        watcher.revoked([TP])
        assert changes == [True, False]
        assert stalled_gauge("no_progress") == 0

    def test_reasons_are_bounded_labels(self) -> None:
        """Known errors get their own label, anything else one catch-all."""
        assert fetch_error_reason(CorruptRecordException("crc")) == "corrupt_record"
        assert fetch_error_reason(RuntimeError("?")) == "fetch_error"


class TestPublishStall:
    def test_a_publish_given_up_stalls_at_once_until_published(self) -> None:
        """Outputs that could not be published stall the partition now; publishing clears it."""
        clock, changes = Clock(), []
        watcher = StallWatcher(300, on_change=changes.append, clock=clock)
        watcher.assigned([TP])
        watcher.publish_failed([TP], ConnectionError("broker went away"))
        assert watcher.stalled == [TP] and changes == [True]
        assert stalled_gauge("publish_failed") == 1
        clock.now += 5
        assert watcher.observe(TP, committed=5, lag=3), "a lag sample does not clear it"
        watcher.published([TP])
        assert watcher.stalled == [] and changes == [True, False]
        assert stalled_gauge("publish_failed") == 0
