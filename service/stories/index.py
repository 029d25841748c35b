"""What every story index does: assign each article of a batch, in order, to a story."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from service.models import Story
from service.stories.fingerprint import Fingerprint, overlap

__all__ = [
    "ANCHOR_FANOUT",
    "Candidate",
    "StoryIndex",
    "StoryQuery",
    "best_match",
    "fresh_story",
    "story_id_for",
]

#: An anchor shared by more articles than this is a common phrase, not a copy: only its most
#: recent holders become candidates, which bounds the work per query.
ANCHOR_FANOUT = 32


@dataclass(frozen=True, slots=True)
class StoryQuery:
    """One article to place: its id and the fingerprint of its cleaned text."""

    article_id: str
    fingerprint: Fingerprint


@dataclass(frozen=True, slots=True)
class Candidate:
    """An indexed article that shares an LSH band with the query."""

    article_id: str
    story_id: str
    first_article_id: str
    fingerprint: Fingerprint
    at: float


class StoryIndex(Protocol):
    """Assigns stories; an article seen before (a redelivery) gets the story it had."""

    backend: str

    def assign(self, queries: Sequence[StoryQuery]) -> list[Story]:
        """One story per query, in order; a query may join one placed earlier in the batch."""
        ...

    def close(self) -> None: ...


def story_id_for(first_article_id: str) -> str:
    """A story is named after its first article, so the same input replays to the same ids."""
    return "st-" + hashlib.blake2b(first_article_id.encode(), digest_size=12).hexdigest()


def fresh_story(article_id: str) -> Story:
    """The story of an article that copies nothing seen before (or that could not be looked up)."""
    return Story(id=story_id_for(article_id), first_article_id=article_id, size=1)


def best_match(
    fingerprint: Fingerprint, candidates: Iterable[Candidate], containment: float
) -> Candidate | None:
    """The candidate sharing the most of the shorter text, if at least `containment`.

    Ties go to the earliest-indexed candidate, so the older story wins.
    """
    best: tuple[float, float] | None = None
    chosen: Candidate | None = None
    for candidate in candidates:
        share = overlap(fingerprint, candidate.fingerprint)
        if share < containment:
            continue
        rank = (share, -candidate.at)
        if best is None or rank > best:
            best, chosen = rank, candidate
    return chosen
