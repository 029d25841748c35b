"""The Kafka worker's handler (service/kafka/worker.py) through the in-memory TestKafkaBroker."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from typing import Any

import orjson
import pytest
from aiokafka import TopicPartition
from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage
from recordbatches import batch, garbage_payload

from service import metrics
from service.config import Settings
from service.kafka.badbatch import Undecodable, raw_batches
from service.kafka.worker import Worker
from service.pipeline import Pipeline
from service.runtime.pool import Handout

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
            await worker.drain()  # the outputs go out after the handler returns
        assert [r["article_id"] for r in records] == ["w-1"]
        assert [d["error"]["type"] for d in dead] == ["not_json"]
        assert {e["name"] for e in records[0]["entities"]} >= {"Chile", "Peru", "Lima"}

    async def test_outputs_carry_trace_context_and_cloudevents(self, worker: Worker) -> None:
        """Each output gets its own input's traceparent and the CloudEvents headers."""
        seen: dict[str, dict[str, str]] = {}

        @worker.broker.subscriber(worker.settings.output_topic)
        async def on_record(body: dict[str, Any], message: KafkaMessage) -> None:
            seen[body["article_id"]] = dict(message.headers)

        @worker.broker.subscriber(worker.settings.dlq_topic)
        async def on_dead(body: dict[str, Any], message: KafkaMessage) -> None:
            seen["dead"] = dict(message.headers)

        parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        async with TestKafkaBroker(worker.broker) as broker:
            await broker.publish(
                orjson.dumps(GOOD),
                topic=worker.settings.input_topic,
                headers={"traceparent": parent, "tracestate": "vendor=1"},
            )
            await broker.publish(
                b"{broken", topic=worker.settings.input_topic, headers={"traceparent": parent}
            )
            await worker.drain()  # the outputs go out after the handler returns
        record, dead = seen["w-1"], seen["dead"]
        assert record["traceparent"] == parent and record["tracestate"] == "vendor=1"
        assert record["ce_type"] == "org.entityservice.article-record.v1"
        assert record["ce_specversion"] == "1.0" and record["content-type"] == "application/json"
        assert dead["traceparent"] == parent and dead["error-type"] == "not_json"
        assert dead["ce_type"] == "org.entityservice.dead-letter.v1"
        assert dead["ce_id"].startswith("dl-")

    async def test_dead_letter_keeps_headers_and_redrive_count(self, worker: Worker) -> None:
        """A dead letter keeps the input's headers and carries its entity-redrive-count on."""
        seen: list[tuple[dict[str, Any], dict[str, Any]]] = []

        @worker.broker.subscriber(worker.settings.dlq_topic)
        async def on_dead(body: dict[str, Any], message: KafkaMessage) -> None:
            seen.append((body, dict(message.headers)))

        headers = {"entity-redrive-count": "2", "traceparent": "00-ab-cd-01"}
        async with TestKafkaBroker(worker.broker) as broker:
            await broker.publish(b"{broken", topic=worker.settings.input_topic, headers=headers)
            await worker.drain()  # the outputs go out after the handler returns
        ((body, dead_headers),) = seen
        assert dead_headers["entity-redrive-count"] == "2"
        kept = {h["key"]: h["value"] for h in body["original_headers"]}
        assert kept["entity-redrive-count"] == "2" and kept["traceparent"] == "00-ab-cd-01"


class FakeConsumer:
    """The consumer calls the worker makes: what it owns, commits and seeks, recorded."""

    def __init__(self, *partitions: int) -> None:
        self.owned = {TopicPartition("in", p) for p in partitions}
        self.commits: list[dict[TopicPartition, int]] = []
        self.seeks: dict[TopicPartition, int] = {}

    def assignment(self) -> set[TopicPartition]:
        return self.owned

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        self.commits.append(dict(offsets))

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.seeks[tp] = offset


class RejectAll:
    """A runner without a model: every message a dead letter, reported as it is known."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []

    def process(self, messages: Any, *, budget_s: Any = None, progress: Any = None) -> Any:
        from service.deadletters import dead_letter_for
        from service.errors import Rejected
        from service.outcomes import BatchResult

        self.batches.append([m.offset for m in messages])
        error = Rejected("not_json", "test")
        outcomes = [dead_letter_for(m, error, max_original_bytes=64) for m in messages]
        for index, outcome in enumerate(outcomes):
            progress.finished(index, outcome)
        return BatchResult(outcomes=list(outcomes))


class Polled:
    """What the handler reads of FastStream's message: the polled records."""

    def __init__(self, partition: int, *offsets: int) -> None:
        from aiokafka import ConsumerRecord

        self.raw_message = tuple(  # fmt: skip
            ConsumerRecord(
                topic="in",
                partition=partition,
                offset=o,
                timestamp=0,
                timestamp_type=0,
                key=None,
                value=b"{",
                checksum=None,
                serialized_key_size=0,
                serialized_value_size=1,
                headers=(),
            )
            for o in offsets
        )


@pytest.fixture
def chained(settings: Settings) -> tuple[Worker, FakeConsumer, RejectAll, list[list[int]]]:
    """A worker with a fake consumer, a model-free runner and a publisher that records."""
    worker = Worker(settings)
    consumer, runner, published = FakeConsumer(0, 1), RejectAll(), []
    worker.pipeline = runner  # type: ignore[assignment]
    worker.subscriber.consumer = consumer  # type: ignore[assignment]
    worker.subscriber.running = True  # a stopping subscriber settles each batch before returning

    async def publish(outputs: Any) -> list[Any]:
        published.append([o.raw.offset for o in outputs])
        return [o.outcome for o in outputs]

    worker.publisher.publish = publish  # type: ignore[method-assign]
    return worker, consumer, runner, published


def _hold_publishing(worker: Worker) -> asyncio.Event:
    """The worker's publishes wait until the returned event is set."""
    release = asyncio.Event()
    record = worker.publisher.publish

    async def slow(outputs: Any) -> list[Any]:
        await release.wait()
        return await record(outputs)

    worker.publisher.publish = slow  # type: ignore[method-assign]
    return release


@pytest.mark.timeout(30)
class TestOutputChain:
    async def test_next_batch_is_parsed_while_the_last_one_publishes(
        self, chained: tuple[Worker, FakeConsumer, RejectAll, list[list[int]]]
    ) -> None:
        """The child parses batch 2 while batch 1's outputs wait; commits follow the outputs."""
        worker, consumer, runner, published = chained
        release = _hold_publishing(worker)
        await worker.handle(Polled(0, 5, 6))  # type: ignore[arg-type]
        second = asyncio.create_task(worker.handle(Polled(0, 7)))  # type: ignore[arg-type]
        while len(runner.batches) < 2:
            await asyncio.sleep(0.01)
        assert runner.batches == [[5, 6], [7]] and published == [] and consumer.commits == []
        release.set()
        await second
        await worker.drain()
        assert [offset for chunk in published for offset in chunk] == [5, 6, 7]  # in order
        tp = TopicPartition("in", 0)
        assert consumer.commits == [{tp: 7}, {tp: 8}]

    async def test_outputs_known_while_a_publish_is_out_go_in_one_step(
        self, chained: tuple[Worker, FakeConsumer, RejectAll, list[list[int]]]
    ) -> None:
        """Outputs that become known while earlier ones are published go out together."""
        worker, consumer, runner, published = chained
        release = _hold_publishing(worker)
        await worker.handle(Polled(0, 5))  # type: ignore[arg-type]
        first_commit = worker.chain.last_commit
        second = asyncio.create_task(worker.handle(Polled(0, 7, 8, 9)))  # type: ignore[arg-type]
        while worker.chain.last_commit is first_commit:  # until the child is done with 7-9
            await asyncio.sleep(0.01)
        release.set()
        await second
        await worker.drain()
        assert published == [[5], [7, 8, 9]]
        tp = TopicPartition("in", 0)
        assert consumer.commits == [{tp: 6}, {tp: 10}]

    async def test_failed_output_commits_nothing_after_it(
        self, chained: tuple[Worker, FakeConsumer, RejectAll, list[list[int]]]
    ) -> None:
        """A publish that gives up fails every later step; all open batches are read again."""
        worker, consumer, _, _ = chained

        async def broken(outputs: Any) -> None:
            raise RuntimeError("outputs could not be published; the batch will be re-read")

        worker.publisher.publish = broken  # type: ignore[method-assign]
        await worker.handle(Polled(0, 5, 6))  # type: ignore[arg-type]
        await worker.handle(Polled(1, 40))  # type: ignore[arg-type]
        await worker.drain()
        worker.chain.recover()  # what the next poll does first
        assert consumer.commits == []
        assert consumer.seeks == {TopicPartition("in", 0): 5, TopicPartition("in", 1): 40}

    async def test_revoked_partition_is_not_committed(
        self, chained: tuple[Worker, FakeConsumer, RejectAll, list[list[int]]]
    ) -> None:
        """Offsets of a partition no longer owned are left to its next owner."""
        worker, consumer, _, published = chained
        consumer.owned = {TopicPartition("in", 1)}
        await worker.handle(Polled(0, 5))  # type: ignore[arg-type]
        await worker.drain()
        assert published == [[5]] and consumer.commits == []


class HandOutLater:
    """A runner like the pool: `submit` hands a poll out and returns; each poll's outcomes
    (dead letters) come when the test ends it, from another thread, as a child's would."""

    def __init__(self) -> None:
        self.handouts: list[Handout] = []

    def submit(
        self, messages: Any, *, budget_s: Any = None, progress: Any = None, more: bool = False
    ) -> Handout:
        handout = Handout(messages, progress, more, next=len(messages), running=1)
        self.handouts.append(handout)
        return handout

    def when_ended(self, handout: Handout, callback: Any) -> None:
        handout.callbacks.append(callback)

    async def end(self, number: int, error: Exception | None = None) -> None:
        from service.deadletters import dead_letter_for
        from service.errors import Rejected

        handout = self.handouts[number]

        def in_a_child_thread() -> None:
            if error is None:
                assert handout.progress is not None, "the worker hears each outcome"
                for index, message in enumerate(handout.messages):
                    outcome = dead_letter_for(
                        message, Rejected("not_json", "test"), max_original_bytes=64
                    )
                    handout.done[index] = outcome
                    handout.progress.finished(index, outcome)
            handout.error, handout.running = error, 0
            handout.ended.set()
            for callback in handout.callbacks:
                callback(handout)

        await asyncio.to_thread(in_a_child_thread)


@pytest.fixture
def handing_out(
    chained: tuple[Worker, FakeConsumer, RejectAll, list[list[int]]],
) -> tuple[Worker, FakeConsumer, HandOutLater, list[list[int]]]:
    worker, consumer, _, published = chained
    runner = HandOutLater()
    worker.pipeline = runner  # type: ignore[assignment]
    return worker, consumer, runner, published


async def _until(check: Any) -> None:
    while not check():
        await asyncio.sleep(0.01)


@pytest.mark.timeout(30)
class TestHandedOutPolls:
    """Several pipelines behind one consumer: the handler returns once a poll is handed out;
    commits still follow every output before them, in poll order."""

    async def test_a_later_poll_ending_first_waits_for_the_earlier_commit(
        self, handing_out: tuple[Worker, FakeConsumer, HandOutLater, list[list[int]]]
    ) -> None:
        worker, consumer, runner, published = handing_out
        await worker.handle(Polled(0, 5, 6))  # type: ignore[arg-type]
        assert published == [] and consumer.commits == [], "returned before its outcomes"
        second = asyncio.create_task(worker.handle(Polled(1, 40)))  # type: ignore[arg-type]
        await _until(lambda: len(runner.handouts) == 2)
        await runner.end(1)  # the later poll's last piece ends first
        await _until(lambda: published == [[40]])
        await asyncio.sleep(0.05)
        assert consumer.commits == [], "no commit while an earlier poll's outputs are unknown"
        assert not second.done(), "back-pressure: the handler waits for the poll before it"
        await runner.end(0)
        await second
        await worker.drain()
        # outputs go out as they are known (in one batch or as each ends); commits in poll order
        assert [offset for sent in published for offset in sent] == [40, 5, 6]
        assert consumer.commits == [{TopicPartition("in", 0): 7}, {TopicPartition("in", 1): 41}]

    async def test_a_poll_failing_after_its_handler_returned_is_read_again(
        self, handing_out: tuple[Worker, FakeConsumer, HandOutLater, list[list[int]]]
    ) -> None:
        worker, consumer, runner, published = handing_out
        await worker.handle(Polled(0, 5, 6))  # type: ignore[arg-type]
        await runner.end(0, RuntimeError("the pipeline process could not be started"))
        await worker.drain()
        assert worker.chain.recover(), "what the next poll does first"
        assert consumer.commits == [] and published == []
        assert consumer.seeks == {TopicPartition("in", 0): 5}

    async def test_a_full_poll_is_handed_out_as_one_with_more_behind_it(
        self, handing_out: tuple[Worker, FakeConsumer, HandOutLater, list[list[int]]]
    ) -> None:
        """A poll of `batch_max_records` says the consumer is behind (the pool then keeps its
        pieces full); a shorter one does not."""
        worker, _, runner, _ = handing_out
        most = worker.settings.batch_max_records
        await worker.handle(Polled(0, *range(most)))  # type: ignore[arg-type]
        await runner.end(0)
        await worker.handle(Polled(0, *range(most, 2 * most - 1)))  # type: ignore[arg-type]
        await runner.end(1)
        await worker.drain()
        assert [len(h.messages) for h in runner.handouts] == [most, most - 1]
        assert [h.more for h in runner.handouts] == [True, False]

    async def test_drain_waits_for_the_pieces_still_parsed(
        self, handing_out: tuple[Worker, FakeConsumer, HandOutLater, list[list[int]]]
    ) -> None:
        worker, consumer, runner, published = handing_out
        await worker.handle(Polled(0, 5))  # type: ignore[arg-type]
        draining = asyncio.create_task(worker.drain())
        await asyncio.sleep(0.05)
        assert not draining.done()
        await runner.end(0)
        await draining
        assert published == [[5]] and consumer.commits == [{TopicPartition("in", 0): 6}]


class TestUndecodableBatch:
    async def test_one_contract_dead_letter_per_batch_with_a_stable_id(
        self, worker: Worker
    ) -> None:
        """The batch's bytes, base offset, no key, the usual headers; the same ce_id twice."""
        seen: list[tuple[dict[str, Any], dict[str, Any], bytes | None]] = []

        @worker.broker.subscriber(worker.settings.dlq_topic)
        async def on_dead(body: dict[str, Any], message: KafkaMessage) -> None:
            seen.append((body, dict(message.headers), message.raw_message.key))

        raw = garbage_payload(batch(12, count=3, codec="lz4"))
        (found,) = raw_batches(raw)
        bad = Undecodable(found, "DecompressionError: lz4: ERROR_frameType_unknown")
        counted = metrics.DEAD_LETTERS.labels("undecodable_batch")._value.get()
        async with TestKafkaBroker(worker.broker):
            for _ in range(2):  # a redelivery after a crash before the commit
                await worker.dead_letter_batch(TopicPartition("articles.raw", 3), bad)
        assert metrics.DEAD_LETTERS.labels("undecodable_batch")._value.get() == counted + 2
        (first, headers, key), (again, headers_again, _) = seen
        assert first["error"]["type"] == "undecodable_batch"
        assert "offsets 12..14 (3 records, lz4)" in first["error"]["message"]
        assert "ERROR_frameType_unknown" in first["error"]["message"]
        assert (first["topic"], first["partition"], first["offset"]) == ("articles.raw", 3, 12)
        assert first["original_encoding"] == "base64"
        assert base64.b64decode(first["original"]) == raw
        assert first["original_size"] == len(raw)
        assert first["original_sha256"] == hashlib.sha256(raw).hexdigest()
        assert first["article_id"] is None and not key  # TestKafkaBroker shows None as b""
        assert headers["error-type"] == "undecodable_batch"
        assert headers["ce_type"] == "org.entityservice.dead-letter.v1"
        assert headers["ce_specversion"] == "1.0" and "traceparent" not in headers
        assert headers["ce_id"] == headers_again["ce_id"] and again == {
            **first,
            "failed_at": again["failed_at"],
        }


class TestLenientParser:
    async def test_null_and_binary_header_values_do_not_fail_the_batch(self) -> None:
        """FastStream's parser fails on a null or non-UTF-8 header; ours drops or replaces them."""
        from aiokafka import ConsumerRecord
        from faststream.kafka.parser import AioKafkaBatchParser

        from service.kafka.worker import _lenient_parser

        headers = (("traceparent", b"00-ab"), ("x-null", None), ("x-bin", b"\xff\xfe"))
        record = ConsumerRecord("in", 0, 7, 0, 0, b"k", b"{}", None, 1, 2, headers)
        parser = AioKafkaBatchParser(msg_class=KafkaMessage, regex=None)
        with pytest.raises((AttributeError, UnicodeDecodeError)):
            await parser.parse_batch((record,))
        message = await _lenient_parser((record,), parser.parse_batch)
        assert message.batch_headers == [{"traceparent": "00-ab", "x-bin": "\ufffd\ufffd"}]
        assert message.raw_message[0].offset == 7


class TestProducerSettings:
    def test_batches_linger_and_never_exceed_a_request(
        self, settings: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The producer lingers as set, its batches capped at the largest request allowed."""
        import service.kafka.worker as worker_module

        seen: dict[str, Any] = {}
        real = worker_module.KafkaBroker

        def recording(*args: Any, **kwargs: Any) -> Any:
            seen.update(kwargs)
            return real(*args, **kwargs)

        monkeypatch.setattr(worker_module, "KafkaBroker", recording)
        small = settings.model_copy(
            update={"kafka_linger_ms": 7, "kafka_max_request_size": 100_000}
        )
        Worker(small)
        assert seen["linger_ms"] == 7 and seen["max_batch_size"] == 100_000
        Worker(settings)
        assert seen["max_batch_size"] == settings.kafka_max_batch_size == 262_144
