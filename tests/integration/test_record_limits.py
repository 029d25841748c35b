"""Issue 23 on the real broker: every output fits its topic, and no publish is retried forever.

A valid article whose record is over ENTITY_MAX_RECORD_BYTES comes out shrunk and marked
`truncated`, and the articles behind it on its partition come out; a producer limit lowered on
purpose makes a record_too_large dead letter at once, not a retry loop; an output topic that
keeps failing reports the partition stalled (/readyz 503, the metric) until it heals.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from fault_support import FAST, Ledger, read_all, report, short_articles
from proxy import KafkaProxy
from support import ServiceProcess, Topics, article, create_topics, publish

from service.kafka.broker import EmbeddedBroker, free_port

PARTIES = (
    "Russian forces",
    "Ukrainian troops",
    "Hamas fighters",
    "the Syrian army",
    "Boko Haram",
    "Houthi rebels",
    "Nigerian soldiers",
    "Sudanese police",
)
PLACES = ("Kharkiv", "Gaza", "Aleppo", "Maiduguri", "Khartoum", "Sanaa", "Donetsk", "Idlib")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def casualty_list(count: int) -> str:
    """A long report of one-sentence attacks, different parties, places and days."""
    return " ".join(
        f"{PARTIES[i % 8]} attacked {PARTIES[(i * 3 + 1) % 8]} in {PLACES[(i // 8) % 8]} "
        f"on {DAYS[i % 7]}, killing {i % 50 + 2}."
        for i in range(count)
    )


def _ids(messages: list[tuple[bytes, bytes]]) -> set[str]:
    return {key.decode() for key, _ in messages}


@pytest.fixture
def one_partition(kafka: str) -> Topics:
    """Fresh topics of one partition: what is behind the large article waits for it."""
    names = Topics.fresh()
    create_topics(kafka, names, partitions=1)
    return names


class TestBoundedRecord:
    def test_a_record_over_the_limit_comes_out_truncated_and_the_partition_flows(
        self, kafka: str, one_partition: Topics, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A record over the limit is published shrunk, marked truncated; the rest follows."""
        topics = one_partition
        limit = 200_000
        service = ServiceProcess(
            kafka, topics, extra_env={**FAST, "ENTITY_MAX_RECORD_BYTES": str(limit)}
        ).start()
        try:
            before, after = short_articles("lim-a", 3), short_articles("lim-b", 10)
            large = article("casualties", casualty_list(900), language="en")
            messages = [*before, large, *after]
            ledger = Ledger(_ids(messages), topics)
            started = time.monotonic()
            publish(kafka, topics.input, messages)
            read_all(kafka, ledger, timeout=120)
            took = time.monotonic() - started
            report(capsys, f"bounded-record ({took:.1f}s)", ledger)
            ledger.check()
            [record] = [
                r.value
                for r in ledger.received
                if r.topic == topics.output and r.value["article_id"] == "casualties"
            ]
            truncated = record["truncated"]
            assert isinstance(truncated, dict) and truncated["events"] > 0, truncated
            assert len(record["events"]) > 0  # type: ignore[arg-type]
            assert ledger.counts()["records"] == len(messages), ledger.line()
            others = [r.value for r in ledger.received if r.value is not record]
            assert all("truncated" not in value for value in others)
        finally:
            service.stop()


class TestProducerLimit:
    def test_a_producer_limit_lowered_on_purpose_yields_a_dead_letter_not_a_retry_loop(
        self, kafka: str, one_partition: Topics, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The producer refuses the record as too large: record_too_large at once, naming sizes."""
        topics = one_partition
        env = {**FAST, "ENTITY_KAFKA_MAX_REQUEST_SIZE": "60000"}
        service = ServiceProcess(kafka, topics, extra_env=env).start()
        try:
            before, after = short_articles("req-a", 3), short_articles("req-b", 10)
            large = article("casualties", casualty_list(300), language="en")
            messages = [*before, large, *after]
            ledger = Ledger(
                _ids(messages), topics, expected_dead={"casualties": "record_too_large"}
            )
            publish(kafka, topics.input, messages)
            read_all(kafka, ledger, timeout=120)
            report(capsys, "producer-limit", ledger)
            ledger.check()
            [letter] = [r.value for r in ledger.received if r.topic == topics.dlq]
            message = str(letter["error"]["message"])  # type: ignore[index]
            sizes = [int(n) for n in re.findall(r"(\d+) bytes", message)]
            assert sizes and sizes[0] > 60_000 and "60000" in message, message
            log = service.log(500_000)
            assert "outputs failed" not in log, "the refused record was retried"
            assert "may refuse records near the limit" in log
        finally:
            service.stop()


@pytest.fixture(scope="module")
def proxied() -> Iterator[tuple[str, KafkaProxy]]:
    """A broker of its own that advertises a proxy's port, so every client goes through it."""
    broker_port = free_port()
    proxy = KafkaProxy(broker_port).start()
    broker = EmbeddedBroker(port=broker_port, advertised_port=proxy.port)
    try:
        broker.start()
        yield f"127.0.0.1:{proxy.port}", proxy
    finally:
        broker.stop()
        proxy.stop()


def _stalled(service: ServiceProcess, topic: str) -> dict[str, float]:
    """reason -> value of entity_consumer_partition_stalled for the input topic's partition 0."""
    _, body = service.get("/metrics")
    found = {}
    for labels, value in re.findall(
        r"^entity_consumer_partition_stalled\{([^}]*)\} (\S+)$", body.decode(), re.M
    ):
        named = dict(re.findall(r'(\w+)="([^"]*)"', labels))
        if named["topic"] == topic and named["partition"] == "0":
            found[named["reason"]] = float(value)
    return found


def _wait(check: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.5)
    return False


class TestTransientBound:
    def test_an_output_that_keeps_failing_stalls_the_partition_until_it_heals(
        self, proxied: tuple[str, KafkaProxy], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Past the retry bound: /readyz 503 and the publish_failed metric; then all come out."""
        bootstrap, proxy = proxied
        topics = Topics.fresh()
        create_topics(bootstrap, topics, partitions=1)
        messages = short_articles("stuck", 40)
        ledger = Ledger(_ids(messages), topics)
        env = {**FAST, "ENTITY_MAX_POLL_INTERVAL_MS": "10000", "ENTITY_BATCH_TIME_BUDGET_S": "4"}
        service = ServiceProcess(bootstrap, topics, extra_env=env).start()
        try:
            proxy.fail_produce(topics.output, seconds=120.0)
            publish(bootstrap, topics.input, messages)
            stalled = _wait(lambda: service.get("/readyz")[0] == 503, timeout=60)
            assert stalled, f"/readyz never answered 503: {service.log()}"
            assert _stalled(service, topics.input).get("publish_failed") == 1
            assert "its outputs could not be published" in service.log(500_000)
            proxy.fail_produce(topics.output, seconds=0)
            read_all(bootstrap, ledger, timeout=120)
            report(capsys, "publish-stall", ledger)
            ledger.check()
            healed = _wait(lambda: service.get("/readyz")[0] == 200, timeout=30)
            assert healed, "/readyz stayed 503 after the outputs were published"
            assert _stalled(service, topics.input).get("publish_failed") == 0
        finally:
            proxy.fail_produce(topics.output, seconds=0)
            service.stop()
