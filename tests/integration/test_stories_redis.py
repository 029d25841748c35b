"""The shared story index on a real redis-server: sharing, races, expiry, outages."""

from __future__ import annotations

import random
import threading
import time

from prometheus_client import REGISTRY
from redis_server import RedisServer

from service.models import Story
from service.stories import RedisStoryIndex, StoryQuery, fresh_story, story_id_for
from service.stories.fingerprint import Fingerprint, fingerprint
from service.stories.index import ANCHOR_FANOUT

REPORTS = [
    "Heavy rain sent the Varen river over its banks on Sunday night, cutting off fourteen "
    "villages and forcing two thousand people from their homes, emergency services said. "
    "Boats reached Oster Mill and Kallby, where water rose to the first floor before dawn.",
    "The Central Bank of Norland raised its main rate by half a point to 4.75 percent on "
    "Thursday, its third increase this year, saying inflation was still well above target "
    "and spreading to services. Two of the nine board members preferred a smaller step.",
    "Harbour Rovers won the national cup for the first time on Saturday, beating Northgate "
    "United on penalties after a tense final ended 2-2 after extra time at the national "
    "stadium. Goalkeeper Nils Ekberg saved the last two penalties of the shoot-out.",
]

VOCABULARY = sorted({word.strip(".,") for text in REPORTS for word in text.split()})


def index(server: RedisServer, *, window_s: float = 3600, retry_s: float = 0.5) -> RedisStoryIndex:
    """One worker's view of the shared index (its own connection)."""
    return RedisStoryIndex.from_url(
        server.url, timeout_s=0.5, window_s=window_s, containment=0.5, retry_s=retry_s
    )


def query(article_id: str, text: str) -> StoryQuery:
    return StoryQuery(article_id, fingerprint(text))


def value(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


class TestSharedIndex:
    def test_workers_share_stories(self, redis_server: RedisServer) -> None:
        """A copy read by a second worker joins the story the first worker opened."""
        one, two = index(redis_server), index(redis_server)
        (first,) = one.assign([query("a", REPORTS[0])])
        other, copy = two.assign([query("b", REPORTS[1]), query("c", REPORTS[0][:200])])
        assert first == Story(id=story_id_for("a"), first_article_id="a", size=1)
        assert copy == Story(id=first.id, first_article_id="a", size=2)
        assert other.id != first.id

    def test_lead_only_copy_joins_through_anchors(self, redis_server: RedisServer) -> None:
        """A lead-paragraph copy (~3% of a long article's shingles) joins it across workers."""
        long_text = REPORTS[0] + "\n" + " ".join(random.Random(5).choices(VOCABULARY, k=1500))
        one, two = index(redis_server), index(redis_server)
        (first,) = one.assign([query("long", long_text)])
        (copy,) = two.assign([query("lead", "NewsHub\nTop stories\n" + REPORTS[0][:300])])
        assert copy == Story(id=first.id, first_article_id="long", size=2)

    def test_common_anchor_gives_only_its_latest_holders(self, redis_server: RedisServer) -> None:
        """An anchor held by many articles yields only its ANCHOR_FANOUT most recent holders."""
        shared = index(redis_server)
        anchors = fingerprint(REPORTS[1]).anchors
        for i in range(ANCHOR_FANOUT + 5):
            holder = Fingerprint(fingerprint(f"other {i}").minhash, 1, anchors)
            shared.assign([StoryQuery(f"h{i:02d}", holder)])
        members = shared._query_bands(
            keys=[shared._key("h", anchor.hex()) for anchor in anchors[:1]],
            args=[0, 0, ANCHOR_FANOUT],
        )
        assert sorted(m.decode() for m in members) == [
            f"h{i:02d}" for i in range(5, ANCHOR_FANOUT + 5)
        ]

    def test_redelivery_keeps_its_story_on_any_worker(self, redis_server: RedisServer) -> None:
        """An article read again, by any worker, gets the story it had and adds nothing."""
        one, two = index(redis_server), index(redis_server)
        placed = one.assign([query("a", REPORTS[0]), query("b", REPORTS[0])])
        assert two.assign([query("b", REPORTS[0])]) == placed[1:]
        (third,) = two.assign([query("c", REPORTS[0])])
        assert third.size == 3

    def test_concurrent_copies_end_in_one_story(self, redis_server: RedisServer) -> None:
        """Two workers placing copies of one report at the same moment: one story, every time."""
        workers = [index(redis_server), index(redis_server)]
        for round_ in range(15):
            text = " ".join(random.Random(round_).choices(VOCABULARY, k=80))  # a report per round
            start = threading.Barrier(2)
            placed: dict[int, Story] = {}

            def place(
                worker: int, text: str, start: threading.Barrier, placed: dict[int, Story]
            ) -> None:
                start.wait()
                (placed[worker],) = workers[worker].assign([query(f"{text[:20]}-{worker}", text)])

            threads = [
                threading.Thread(target=place, args=(w, text, start, placed)) for w in (0, 1)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(10)
            assert placed[0].id == placed[1].id, placed
            assert sorted(s.size for s in placed.values()) == [1, 2]

    def test_entries_expire_after_the_window(self, redis_server: RedisServer) -> None:
        """After the window a copy opens a new story, and Redis holds no key of the old one."""
        shared = index(redis_server, window_s=1.0)
        (first,) = shared.assign([query("a", REPORTS[2])])
        assert redis_server.client().keys("entity-stories:*")
        time.sleep(1.3)
        assert redis_server.client().keys("entity-stories:[abs]:*") == []
        (late,) = shared.assign([query("b", REPORTS[2])])
        assert late == fresh_story("b") != first


class TestRedisOutage:
    def test_outage_gives_fresh_stories_then_grouping_resumes(
        self, redis_server: RedisServer
    ) -> None:
        """Redis stopped: fresh stories, counted; restarted on its port: copies group again."""
        shared = index(redis_server, retry_s=0.5)
        (first,) = shared.assign([query("a", REPORTS[1])])
        errors = value("entity_story_redis_errors_total")
        redis_server.stop()
        started = time.monotonic()
        during = shared.assign([query("b", REPORTS[1]), query("c", REPORTS[0])])
        assert time.monotonic() - started < 5  # short timeouts: a dead Redis does not stall
        assert during == [fresh_story("b"), fresh_story("c")]
        assert value("entity_story_redis_errors_total") - errors == 1
        redis_server.start()  # same port, empty (no persistence)
        time.sleep(0.6)  # past the pause after the error
        after = shared.assign([query("d", REPORTS[1]), query("e", REPORTS[1][:180])])
        assert after[0] == fresh_story("d")
        assert after[1] == Story(id=after[0].id, first_article_id="d", size=2)
        assert first.id != after[0].id
