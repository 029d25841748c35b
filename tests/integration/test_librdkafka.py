"""librdkafka (confluent-kafka) on both ends of `entity-service run`: codecs, trace, CloudEvents."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import orjson
import pytest
from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
from support import ServiceProcess, Topics, article, create_topics

CODECS = ("none", "gzip", "snappy", "lz4", "zstd")


def trace_id(index: int) -> str:
    return f"{index + 1:02x}" * 16


def traceparent(index: int) -> str:
    return f"00-{trace_id(index)}-{index + 1:016x}-01"


@dataclass(frozen=True)
class Output:
    topic: str
    key: bytes | None
    headers: dict[str, bytes | None]
    value: dict[str, object]


def librdkafka_produce(bootstrap: str, topic: str, codec: str, messages: list[dict]) -> None:
    """One producer per codec, as a shop whose producers compress with it would send."""
    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "compression.type": codec,
            "enable.idempotence": False,  # the embedded broker has no idempotent producer
            "linger.ms": 5,
        }
    )
    errors: list[object] = []
    for message in messages:
        producer.produce(
            topic,
            message["value"],
            key=message["key"],
            headers=message["headers"],
            on_delivery=lambda err, _msg: errors.append(err) if err else None,
        )
    assert producer.flush(30) == 0
    assert not errors, errors


def librdkafka_read(bootstrap: str, topics: list[str], count: int, timeout: float) -> list[Output]:
    """Read every partition from the beginning with `assign()`: no group join (that takes ~20 s
    with librdkafka's defaults against the embedded broker)."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": "unused-assign-only",
            "enable.auto.commit": False,
            "fetch.message.max.bytes": 8_000_000,
        }
    )
    consumer.assign([TopicPartition(t, p, OFFSET_BEGINNING) for t in topics for p in range(4)])
    found: list[Output] = []
    deadline = time.monotonic() + timeout
    try:
        while len(found) < count and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None:
                continue
            assert message.error() is None, message.error()
            found.append(
                Output(
                    message.topic(),
                    message.key(),
                    dict(message.headers() or []),
                    orjson.loads(message.value()),
                )
            )
    finally:
        consumer.close()
    return found


class ReadyzWatch(threading.Thread):
    """Polls /readyz every 0.2 s in the background and keeps every status it answered."""

    def __init__(self, service: ServiceProcess) -> None:
        super().__init__(daemon=True)
        self.service = service
        self.statuses: list[int] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.statuses.append(self.service.get("/readyz")[0])
            time.sleep(0.2)

    def stop(self) -> list[int]:
        self._halt.set()
        self.join(5)
        return self.statuses


@pytest.fixture(scope="module")
def codec_run(kafka: str) -> Iterator[tuple[list[dict], list[Output], list[int], Topics]]:
    """The service (publishing lz4) fed a good and a bad message per codec by librdkafka."""
    topics = Topics.fresh()

    create_topics(kafka, topics)
    service = ServiceProcess(
        kafka, topics, extra_env={"ENTITY_KAFKA_COMPRESSION_TYPE": "lz4"}
    ).start()
    watch = ReadyzWatch(service)
    watch.start()
    sent: list[dict] = []
    try:
        for index, codec in enumerate(CODECS):
            key, value = article(
                f"codec-{codec}",
                f"Officials in Nairobi met envoys from Uganda on Monday ({codec}).",
                language="en",
            )
            good = {"key": key, "value": value, "codec": codec, "index": 2 * index}
            bad = {"key": f"bad-{codec}".encode(), "value": b"{not json", "codec": codec}
            bad["index"] = 2 * index + 1
            for message in (good, bad):
                message["headers"] = [
                    ("traceparent", traceparent(message["index"]).encode()),
                    ("tracestate", f"vendor={codec}".encode()),
                    ("x-null", None),  # legal in Kafka: must not break the batch
                    ("x-binary", b"\xff\xfe"),  # not UTF-8: likewise
                ]
            librdkafka_produce(kafka, topics.input, codec, [good, bad])
            sent += [good, bad]
        outputs = librdkafka_read(kafka, [topics.output, topics.dlq], len(sent), timeout=120)
        time.sleep(1)
        statuses = watch.stop()
        yield sent, outputs, statuses, topics
    finally:
        watch.stop()
        service.stop()
        if os.environ.get("KEEP_LOGS") is None and service.log_path is not None:
            service.log_path.unlink(missing_ok=True)


class TestEveryCodecIn:
    def test_all_ten_come_out(self, codec_run: tuple) -> None:
        """5 codecs x (good, bad): 5 records and 5 dead letters, none stuck behind a codec."""
        sent, outputs, _, topics = codec_run
        assert len(outputs) == len(sent) == 10
        assert sorted(o.value["article_id"] for o in outputs if o.topic == topics.output) == sorted(
            f"codec-{c}" for c in CODECS
        )
        dead = [o for o in outputs if o.topic == topics.dlq]
        assert sorted(o.key for o in dead) == sorted(f"bad-{c}".encode() for c in CODECS)
        assert {o.value["error"]["type"] for o in dead} == {"not_json"}  # type: ignore[index]

    def test_keys(self, codec_run: tuple) -> None:
        """Records are keyed by article id, dead letters by the input's key."""
        _, outputs, _, topics = codec_run
        for output in outputs:
            if output.topic == topics.output:
                assert output.key == str(output.value["article_id"]).encode()
            else:
                assert output.key is not None and output.key.startswith(b"bad-")

    def test_trace_context_follows_each_message(self, codec_run: tuple) -> None:
        """Each output's traceparent carries its own input's trace id, tracestate as sent."""
        sent, outputs, _, topics = codec_run
        by_key = {m["key"]: m for m in sent}
        for output in outputs:
            key = (
                str(output.value["article_id"]).encode()
                if output.topic == topics.output
                else output.key
            )
            source = by_key[key]
            parent = (output.headers["traceparent"] or b"").decode()
            assert parent.split("-")[1] == trace_id(source["index"]), (key, parent)
            assert output.headers["tracestate"] == f"vendor={source['codec']}".encode()

    def test_cloudevents_headers(self, codec_run: tuple) -> None:
        """Binary-mode CloudEvents attributes on every output, as the contract lists them."""
        _, outputs, _, topics = codec_run
        for output in outputs:
            h = output.headers
            assert h["ce_specversion"] == b"1.0"
            assert h["ce_source"] == b"/entity-service"
            assert h["content-type"] == b"application/json"
            assert h["ce_time"] and h["ce_time"].endswith(b"Z")
            if output.topic == topics.output:
                assert h["ce_type"] == b"org.entityservice.article-record.v1"
                assert h["ce_id"] == str(output.value["record_id"]).encode()
            else:
                assert h["ce_type"] == b"org.entityservice.dead-letter.v1"
                assert h["error-type"] == b"not_json"
                assert h["ce_id"] and h["ce_id"].startswith(b"dl-")
        ids = [o.headers["ce_id"] for o in outputs]
        assert len(set(ids)) == len(ids)

    def test_dead_letters_keep_the_original_and_its_offset(self, codec_run: tuple) -> None:
        """A dead letter names the input topic, partition and offset of its message."""
        _, outputs, _, topics = codec_run
        for output in outputs:
            if output.topic == topics.dlq:
                assert output.value["original"] == "{not json"
                assert output.value["topic"] == topics.input
                assert isinstance(output.value["offset"], int)

    def test_readyz_stays_200(self, codec_run: tuple) -> None:
        """/readyz answered 200 all along: compressed input never stalls the service."""
        _, _, statuses, _ = codec_run
        assert statuses and set(statuses) == {200}
