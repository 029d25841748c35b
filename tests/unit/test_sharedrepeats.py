"""Tests for the shared repeat memory without a Redis: the degraded mode and its settings."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from service.cleaning.repeats import LocalRepeatMemory
from service.cleaning.sharedrepeats import RedisRepeatMemory, open_repeat_memory
from service.config import Settings


def value(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


class TestRedisDown:
    def test_unreachable_redis_repeats_nothing_and_counts(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Nothing listens: no line repeats, one error counted and logged, each article counted."""
        memory = RedisRepeatMemory.from_url(
            "redis://127.0.0.1:1/0", timeout_s=0.2, window_s=60, retry_s=60
        )
        errors = value("entity_repeat_redis_errors_total")
        degraded = value("entity_repeat_degraded_articles_total")
        with caplog.at_level("WARNING", logger="entity_service.cleaning"):
            found = [memory.repeated(f"n{i}", "newsroll", ["k1", "k2"]) for i in range(3)]
        assert found == [set(), set(), set()]
        assert value("entity_repeat_redis_errors_total") - errors == 1  # the pause skips Redis
        assert value("entity_repeat_degraded_articles_total") - degraded == 3
        (line,) = [r for r in caplog.records if r.name == "entity_service.cleaning"]
        assert line.getMessage().startswith("repeat memory: Redis failed (ConnectionError: ")
        assert line.getMessage().endswith("; no line counts as repeated, retry in 60s")


class TestOpenRepeatMemory:
    def test_local_without_redis(self) -> None:
        """No Redis URL: the memory is local to the process."""
        assert isinstance(open_repeat_memory(Settings(workers=1)), LocalRepeatMemory)

    def test_redis_url_gives_the_shared_memory(self) -> None:
        """A Redis URL gives the shared memory with the settings' prefix (no connection yet)."""
        settings = Settings(
            workers=1, stories_redis_url="redis://127.0.0.1:1/0", repeat_redis_prefix="r"
        )
        memory = open_repeat_memory(settings)
        assert isinstance(memory, RedisRepeatMemory)
        assert memory.prefix == "r"
