"""The shared repeat memory on a real redis-server: two workers, redeliveries, expiry, outages."""

from __future__ import annotations

import time

from prometheus_client import REGISTRY
from redis_server import RedisServer

from service.cleaning.cleaner import Cleaner
from service.cleaning.sharedrepeats import RedisRepeatMemory
from service.models import Article

REPORTS = [
    "The port authority of Valmora said on Tuesday that grain exports rose by a fifth in "
    "October, helped by a new rail link to the eastern farm belt.",
    "Firefighters in the hill town of Sarnen brought a forest fire under control on Wednesday "
    "after three days, the regional governor said.",
    "The national railway of Ostland will raise fares by four percent from January, its chief "
    "executive told parliament on Thursday.",
    "A court in Brenna sentenced a former city treasurer to six years in prison on Friday for "
    "taking bribes from building firms.",
    "Fishermen in the northern bay of Kallby landed the largest herring catch in a decade this "
    "week, the harbour master said on Monday.",
]
PROMO = (
    "Newsroll brings you the stories everyone is talking about, hand-picked by our editors "
    "every hour."
)


def worker(server: RedisServer, *, window_s: float = 3600, retry_s: float = 0.5) -> Cleaner:
    """One worker's cleaner with its own connection to the shared memory."""
    memory = RedisRepeatMemory.from_url(
        server.url, timeout_s=0.5, window_s=window_s, retry_s=retry_s
    )
    return Cleaner(repeats=memory)


def article(i: int, article_id: str | None = None) -> Article:
    return Article(
        id=article_id or f"n{i}", source="newsroll", text=f"{PROMO}\n{REPORTS[i]}\n{PROMO}"
    )


def value(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


class TestSharedRepeats:
    def test_two_workers_share_what_repeats(self, redis_server: RedisServer) -> None:
        """Two articles read by one worker make the promo furniture for the other worker."""
        one, two = worker(redis_server), worker(redis_server)
        assert PROMO in one(article(0)).text
        assert PROMO in one(article(1)).text
        cleaned = two(article(2))
        assert PROMO not in cleaned.text
        assert REPORTS[2] in cleaned.text
        assert cleaned.removed_by == {"repeat": 2}

    def test_redelivery_gets_its_first_cut_on_any_worker(self, redis_server: RedisServer) -> None:
        """A redelivery to the other worker, after more traffic, is cleaned as the first time."""
        one, two = worker(redis_server), worker(redis_server)
        first = one(article(0))
        for i in range(1, 4):
            one(article(i))
        assert two(article(0)) == first

    def test_entries_expire_after_the_window(self, redis_server: RedisServer) -> None:
        """After the window nothing repeats any more, and Redis holds no key of it."""
        shared = worker(redis_server, window_s=1.0)
        shared(article(0))
        shared(article(1))
        assert redis_server.client().keys("entity-repeats:*")
        time.sleep(1.3)
        assert redis_server.client().keys("entity-repeats:*") == []
        assert PROMO in shared(article(2)).text


class TestRedisOutage:
    def test_outage_cleans_without_repeats_then_resumes(self, redis_server: RedisServer) -> None:
        """Redis stopped: articles are still cleaned (no repeats), counted; back: repeats count."""
        shared = worker(redis_server)
        errors = value("entity_repeat_redis_errors_total")
        degraded = value("entity_repeat_degraded_articles_total")
        redis_server.stop()
        started = time.monotonic()
        during = [shared(article(i)) for i in range(3)]
        assert time.monotonic() - started < 5  # short timeouts: a dead Redis does not stall
        assert all(PROMO in c.text for c in during)
        assert value("entity_repeat_redis_errors_total") - errors == 1
        assert value("entity_repeat_degraded_articles_total") - degraded == 3
        redis_server.start()  # same port, empty (no persistence)
        time.sleep(0.6)  # past the pause after the error
        for i in range(3, 5):
            shared(article(i))
        assert PROMO not in shared(article(0, article_id="late")).text
