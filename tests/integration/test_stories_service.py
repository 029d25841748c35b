"""Issue 17 end to end: pages in three forms grouped offline and over Kafka; a Redis outage."""

from __future__ import annotations

import random
import sys
import time

import orjson
import pytest
from fault_support import FAST, Feeder, Ledger, read_all, report, short_articles
from redis_server import RedisServer
from support import PROJECT_ROOT, ServiceProcess, Topics, article, collect, publish

sys.path.insert(0, str(PROJECT_ROOT))

from bench.stories_eval import bcubed, invented_articles, run_process

SIGNS = {"village-attack": -1, "peace-accord": 1}  # pages whose tone has a known sign


def shuffled_forms() -> list[dict[str, str]]:
    articles = invented_articles()
    random.Random(17).shuffle(articles)
    return articles


def check_grouping(articles: list[dict[str, str]], records: list[dict[str, object]]) -> None:
    """One story per page (B-cubed F1 >= 0.95) and tone within bounds, with the known signs."""
    assert sorted(str(r["article_id"]) for r in records) == sorted(a["id"] for a in articles)
    truth = {a["id"]: a["id"].rsplit("/", 1)[0] for a in articles}
    predicted = {str(r["article_id"]): str(r["story"]["id"]) for r in records}  # type: ignore[index]
    precision, recall, f1 = bcubed(truth, predicted)
    assert f1 >= 0.95, (precision, recall)
    for record in records:
        tone = record["tone"]
        assert -1 <= tone["score"] <= 1  # type: ignore[index]
        page = str(record["article_id"]).rsplit("/", 1)[0]
        if page in SIGNS:
            assert tone["score"] * SIGNS[page] > 0, (record["article_id"], tone)  # type: ignore[index]


class TestOffline:
    def test_process_with_two_workers_groups_in_one_place(self) -> None:
        """`process --workers 2`: the parent places stories in input order, one per page."""
        articles = shuffled_forms()
        check_grouping(articles, run_process(articles, workers=2))


class TestOverKafka:
    def test_two_workers_share_redis(
        self, kafka: str, topics: Topics, redis_server: RedisServer
    ) -> None:
        """Two workers over four partitions, one Redis: the forms of each page share a story."""
        articles = shuffled_forms()
        service = ServiceProcess(
            kafka, topics, workers=2, extra_env={"ENTITY_STORIES_REDIS_URL": redis_server.url}
        ).start()
        try:
            publish(kafka, topics.input, [(a["id"].encode(), orjson.dumps(a)) for a in articles])
            received = collect(kafka, [topics.output, topics.dlq], len(articles), timeout=240)
            assert "shared index in Redis" in service.log(20_000)
        finally:
            service.stop()
        assert all(r.topic == topics.output for r in received), [r.value for r in received]
        check_grouping(articles, [r.value for r in received])
        assert len({r.value["processing"]["pipeline_version"] for r in received}) == 1  # type: ignore[index]


class TestRedisOutage:
    def test_stopping_redis_mid_run_loses_nothing(
        self,
        kafka: str,
        topics: Topics,
        redis_server: RedisServer,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """Redis stopped mid-stream: every article still becomes a record; restarted, it groups."""
        env = {
            **FAST,
            "ENTITY_STORIES_REDIS_URL": redis_server.url,
            "ENTITY_STORIES_REDIS_TIMEOUT_S": "0.3",
            "ENTITY_STORIES_REDIS_RETRY_S": "1",
        }
        service = ServiceProcess(kafka, topics, workers=2, extra_env=env).start()
        try:
            messages = short_articles("outage", 300)
            ledger = Ledger({key.decode() for key, _ in messages}, topics)
            feeder = Feeder(kafka, topics.input, messages, per_second=60)
            feeder.start()
            time.sleep(2)
            redis_server.stop()
            time.sleep(3)
            redis_server.start()
            feeder.finish()
            read_all(kafka, ledger, timeout=180)
            report(capsys, "redis stopped mid-run", ledger)
            ledger.check()
            _, metrics = service.get("/metrics")
            errors = [
                line for line in metrics.decode().splitlines()
                if line.startswith("entity_story_redis_errors_total ")
            ]  # fmt: skip
            assert errors and float(errors[0].split()[1]) >= 1, errors

            # Back in service: two copies of a new report, published after the restart, group.
            time.sleep(1.5)
            text = (
                "The Skarvik copper mine lost its permit on Tuesday when the court ruled that "
                "the company had not shown how toxic waste would be kept out of the fjord."
            )
            copies = [article(f"after-{i}", text, language="en") for i in (1, 2)]
            publish(kafka, topics.input, copies[:1])
            collect(kafka, [topics.output], len(messages) + 1, timeout=60)
            publish(kafka, topics.input, copies[1:])
            received = collect(kafka, [topics.output], len(messages) + 2, timeout=60)
            log = service.log(500_000)
        finally:
            service.stop()
        after = {
            r.value["article_id"]: r.value["story"]  # type: ignore[index]
            for r in received
            if str(r.value["article_id"]).startswith("after-")
        }
        assert after["after-2"]["id"] == after["after-1"]["id"], after  # type: ignore[index]
        assert after["after-2"]["size"] == 2  # type: ignore[index]
        assert "Redis failed" in log and "grouping resumes" in log, log[-3000:]
