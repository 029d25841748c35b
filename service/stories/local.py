"""The story index of one process: datasketch's in-memory LSH plus the stories it holds."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from datasketch import MinHashLSH

from service.models import Story
from service.stories.fingerprint import BANDS, NUM_PERM, ROWS
from service.stories.index import (
    ANCHOR_FANOUT,
    Candidate,
    StoryQuery,
    best_match,
    story_id_for,
)

__all__ = ["LocalStoryIndex"]


@dataclass(slots=True)
class _StoryState:
    first_article_id: str
    size: int
    indexed: int = 0  # articles of the story still in the window


class LocalStoryIndex:
    """Groups what one process sees; entries older than the window are dropped on each call."""

    backend = "local"

    def __init__(
        self,
        *,
        window_s: float,
        containment: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.window_s = window_s
        self.containment = containment
        self._clock = clock
        self._lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))
        self._entries: dict[str, tuple[Candidate, Story]] = {}
        self._stories: dict[str, _StoryState] = {}
        self._order: deque[tuple[float, str]] = deque()
        # anchor -> article ids holding it, oldest first (dicts keep insertion order)
        self._anchors: dict[bytes, dict[str, None]] = {}

    def assign(self, queries: Sequence[StoryQuery]) -> list[Story]:
        now = self._clock()
        self._expire(now)
        return [self._assign_one(query, now) for query in queries]

    def close(self) -> None:
        """Nothing to release."""

    def __len__(self) -> int:
        return len(self._entries)

    def _assign_one(self, query: StoryQuery, now: float) -> Story:
        known = self._entries.get(query.article_id)
        if known is not None:
            return known[1]
        keys = set(self._lsh.query(query.fingerprint.minhash))
        for anchor in query.fingerprint.anchors:
            holders = list(self._anchors.get(anchor, ()))
            keys.update(holders[-ANCHOR_FANOUT:])  # a common phrase: its latest holders only
        candidates = (self._entries[key][0] for key in sorted(keys))
        match = best_match(query.fingerprint, candidates, self.containment)
        if match is None:
            story_id = story_id_for(query.article_id)
            state = self._stories.setdefault(story_id, _StoryState(query.article_id, 0))
        else:
            story_id = match.story_id
            state = self._stories[story_id]
        state.size += 1
        state.indexed += 1
        story = Story(id=story_id, first_article_id=state.first_article_id, size=state.size)
        entry = Candidate(
            query.article_id, story_id, state.first_article_id, query.fingerprint, now
        )
        self._entries[query.article_id] = (entry, story)
        self._lsh.insert(query.article_id, query.fingerprint.minhash, check_duplication=False)
        for anchor in query.fingerprint.anchors:
            self._anchors.setdefault(anchor, {})[query.article_id] = None
        self._order.append((now, query.article_id))
        return story

    def _expire(self, now: float) -> None:
        """Forget articles indexed more than the window ago, and stories left without any."""
        while self._order and self._order[0][0] <= now - self.window_s:
            _, article_id = self._order.popleft()
            entry, _ = self._entries.pop(article_id)
            self._lsh.remove(article_id)
            for anchor in entry.fingerprint.anchors:
                holders = self._anchors[anchor]
                holders.pop(article_id, None)
                if not holders:
                    del self._anchors[anchor]
            state = self._stories[entry.story_id]
            state.indexed -= 1
            if not state.indexed:
                del self._stories[entry.story_id]
