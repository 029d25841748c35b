"""The repeat memory every worker and replica shares, in Redis, next to the story index.

Layout (under one prefix): ``l:<line key>`` sorted sets of the sources that held the line and
``l:<source hash>:<line key>`` sorted sets of a source's articles that held it, both scored by
when and trimmed to the window and to MEMBER_CAP members; ``a:<article id>``, the article's
verdict (its repeated line keys). Every key expires one window after its last write. One Lua
call per article reads the counts, adds the article and stores the verdict, so two workers
never half-see an article. While Redis fails nothing counts as repeated (the model and the rules
still clean) and the memory is retried after `retry_s`: the degraded mode of
service/redisbreaker.py, which the story index shares.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence

import redis

from service import metrics
from service.cleaning.repeats import MEMBER_CAP, LocalRepeatMemory, RepeatMemory
from service.config import Settings
from service.redisbreaker import RedisBreaker, fail_fast_client

__all__ = ["RedisRepeatMemory", "open_repeat_memory"]

log = logging.getLogger("entity_service.cleaning")

#: KEYS: the article's verdict key, then per line its source-set key (and, when the article has
#: a source, its article-set key). ARGV: article member, source member, now, oldest score kept,
#: TTL (ms), member cap, min sources, min articles, has source (1/0), then the line keys.
#: Returns {1, verdict} for an article seen before, else {0, verdict} (space-separated keys).
REPEATED = """
local stored = redis.call('GET', KEYS[1])
if stored then return {1, stored} end
local step = (ARGV[9] == '1') and 2 or 1
local cap = tonumber(ARGV[6])
local found = {}
local n = 0
for i = 2, #KEYS, step do
  n = n + 1
  local hit = false
  local specs = {{KEYS[i], ARGV[2], tonumber(ARGV[7])}}
  if step == 2 then specs[2] = {KEYS[i + 1], ARGV[1], tonumber(ARGV[8])} end
  for _, spec in ipairs(specs) do
    local key, member = spec[1], spec[2]
    redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. ARGV[4])
    local others = redis.call('ZCARD', key)
    if redis.call('ZSCORE', key, member) then others = others - 1 end
    if others >= spec[3] then hit = true end
    redis.call('ZADD', key, ARGV[3], member)
    redis.call('ZREMRANGEBYRANK', key, 0, -(cap + 1))
    redis.call('PEXPIRE', key, ARGV[5])
  end
  if hit then found[#found + 1] = ARGV[9 + n] end
end
local verdict = table.concat(found, ' ')
redis.call('SET', KEYS[1], verdict, 'PX', ARGV[5])
return {0, verdict}
"""


class RedisRepeatMemory:
    """Shared repeat memory with a degraded mode: while Redis fails, nothing is a repeat."""

    backend = "redis"

    def __init__(
        self,
        client: redis.Redis,
        *,
        window_s: float,
        min_articles: int = 2,
        min_sources: int = 2,
        prefix: str = "entity-repeats",
        retry_s: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.window_s = window_s
        self.min_articles = min_articles
        self.min_sources = min_sources
        self.prefix = prefix
        self._clock = clock
        self._breaker = RedisBreaker(
            "repeat memory",
            fallback="no line counts as repeated",
            resumed="repeats count again",
            errors=metrics.REPEAT_REDIS_ERRORS,
            log=log,
            retry_s=retry_s,
        )
        self._script = client.register_script(REPEATED)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        timeout_s: float,
        window_s: float,
        min_articles: int = 2,
        min_sources: int = 2,
        prefix: str = "entity-repeats",
        retry_s: float = 5.0,
    ) -> RedisRepeatMemory:
        """A fail-fast client (see service.redisbreaker): a dead Redis costs one timeout."""
        return cls(
            fail_fast_client(url, timeout_s=timeout_s),
            window_s=window_s,
            min_articles=min_articles,
            min_sources=min_sources,
            prefix=prefix,
            retry_s=retry_s,
        )

    def repeated(self, article_id: str, source: str | None, keys: Sequence[str]) -> set[str]:
        unique = list(dict.fromkeys(keys))
        verdict = self._breaker.call(lambda: self._verdict(article_id, source, unique))
        if verdict is None:
            metrics.REPEAT_DEGRADED_ARTICLES.inc()
            return set()
        return set(verdict.split()) & set(unique)

    def close(self) -> None:
        self.client.close()

    def _verdict(self, article_id: str, source: str | None, unique: list[str]) -> str:
        """One script call: the article's repeated line keys, space-separated."""
        names = [f"{self.prefix}:a:{article_id}"]
        scope = hashlib.blake2b((source or "").encode(), digest_size=8).hexdigest()
        for key in unique:
            names.append(f"{self.prefix}:l:{key}")
            if source:
                names.append(f"{self.prefix}:l:{scope}:{key}")
        now = self._clock()
        args: list[str | int | float] = [
            article_id,
            f"s:{source}" if source else f"a:{article_id}",
            repr(now),
            repr(now - self.window_s),
            max(1, int(self.window_s * 1000)),
            MEMBER_CAP,
            self.min_sources,
            self.min_articles,
            1 if source else 0,
            *unique,
        ]
        _, verdict = self._script(keys=names, args=args)
        return verdict.decode() if isinstance(verdict, bytes) else str(verdict)


def open_repeat_memory(settings: Settings) -> RepeatMemory:
    """The shared memory when ENTITY_STORIES_REDIS_URL is set, else one local to the process."""
    window_s = settings.repeat_window_h * 3600
    if settings.stories_redis_url is None or settings.repeat_capacity == 0:
        return LocalRepeatMemory(
            window_s=window_s,
            capacity=settings.repeat_capacity,
            min_articles=settings.repeat_min_articles,
            min_sources=settings.repeat_min_sources,
        )
    return RedisRepeatMemory.from_url(
        settings.stories_redis_url.get_secret_value(),
        timeout_s=settings.stories_redis_timeout_s,
        window_s=window_s,
        min_articles=settings.repeat_min_articles,
        min_sources=settings.repeat_min_sources,
        prefix=settings.repeat_redis_prefix,
        retry_s=settings.stories_redis_retry_s,
    )
