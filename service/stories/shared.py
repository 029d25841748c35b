"""The story index every worker and replica shares, in Redis: LSH band keys that expire.

Layout (all keys under one prefix): ``b:<band>:<hash>`` (an LSH band) and ``h:<hash>`` (an
anchor shingle), sorted sets of article ids scored by when they were indexed (trimmed to the
window); ``a:<article id>``, a hash with the article's story, signature and shingle count;
``s:<story id>``, a hash with the story's first article and size. Every key expires one window
after its last write. Band and anchor reads and writes are Lua scripts (one call each). A
batch is placed under one Redis lock, so two copies read at the same moment by two workers
still land in one story. Single-node Redis (the scripts and the lock touch keys across hash
slots, which Redis Cluster refuses).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

import redis

from service import metrics
from service.models import Story
from service.redisbreaker import RedisBreaker, fail_fast_client
from service.stories.fingerprint import BANDS, Fingerprint
from service.stories.index import (
    ANCHOR_FANOUT,
    Candidate,
    StoryQuery,
    best_match,
    fresh_story,
    story_id_for,
)

__all__ = ["RedisStoryIndex"]

log = logging.getLogger("entity_service.stories")

#: A lock holder that died frees the lock after this long; a batch takes milliseconds.
LOCK_TTL_S = 10.0

#: KEYS: band keys, then anchor keys; ARGV: the oldest score still in the window, the number of
#: band keys, the anchor fan-out. The distinct members (an anchor's most recent ones only).
QUERY_BANDS = """
local seen, found = {}, {}
local bands = tonumber(ARGV[2])
for i, key in ipairs(KEYS) do
  local members
  if i <= bands then
    members = redis.call('ZRANGEBYSCORE', key, ARGV[1], '+inf')
  else
    members = redis.call('ZREVRANGEBYSCORE', key, '+inf', ARGV[1], 'LIMIT', 0, ARGV[3])
  end
  for _, member in ipairs(members) do
    if not seen[member] then
      seen[member] = true
      found[#found + 1] = member
    end
  end
end
return found
"""

#: KEYS: band and anchor keys; ARGV: article id, its score (now), the oldest score kept, TTL (ms).
INDEX_BANDS = """
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, ARGV[2], ARGV[1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. ARGV[3])
  redis.call('PEXPIRE', key, ARGV[4])
end
return #KEYS
"""


class RedisStoryIndex:
    """Shared index with a degraded mode: while Redis fails, articles get fresh stories."""

    backend = "redis"

    def __init__(
        self,
        client: redis.Redis,
        *,
        window_s: float,
        containment: float,
        prefix: str = "entity-stories",
        retry_s: float = 5.0,
        lock_wait_s: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.window_s = window_s
        self.containment = containment
        self.prefix = prefix
        self.lock_wait_s = lock_wait_s
        self._clock = clock
        self._breaker = RedisBreaker(
            "story index",
            fallback="articles get fresh stories",
            resumed="grouping resumes",
            errors=metrics.STORY_REDIS_ERRORS,
            log=log,
            retry_s=retry_s,
        )
        # Scripts run server-side, one call for all bands; redis-py reloads them after a restart.
        self._query_bands = client.register_script(QUERY_BANDS)
        self._index_bands = client.register_script(INDEX_BANDS)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        timeout_s: float,
        window_s: float,
        containment: float,
        prefix: str = "entity-stories",
        retry_s: float = 5.0,
    ) -> RedisStoryIndex:
        """A fail-fast client (see service.redisbreaker): a dead Redis costs one timeout."""
        return cls(
            fail_fast_client(url, timeout_s=timeout_s),
            window_s=window_s,
            containment=containment,
            prefix=prefix,
            retry_s=retry_s,
        )

    def assign(self, queries: Sequence[StoryQuery]) -> list[Story]:
        stories: list[Story] = []
        self._breaker.call(lambda: self._assign_locked(queries, stories))
        missing = queries[len(stories) :]
        if missing:
            metrics.STORY_DEGRADED_ARTICLES.inc(len(missing))
            stories.extend(fresh_story(query.article_id) for query in missing)
        return stories

    def close(self) -> None:
        self.client.close()

    def _assign_locked(self, queries: Sequence[StoryQuery], stories: list[Story]) -> None:
        """Places the batch under the lock into `stories`: those placed before a failure stay."""
        lock = self.client.lock(
            f"{self.prefix}:lock", timeout=LOCK_TTL_S, blocking_timeout=self.lock_wait_s
        )
        with lock:
            now = self._clock()
            for query in queries:
                stories.append(self._assign_one(query, now))

    # --- one article, under the lock ---------------------------------------------------
    def _key(self, kind: str, name: str) -> str:
        return f"{self.prefix}:{kind}:{name}"

    def _assign_one(self, query: StoryQuery, now: float) -> Story:
        fingerprint = query.fingerprint
        bands = [self._key("b", f"{i}:{band.hex()}") for i, band in enumerate(fingerprint.bands())]
        bands += [self._key("h", anchor.hex()) for anchor in fingerprint.anchors]
        pipe = self.client.pipeline(transaction=False)
        pipe.hmget(self._key("a", query.article_id), "story", "first", "size")
        self._query_bands(
            keys=bands,
            args=[repr(now - self.window_s), BANDS, ANCHOR_FANOUT],
            client=pipe,
        )
        known, members = pipe.execute()
        if known[0] is not None:  # a redelivery keeps the story it had
            story_id, first, size = known
            return Story(id=story_id.decode(), first_article_id=first.decode(), size=int(size))
        ids = {member.decode() for member in members}
        match = best_match(query.fingerprint, self._candidates(ids), self.containment)
        if match is None:
            return self._insert(query, bands, story_id_for(query.article_id), query.article_id, now)
        return self._insert(query, bands, match.story_id, match.first_article_id, now)

    def _candidates(self, ids: set[str]) -> list[Candidate]:
        if not ids:
            return []
        ordered = sorted(ids)
        pipe = self.client.pipeline(transaction=False)
        for article_id in ordered:
            pipe.hmget(self._key("a", article_id), "story", "first", "fp", "n", "at")
        found: list[Candidate] = []
        for article_id, (story, first, fp, size, at) in zip(ordered, pipe.execute(), strict=True):
            if story is None or fp is None:  # expired since the band was read
                continue
            fingerprint = Fingerprint.from_bytes(fp, int(size))
            found.append(
                Candidate(article_id, story.decode(), first.decode(), fingerprint, float(at))
            )
        return found

    def _insert(
        self, query: StoryQuery, bands: list[str], story_id: str, first: str, now: float
    ) -> Story:
        window_ms = int(self.window_s * 1000)
        story_key = self._key("s", story_id)
        pipe = self.client.pipeline(transaction=True)
        pipe.hsetnx(story_key, "first", first)
        pipe.hincrby(story_key, "size", 1)
        pipe.hget(story_key, "first")
        pipe.pexpire(story_key, window_ms)
        *_, size, stored_first, _ = pipe.execute()
        story = Story(id=story_id, first_article_id=stored_first.decode(), size=int(size))
        article_key = self._key("a", query.article_id)
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(
            article_key,
            mapping={
                "story": story.id,
                "first": story.first_article_id,
                "size": story.size,
                "fp": query.fingerprint.to_bytes(),
                "n": query.fingerprint.size,
                "at": now,
            },
        )
        pipe.pexpire(article_key, window_ms)
        self._index_bands(
            keys=bands,
            args=[query.article_id, repr(now), repr(now - self.window_s), window_ms],
            client=pipe,
        )
        pipe.execute()
        return story
