"""Where the page's own consumer starts each partition, and what it refuses to be."""

from __future__ import annotations

import pytest

from service.config import Settings
from service.ui.follower import Follower, start_offset
from service.ui.store import RecentStore


class TestStartOffset:
    @pytest.mark.parametrize(
        ("beginning", "highwater", "recent", "start"),
        [
            (0, 1000, 200, 800),  # the last 200
            (0, 30, 200, 0),  # fewer than 200: all of them
            (950, 1000, 200, 950),  # not before the first message still kept
            (0, 0, 200, 0),  # empty partition
            (7, None, 200, 7),  # no watermark seen: from the beginning
        ],
    )
    def test_start(self, beginning: int, highwater: int | None, recent: int, start: int) -> None:
        """recent messages before the high watermark, never before the beginning."""
        assert start_offset(beginning, highwater, recent) == start


class TestFollower:
    async def test_has_no_group(self, settings: Settings) -> None:
        """The page's consumer joins no group and commits nothing: the service's stay untouched."""
        follower = Follower(settings, RecentStore(5))
        consumer = follower._consumer
        assert consumer._group_id is None
        assert consumer._enable_auto_commit is False
