"""Issue 4, nothing lost: crash, graceful stop, cut connections, rebalance, failing output, poison.

Each test publishes a known set of ids, injects its fault, lets the service finish, reads both
output topics and checks with the Ledger: every id once as a record or dead letter after
de-duplication, no unexpected dead letter, and the service still serving. Counts are printed.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from fault_support import (
    FAST,
    Feeder,
    Ledger,
    read_all,
    report,
    short_articles,
    still_serving,
    wait_caught_up,
    wait_for_outputs,
)
from proxy import KafkaProxy
from support import ServiceProcess, Topics, article, create_topics, publish

from service.kafka.broker import EmbeddedBroker, free_port


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


def _ids(messages: list[tuple[bytes, bytes]]) -> set[str]:
    return {key.decode() for key, _ in messages}


#: The service's default layout on 2 cores: one consumer, two pipelines sharing its polls
#: (service/runtime/pool.py).
TWO_PIPELINES = {"ENTITY_WORKER_PIPELINES": "2"}
#: One pipeline behind the worker's consumer, or the default layout.
PIPELINES = pytest.mark.parametrize(
    "pipelines", [{}, TWO_PIPELINES], ids=["one-pipeline", "two-pipelines"]
)


class TestCrash:
    def test_kill_9_mid_stream_loses_nothing(
        self, kafka: str, topics: Topics, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """kill -9 of supervisor and workers mid-stream, then a restart: every id comes out
        (in the default layout: polls handed out while the last pieces of others parse)."""
        messages = short_articles("crash", 2500)
        publish(kafka, topics.input, messages)
        ledger = Ledger(_ids(messages), topics)
        env = {**FAST, **TWO_PIPELINES}
        service = ServiceProcess(kafka, topics, extra_env=env, own_group=True).start()
        try:
            done = wait_for_outputs(kafka, topics, len(messages) // 3)
            service.kill()
            assert done < len(messages), "the stream ended before the crash"
            service = ServiceProcess(kafka, topics, extra_env=env, own_group=True).start()
            read_all(kafka, ledger, timeout=150)
            report(capsys, "crash", ledger)
            ledger.check()
            still_serving(kafka, topics, ledger)
        finally:
            service.stop()


class TestGracefulStop:
    @PIPELINES
    def test_sigterm_finishes_and_commits_the_batch_in_flight(
        self,
        kafka: str,
        topics: Topics,
        capsys: pytest.CaptureFixture[str],
        pipelines: dict[str, str],
        tmp_path: Path,
    ) -> None:
        """SIGTERM mid-stream drains within the timeout; after restart nothing comes twice."""
        messages = short_articles("drain", 1500)
        publish(kafka, topics.input, messages)
        ledger = Ledger(_ids(messages), topics)
        drain_s = float(FAST["ENTITY_DRAIN_TIMEOUT_S"])
        env = {**FAST, **pipelines, "TMPDIR": str(tmp_path)}
        service = ServiceProcess(kafka, topics, extra_env=env).start()
        try:
            wait_for_outputs(kafka, topics, len(messages) // 4)
            assert list(tmp_path.glob("entity-metrics-*/*.db")), "no metrics folder in TMPDIR"
            started = time.monotonic()
            code = service.stop(signal.SIGTERM)
            took = time.monotonic() - started
            assert code == 0, service.log()
            assert took < drain_s + 5, f"stopping took {took:.1f}s, drain timeout {drain_s}s"
            log = service.log(500_000)
            assert "did not drain" not in log
            assert "draining workers" in log, log[-2000:]
            drained = log[log.index("draining workers") :]
            assert "Processed" in drained, "no batch was in flight and finished after SIGTERM"
            left = sorted(p.name for p in tmp_path.glob("entity-metrics-*"))
            assert not left, f"the stopped service left its metrics folder behind: {left}"
            service = ServiceProcess(kafka, topics, extra_env=env).start()
            read_all(kafka, ledger, timeout=120, settle=3)
            report(capsys, "graceful-stop", ledger)
            ledger.check()
            assert ledger.counts()["duplicates"] == 0, ledger.line()
            still_serving(kafka, topics, ledger)
        finally:
            service.stop()


class TestConnectionCut:
    def test_service_reconnects_after_two_cuts(
        self, proxied: tuple[str, KafkaProxy], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """All connections dropped for a few seconds, twice: the service reconnects by itself."""
        bootstrap, proxy = proxied
        topics = Topics.fresh()
        create_topics(bootstrap, topics)
        messages = short_articles("cut", 1500)
        publish(bootstrap, topics.input, messages)
        ledger = Ledger(_ids(messages), topics)
        service = ServiceProcess(bootstrap, topics, extra_env=FAST).start()
        try:
            done = wait_for_outputs(bootstrap, topics, 200)
            assert done < len(messages), "the stream ended before the first cut"
            for _ in range(2):
                proxy.cut(4.0)
                time.sleep(5.0)
            cut = proxy.connections_cut
            read_all(bootstrap, ledger, timeout=150)
            report(capsys, "connection-cut", ledger)
            assert cut >= 2, f"the cuts dropped {cut} connections"
            ledger.check()
            still_serving(bootstrap, topics, ledger)
        finally:
            service.stop()


class TestRebalance:
    def test_second_instance_joins_then_leaves(
        self, kafka: str, topics: Topics, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A second replica joins mid-stream and leaves again: nothing lost, same record ids."""
        messages = short_articles("rebalance", 2000)
        ledger = Ledger(_ids(messages), topics)
        first = ServiceProcess(kafka, topics, extra_env=FAST).start()
        second: ServiceProcess | None = None
        feeder = Feeder(kafka, topics.input, messages, per_second=60)
        try:
            feeder.start()
            wait_for_outputs(kafka, topics, 150)
            second = ServiceProcess(kafka, topics, extra_env=FAST).start()
            joined_mid_stream = feeder.is_alive()
            time.sleep(4.0)
            assert second.stop() == 0, second.log()
            left_mid_stream = feeder.is_alive()
            feeder.finish()
            assert joined_mid_stream and left_mid_stream, "the input stream ended too early"
            read_all(kafka, ledger, timeout=120)
            report(capsys, "rebalance", ledger)
            ledger.check()
            assigned = re.search(r"newly assigned partitions \{TopicPartition", second.log(200_000))
            assert assigned, "the second replica never got a partition"
            still_serving(kafka, topics, ledger)
        finally:
            if second is not None:
                second.stop()
            first.stop()


_RETRY = re.compile(r"publishing \d+ of \d+ outputs failed .*; retry (\d+) in ([\d.]+)s")


class TestOutputFailure:
    def test_failed_publish_is_retried_with_backoff_and_not_committed(
        self, proxied: tuple[str, KafkaProxy], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Output produce fails for 8 s: retries back off, the batch is re-read, none skipped."""
        bootstrap, proxy = proxied
        topics = Topics.fresh()
        create_topics(bootstrap, topics)
        messages = short_articles("outfail", 300)
        ledger = Ledger(_ids(messages), topics)
        env = {**FAST, "ENTITY_MAX_POLL_INTERVAL_MS": "10000", "ENTITY_BATCH_TIME_BUDGET_S": "4"}
        service = ServiceProcess(bootstrap, topics, extra_env=env).start()
        try:
            proxy.fail_produce(topics.output, seconds=8.0)
            publish(bootstrap, topics.input, messages)
            read_all(bootstrap, ledger, timeout=120)
            report(capsys, "output-failure", ledger)
            ledger.check()
            log = service.log(500_000)
            delays = [float(d) for n, d in _RETRY.findall(log) if int(n) <= 4]
            assert proxy.produces_failed > 0, "the proxy never failed a produce"
            assert len(delays) >= 4, f"expected retries in the log, saw {delays}"
            assert all(b > a for a, b in zip(delays[:4], delays[1:4], strict=False)), delays
            assert "the batch will be re-read" in log, "the give-up path was not exercised"
            offsets = wait_caught_up(bootstrap, topics)
            assert all((c or 0) == end for c, end in offsets.values()), offsets
            still_serving(bootstrap, topics, ledger)
        finally:
            proxy.fail_produce(topics.output, seconds=0)
            service.stop()


class TestPoisonPill:
    def test_oversized_articles_become_dead_letters_and_the_rest_flows(
        self, kafka: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Several MB and far too long articles are dead letters; the rest of the batch flows.

        A tiny time budget also splits every batch after its first slice: what was published is
        committed exactly (no duplicate), the rest re-read (none lost).
        """
        topics = Topics.fresh()
        create_topics(kafka, topics, partitions=1)  # one partition: the poison shares a batch
        before, after = short_articles("poison-a", 30), short_articles("poison-b", 30)
        huge = ("The council met again. " * 140_000)[:3_000_000]  # ~3 MB > message limit
        long = ("Talks resumed in Geneva on Monday. " * 8_000)[:250_000]  # > text limit
        poison = [
            (b"poison-huge", orjson.dumps({"id": "poison-huge", "text": huge})),
            article("poison-long", long, language="en"),
        ]
        messages = before + poison + after
        publish(kafka, topics.input, messages)
        expected_dead = {"poison-huge": "message_too_large", "poison-long": "text_too_long"}
        ledger = Ledger(_ids(messages), topics, expected_dead=expected_dead)
        env = {**FAST, "ENTITY_BATCH_TIME_BUDGET_S": "0.01"}
        service = ServiceProcess(kafka, topics, extra_env=env).start()
        try:
            read_all(kafka, ledger, timeout=120)
            report(capsys, "poison-pill", ledger)
            ledger.check()
            assert ledger.counts()["duplicates"] == 0, ledger.line()
            assert "time budget" in service.log(200_000), "no batch was split"
            offsets = wait_caught_up(kafka, topics)
            assert all((c or 0) == end for c, end in offsets.values()), offsets
            still_serving(kafka, topics, ledger)
        finally:
            service.stop()
