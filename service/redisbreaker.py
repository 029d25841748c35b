"""One degraded mode for the stages that share state in Redis: fail fast, pause, come back.

The story index and the repeat memory help a record but never decide whether it is made: while
Redis fails, articles still flow (fresh stories, no line counted as repeated). The client fails
fast (short timeouts, no retries), so a dead Redis costs one timeout; the breaker then leaves
Redis alone for `retry_s`, so a batch does not pay that timeout once per article. Each failure
is counted and logged; the first call that succeeds after failures logs the recovery once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

import redis
from prometheus_client import Counter
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

__all__ = ["RedisBreaker", "fail_fast_client"]

T = TypeVar("T")


def fail_fast_client(url: str, *, timeout_s: float) -> redis.Redis:
    """A client with short timeouts and no retries: a dead Redis costs one timeout."""
    return redis.Redis.from_url(
        url,
        socket_timeout=timeout_s,
        socket_connect_timeout=timeout_s,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=0,
    )


class RedisBreaker:
    """Runs Redis calls until one fails, then none for `retry_s`; says when Redis is back.

    `name` starts each log line (``story index``), `fallback` says what happens meanwhile
    (``articles get fresh stories``) and `resumed` what comes back (``grouping resumes``).
    The caller counts what it degraded; the breaker counts the failures in `errors`.
    """

    def __init__(
        self,
        name: str,
        *,
        fallback: str,
        resumed: str,
        errors: Counter,
        log: logging.Logger,
        retry_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.fallback = fallback
        self.resumed = resumed
        self.retry_s = retry_s
        self._errors = errors
        self._log = log
        self._clock = clock
        self._retry_at = 0.0
        self.degraded = False

    def call(self, action: Callable[[], T]) -> T | None:
        """The action's result; None during the pause or when it raised a RedisError."""
        if self._clock() < self._retry_at:
            return None
        try:
            result = action()
        except RedisError as exc:
            self._trip(exc)
            return None
        if self.degraded:
            self._log.warning("%s: Redis answers again; %s", self.name, self.resumed)
            self.degraded = False
        return result

    def _trip(self, exc: RedisError) -> None:
        self._errors.inc()
        self._retry_at = self._clock() + self.retry_s
        self.degraded = True
        self._log.warning(
            "%s: Redis failed (%s: %s); %s, retry in %gs",
            self.name,
            type(exc).__name__,
            exc,
            self.fallback,
            self.retry_s,
        )
