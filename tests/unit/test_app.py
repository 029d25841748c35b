"""The worker's handler through FastStream's in-memory TestKafkaBroker (delivery is tested live)."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from faststream.kafka import TestKafkaBroker

from service.config import Settings
from service.kafka.worker import Worker
from service.pipeline import Pipeline

GOOD = {
    "id": "w-1",
    "text": "Chile and Peru signed a fisheries agreement in Lima on Tuesday, officials said.",
    "published_at": "2024-03-05T10:00:00Z",
}


@pytest.fixture
def worker(settings: Settings, pipeline: Pipeline) -> Worker:
    worker = Worker(settings)
    worker.pipeline = pipeline
    return worker


class TestHandler:
    async def test_good_and_bad_messages_each_get_one_output(self, worker: Worker) -> None:
        """A batch with a bad message still publishes the good one's record."""
        records: list[Any] = []
        dead: list[Any] = []

        @worker.broker.subscriber(worker.settings.output_topic)
        async def on_record(body: dict[str, Any]) -> None:
            records.append(body)

        @worker.broker.subscriber(worker.settings.dlq_topic)
        async def on_dead(body: dict[str, Any]) -> None:
            dead.append(body)

        async with TestKafkaBroker(worker.broker) as broker:
            await broker.publish_batch(
                orjson.dumps(GOOD), b"{broken", topic=worker.settings.input_topic
            )
            await asyncio.sleep(0)
        assert [r["article_id"] for r in records] == ["w-1"]
        assert [d["error"]["type"] for d in dead] == ["not_json"]
        assert {e["name"] for e in records[0]["entities"]} >= {"Chile", "Peru", "Lima"}

    async def test_publish_retries_then_succeeds(self, worker: Worker) -> None:
        """A failed publish is retried with backoff instead of failing the batch."""
        attempts = {"n": 0}
        original = worker._publish_one

        async def flaky(raw: Any, outcome: Any) -> None:
            attempts["n"] += 1
            if attempts["n"] <= 2:
                raise ConnectionError("broker went away")
            await original(raw, outcome)

        worker.settings = worker.settings.model_copy(update={"publish_retry_initial_s": 0.01})
        worker._publish_one = flaky  # type: ignore[method-assign]
        async with TestKafkaBroker(worker.broker) as broker:
            await broker.publish_batch(orjson.dumps(GOOD), topic=worker.settings.input_topic)
        assert attempts["n"] == 3
        assert worker._publish_failures == 0

