"""Story grouping: near-duplicate articles (wire copies, aggregator copies) share a story id."""

from __future__ import annotations

import logging

from service.config import Settings
from service.stories.grouping import assign_stories
from service.stories.index import StoryIndex, StoryQuery, fresh_story, story_id_for
from service.stories.local import LocalStoryIndex
from service.stories.shared import RedisStoryIndex

__all__ = [
    "LocalStoryIndex",
    "RedisStoryIndex",
    "StoryIndex",
    "StoryQuery",
    "assign_stories",
    "fresh_story",
    "open_story_index",
    "story_id_for",
]

log = logging.getLogger("entity_service.stories")


def open_story_index(settings: Settings) -> StoryIndex:
    """The shared Redis index when ENTITY_STORIES_REDIS_URL is set, else a local one (logged)."""
    window_s = settings.story_window_h * 3600
    if settings.stories_redis_url is None:
        log.warning(
            "stories: ENTITY_STORIES_REDIS_URL is not set; the story index is local to this "
            "process (window %gh): copies read by other processes or replicas are not grouped "
            "with the ones read here",
            settings.story_window_h,
        )
        return LocalStoryIndex(window_s=window_s, containment=settings.story_containment)
    index = RedisStoryIndex.from_url(
        settings.stories_redis_url.get_secret_value(),
        timeout_s=settings.stories_redis_timeout_s,
        window_s=window_s,
        containment=settings.story_containment,
        prefix=settings.stories_redis_prefix,
        retry_s=settings.stories_redis_retry_s,
    )
    where = index.client.connection_pool.connection_kwargs
    log.info(
        "stories: shared index in Redis at %s:%s db %s (window %gh)",
        where.get("host", where.get("path")),
        where.get("port", ""),
        where.get("db", 0),
        settings.story_window_h,
    )
    return index
