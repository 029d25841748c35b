"""The pipeline's story step: fingerprint each record's cleaned text and place it in a story."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from service import metrics
from service.models import ArticleRecord, DeadLetter
from service.stories.fingerprint import fingerprint
from service.stories.index import StoryIndex, StoryQuery, fresh_story

__all__ = ["assign_stories"]

log = logging.getLogger("entity_service.stories")

Outcome = ArticleRecord | DeadLetter


def assign_stories(outcomes: Sequence[Outcome], index: StoryIndex) -> list[Outcome]:
    """The outcomes with each record's `story` set by the index, in input order.

    An index that raises costs the grouping of this batch, never its records: they keep
    fresh stories, and the failure is logged and counted.
    """
    records = [o for o in outcomes if isinstance(o, ArticleRecord)]
    if not records:
        return list(outcomes)
    queries = [StoryQuery(r.article_id, fingerprint(r.text)) for r in records]
    started = time.perf_counter()
    try:
        stories = index.assign(queries)
    except Exception:  # a bug in an index must not lose the batch
        log.exception("story index %s failed; the batch gets fresh stories", index.backend)
        metrics.STORY_DEGRADED_ARTICLES.inc(len(queries))
        stories = [fresh_story(q.article_id) for q in queries]
    metrics.STORY_INDEX_SECONDS.labels(index.backend).observe(time.perf_counter() - started)
    placed = iter(stories)
    return [
        o.model_copy(update={"story": next(placed)}) if isinstance(o, ArticleRecord) else o
        for o in outcomes
    ]
