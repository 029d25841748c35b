"""Tests for the Redis breaker: pass-through, trip and pause, recovery line, fail-fast client."""

from __future__ import annotations

import logging

import pytest
from prometheus_client import CollectorRegistry, Counter
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import LockError

from service.redisbreaker import RedisBreaker, fail_fast_client

LOGGER = "entity_service.test_redisbreaker"


class Clock:
    """A settable monotonic clock for the pause."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Flaky:
    """A Redis call that fails while `down` is set, and counts how often it was made."""

    def __init__(self) -> None:
        self.down = False
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.down:
            raise RedisConnectionError("Connection refused")
        return "answer"


def breaker(clock: Clock, registry: CollectorRegistry) -> RedisBreaker:
    return RedisBreaker(
        "test memory",
        fallback="nothing is shared",
        resumed="sharing resumes",
        errors=Counter("test_redis_errors", "Failures.", registry=registry),
        log=logging.getLogger(LOGGER),
        retry_s=5.0,
        clock=clock,
    )


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


def failures(registry: CollectorRegistry) -> float:
    return registry.get_sample_value("test_redis_errors_total") or 0.0


def tripped(registry: CollectorRegistry) -> tuple[Clock, RedisBreaker, Flaky]:
    """A breaker whose first call found Redis down (the action stays down)."""
    clock = Clock()
    guard = breaker(clock, registry)
    action = Flaky()
    action.down = True
    assert guard.call(action) is None
    return clock, guard, action


class TestRedisBreaker:
    def test_answers_pass_through(self, registry: CollectorRegistry) -> None:
        """While Redis answers, each call runs and gives its result; nothing is counted."""
        guard = breaker(Clock(), registry)
        action = Flaky()
        assert [guard.call(action), guard.call(action)] == ["answer", "answer"]
        assert action.calls == 2
        assert failures(registry) == 0
        assert not guard.degraded

    def test_failure_counts_logs_and_pauses(
        self, registry: CollectorRegistry, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A failure gives None, one count and one warning; the pause skips Redis altogether."""
        clock, guard, action = tripped(registry)
        clock.now += 4.9
        assert guard.call(action) is None
        assert action.calls == 1
        assert failures(registry) == 1
        assert guard.degraded
        assert caplog.messages == [
            "test memory: Redis failed (ConnectionError: Connection refused); "
            "nothing is shared, retry in 5s"
        ]

    def test_retry_after_the_pause_and_one_recovery_line(
        self, registry: CollectorRegistry, caplog: pytest.LogCaptureFixture
    ) -> None:
        """After the pause Redis is tried again; the first answer logs the recovery, once."""
        clock, guard, action = tripped(registry)
        action.down = False
        clock.now += 5.0
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            assert guard.call(action) == "answer"
            assert guard.call(action) == "answer"
        assert caplog.messages == ["test memory: Redis answers again; sharing resumes"]
        assert not guard.degraded

    def test_a_failed_retry_pauses_again(self, registry: CollectorRegistry) -> None:
        """Still down after the pause: one more count and another full pause."""
        clock, guard, action = tripped(registry)
        clock.now += 5.0
        assert guard.call(action) is None
        clock.now += 4.9
        assert guard.call(action) is None
        assert action.calls == 2
        assert failures(registry) == 2

    def test_every_redis_error_trips(self, registry: CollectorRegistry) -> None:
        """A lock that cannot be taken (a RedisError too) degrades like a lost connection."""
        guard = breaker(Clock(), registry)

        def locked() -> str:
            raise LockError("Unable to acquire lock within the time specified")

        assert guard.call(locked) is None
        assert failures(registry) == 1

    def test_other_errors_are_not_swallowed(self, registry: CollectorRegistry) -> None:
        """A bug in the caller's code is no Redis outage: it propagates and is not counted."""
        guard = breaker(Clock(), registry)

        def broken() -> str:
            raise KeyError("story")

        with pytest.raises(KeyError):
            guard.call(broken)
        assert failures(registry) == 0
        assert not guard.degraded


class TestFailFastClient:
    def test_short_timeouts_and_no_retries(self) -> None:
        """The client waits at most the timeout and never retries: a dead Redis costs one wait."""
        client = fail_fast_client("redis://127.0.0.1:1/0", timeout_s=0.2)
        kwargs = client.connection_pool.connection_kwargs
        assert kwargs["socket_timeout"] == 0.2
        assert kwargs["socket_connect_timeout"] == 0.2
        assert kwargs["health_check_interval"] == 0
        assert kwargs["retry"].get_retries() == 0
