"""What the stream repeats: lines met in many recent articles are furniture, whatever their words.

A line (case-folded) counts as repeated when, within the window, other articles of the same
source held it (`min_articles`) or other sources did (`min_sources`); an article without a
source counts as a source of its own, so only the second test applies to it. Each article's
verdict is remembered with its id for the window, so a redelivered article gets the cut it had
the first time (as the story index gives it the story it had) and never counts as a repeat of
itself. Two memories share one interface: a local one,
bounded in keys and articles, and one in Redis that every worker and replica shares.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Final, Protocol

from service import metrics

__all__ = ["LocalRepeatMemory", "RepeatMemory", "line_key"]

#: Members kept per line key: enough to reach either threshold, bounded whatever the traffic.
MEMBER_CAP: Final = 16


def line_key(line: str) -> str:
    """A short hash of the line, case aside (lines arrive with their spaces collapsed).

    Stable across processes and replicas (unlike `hash`), so workers sharing Redis agree.
    """
    return hashlib.blake2b(line.casefold().encode("utf-8", "replace"), digest_size=8).hexdigest()


class RepeatMemory(Protocol):
    """Which of an article's line keys the recent stream has repeated."""

    backend: str

    def repeated(self, article_id: str, source: str | None, keys: Sequence[str]) -> set[str]:
        """The keys met in enough other recent articles; the article is remembered too."""

    def close(self) -> None:
        """Release connections (nothing for the local memory)."""


class LocalRepeatMemory:
    """The repeat memory of one process: an LRU of line keys and of article verdicts."""

    backend = "local"

    def __init__(
        self,
        *,
        window_s: float = 24 * 3600,
        capacity: int = 50_000,
        articles: int = 10_000,
        min_articles: int = 2,
        min_sources: int = 2,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.window_s = window_s
        self.capacity = max(0, capacity)
        self.article_capacity = max(0, articles)
        self.min_articles = min_articles
        self.min_sources = min_sources
        self._clock = clock
        # (scope, key) -> member -> last seen; scope "s:<source>" counts articles, "*" sources.
        self._keys: OrderedDict[tuple[str, str], dict[str, float]] = OrderedDict()
        self._articles: OrderedDict[str, tuple[float, frozenset[str]]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._keys)

    def repeated(self, article_id: str, source: str | None, keys: Sequence[str]) -> set[str]:
        if self.capacity == 0:
            return set()
        now = self._clock()
        oldest = now - self.window_s
        with self._lock:
            known = self._articles.get(article_id)
            if known is not None and known[0] >= oldest:
                return set(keys) & known[1]
            found = {key for key in set(keys) if self._count(source, article_id, key, now, oldest)}
            self._articles[article_id] = (now, frozenset(found))
            self._articles.move_to_end(article_id)
            while len(self._articles) > self.article_capacity:
                self._articles.popitem(last=False)
            while len(self._keys) > self.capacity:
                self._keys.popitem(last=False)
            metrics.REPEAT_MEMORY_KEYS.set(len(self._keys))
        return found

    def _count(self, source: str | None, article_id: str, key: str, now: float, old: float) -> bool:
        """Whether `key` repeats, then note this article (and its source) as holding it."""
        hit = False
        scopes = [("*", f"s:{source}" if source else f"a:{article_id}", self.min_sources)]
        if source:
            scopes.append((f"s:{source}", article_id, self.min_articles))
        for scope, member, needed in scopes:
            holders = self._keys.get((scope, key))
            if holders is None:
                holders = self._keys[(scope, key)] = {}
            else:
                self._keys.move_to_end((scope, key))
            for name in [m for m, seen in holders.items() if seen < old]:
                del holders[name]
            others = len(holders) - (member in holders)
            hit = hit or others >= needed
            holders.pop(member, None)
            holders[member] = now
            while len(holders) > MEMBER_CAP:
                del holders[next(iter(holders))]
        return hit

    def close(self) -> None:
        return None
