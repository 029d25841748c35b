"""The output publisher: retries with backoff, one trace context per output."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from aiokafka import TopicPartition
from aiokafka.errors import (
    CorruptRecordException,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    NotEnoughReplicasError,
    PolicyViolationError,
    TopicAuthorizationFailedError,
)
from faststream.kafka import TestKafkaBroker

from service.config import Settings
from service.kafka.publisher import Output, OutputPublisher, unhealable
from service.kafka.stall import StallWatcher
from service.kafka.telemetry import Tracing
from service.kafka.worker import Worker
from service.models import ArticleRecord, DeadLetter
from service.pipeline import Pipeline, RawMessage

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
            await publisher.publish([Output(RawMessage(value=b"{}"), object(), {})])  # type: ignore[arg-type]
        assert publisher._failures >= 1


class _Topic:
    """A stand-in for one FastStream publisher: fails its first `failures` calls with `error`."""

    def __init__(self, error: BaseException | None = None, failures: int = 0) -> None:
        self.error, self.failures = error, failures
        self.sent: list[bytes] = []
        self.calls = 0

    async def publish(self, payload: bytes, **_: Any) -> None:
        self.calls += 1
        if self.error is not None and self.calls <= self.failures:
            raise self.error
        self.sent.append(payload)


def _outputs(pipeline: Pipeline, count: int = 1) -> list[Output]:
    raws = [
        RawMessage(
            value=orjson.dumps({**GOOD, "id": f"p-{i}"}),
            key=f"p-{i}".encode(),
            topic="in",
            partition=1,
            offset=i,
        )
        for i in range(count)
    ]
    return [
        Output(raw, outcome, {})
        for raw, outcome in zip(raws, pipeline.process(raws).outcomes, strict=True)
    ]


def _publisher(settings: Settings, records: _Topic, dead: _Topic) -> OutputPublisher:
    fast = settings.model_copy(update={"publish_retry_initial_s": 0.01})
    return OutputPublisher(fast, records, dead, Tracing(fast), stalls=StallWatcher(300))  # type: ignore[arg-type]


class TestUnhealable:
    @pytest.mark.parametrize(
        ("error", "error_type"),
        [
            (
                MessageSizeTooLargeError("The message is 2000000 bytes when serialized"),
                "record_too_large",
            ),
            (TopicAuthorizationFailedError(), "publish_refused"),
            (CorruptRecordException(), "publish_refused"),
        ],
    )
    async def test_a_refused_record_is_dead_lettered_at_once(
        self, settings: Settings, pipeline: Pipeline, error: Exception, error_type: str
    ) -> None:
        """An error retrying cannot heal: one try, then the dead letter, no backoff, no stall."""
        records, dead = _Topic(error, failures=10**6), _Topic()
        publisher = _publisher(settings, records, dead)
        outputs = _outputs(pipeline, 2)
        published = await publisher.publish(outputs)
        assert records.calls == 2 and records.sent == []
        assert [type(o) for o in published] == [DeadLetter, DeadLetter]
        letter = orjson.loads(dead.sent[0])
        assert letter["error"]["type"] == error_type
        assert letter["article_id"] == "p-0" and letter["offset"] == 0
        assert publisher._failures == 0 and publisher._stalls.stalled == []

    async def test_too_large_names_both_sizes(self, settings: Settings, pipeline: Pipeline) -> None:
        """The record_too_large dead letter says how large the record is and the limit."""
        records, dead = _Topic(MessageSizeTooLargeError("too big"), failures=1), _Topic()
        [output] = _outputs(pipeline)
        [letter] = await _publisher(settings, records, dead).publish([output])
        assert isinstance(letter, DeadLetter) and isinstance(output.outcome, ArticleRecord)
        size = len(orjson.dumps(output.outcome.model_dump(mode="json")))
        assert f"{size} bytes" in letter.error.message
        assert str(settings.kafka_max_request_size) in letter.error.message

    def test_transient_errors_are_not_unhealable(self) -> None:
        """Connection trouble, timeouts and policy answers are retried, not dead-lettered."""
        assert unhealable(ConnectionError("gone")) is None
        assert unhealable(KafkaTimeoutError()) is None
        assert unhealable(PolicyViolationError()) is None
        assert unhealable(NotEnoughReplicasError()) is None


class TestTransientBound:
    async def test_past_the_bound_the_partition_is_stalled_then_cleared(
        self, settings: Settings, pipeline: Pipeline
    ) -> None:
        """Failing past the bound raises and stalls the partition; a later success clears it."""
        records, dead = _Topic(ConnectionError("broker went away"), failures=3), _Topic()
        publisher = _publisher(settings, records, dead)
        publisher.settings = publisher.settings.model_copy(update={"max_poll_interval_ms": 10})
        outputs = _outputs(pipeline)
        with pytest.raises(RuntimeError, match="re-read"):
            await publisher.publish(outputs)
        assert publisher._stalls.stalled == [TopicPartition("in", 1)]
        published = await publisher.publish(outputs)  # the batch re-read: the broker is back
        assert [type(o) for o in published] == [ArticleRecord]
        assert publisher._stalls.stalled == []
        assert dead.sent == []
