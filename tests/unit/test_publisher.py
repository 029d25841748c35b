"""The output publisher: retries with backoff, one trace context per output."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from faststream.kafka import TestKafkaBroker

from service.config import Settings
from service.kafka.publisher import OutputPublisher
from service.kafka.worker import Worker
from service.pipeline import Pipeline

GOOD = {"id": "p-1", "text": "Chile and Peru signed a fisheries agreement in Lima on Tuesday."}


@pytest.fixture
def worker(settings: Settings, pipeline: Pipeline) -> Worker:
    worker = Worker(settings.model_copy(update={"publish_retry_initial_s": 0.01}))
    worker.pipeline = pipeline
    return worker


class TestOutputPublisher:
    async def test_publish_retries_then_succeeds(self, worker: Worker) -> None:
        """A failed publish is retried with backoff instead of failing the batch."""
        publisher: OutputPublisher = worker.publisher
        attempts = {"n": 0}
        original = publisher._publish_one

        async def flaky(output: Any) -> None:
            attempts["n"] += 1
            if attempts["n"] <= 2:
                raise ConnectionError("broker went away")
            await original(output)

        publisher._publish_one = flaky  # type: ignore[method-assign]
        async with TestKafkaBroker(worker.broker) as broker:
            await broker.publish_batch(orjson.dumps(GOOD), topic=worker.settings.input_topic)
            await worker.drain()  # the outputs go out after the handler returns
        assert attempts["n"] == 3
        assert publisher._failures == 0

    async def test_gives_up_after_half_the_poll_interval(self, worker: Worker) -> None:
        """Publishing that keeps failing raises, so the batch is re-read, not committed."""
        publisher = worker.publisher
        publisher.settings = publisher.settings.model_copy(update={"max_poll_interval_ms": 10})

        async def broken(output: Any) -> None:
            raise ConnectionError("broker went away")

        publisher._publish_one = broken  # type: ignore[method-assign]
        with pytest.raises(RuntimeError, match="re-read"):
            await publisher.publish([object()])  # type: ignore[list-item]
        assert publisher._failures >= 1
