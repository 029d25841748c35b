"""A partition the consumer cannot read: visible, bounded, and nothing lost or committed past.

The team's proxy spoils the Fetch responses of one input partition for real (a record batch
with a bad CRC, which aiokafka rejects with CorruptRecordException; or a
TOPIC_AUTHORIZATION_FAILED error), while the service, a real Prometheus with our alert rules,
and librdkafka producers run around it.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from confluent_kafka import Producer
from fault_support import FAST
from proxy import KafkaProxy
from support import ServiceProcess, Topics, article, create_topics, read_until
from test_prometheus import PrometheusServer, wait_for

from service.kafka.broker import EmbeddedBroker, free_port

STALL_TIMEOUT_S = 8.0
ALERT = "EntityServicePartitionStalled"


@dataclass
class Stack:
    bootstrap: str
    proxy: KafkaProxy
    service: ServiceProcess
    prometheus: PrometheusServer
    topics: Topics


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A broker behind the proxy, the service (stall timeout 8 s), a Prometheus scraping it."""
    broker_port = free_port()
    proxy = KafkaProxy(broker_port).start()
    broker = EmbeddedBroker(port=broker_port, advertised_port=proxy.port)
    broker.start()
    bootstrap = f"127.0.0.1:{proxy.port}"
    topics = Topics.fresh()
    create_topics(bootstrap, topics)
    env = {**FAST, "ENTITY_STALL_TIMEOUT_S": str(STALL_TIMEOUT_S), "ENTITY_LOG_LEVEL": "INFO"}
    service = ServiceProcess(bootstrap, topics, extra_env=env)
    prometheus = PrometheusServer(Path(tmp_path_factory.mktemp("prometheus")), [])
    try:
        service.start()
        prometheus.targets = [f"127.0.0.1:{service.metrics_port}"]
        prometheus.start()
        yield Stack(bootstrap, proxy, service, prometheus, topics)
    finally:
        proxy.accept_fetch()
        prometheus.stop()
        service.stop()
        broker.stop()
        proxy.stop()


def produce(bootstrap: str, topic: str, messages: list[tuple[int, bytes, bytes]]) -> None:
    """librdkafka, to explicit partitions."""
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": False})
    for partition, key, value in messages:
        producer.produce(topic, value, key=key, partition=partition)
    assert producer.flush(30) == 0


async def _committed(bootstrap: str, topics: Topics, partition: int) -> int | None:
    """The group's committed offset, asked of the coordinator (no fetch of the partition)."""
    group = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=topics.group)
    await group.start()
    try:
        return await group.committed(TopicPartition(topics.input, partition))  # type: ignore[no-any-return]
    finally:
        await group.stop()


def committed(stack: Stack, partition: int) -> int | None:
    return asyncio.run(_committed(stack.bootstrap, stack.topics, partition))


def outputs(stack: Stack, expected: set[str], timeout: float) -> list[str]:
    """Article ids of the records read from the output topic, once `expected` are all there."""
    received = asyncio.run(
        read_until(
            stack.bootstrap,
            [stack.topics.output],
            lambda got: {str(r.value["article_id"]) for r in got} >= expected,
            timeout=timeout,
            settle=1.0,
        )
    )
    return sorted(str(r.value["article_id"]) for r in received)


def stalled_series(stack: Stack, partition: int) -> dict[str, float]:
    """reason -> value of this service's entity_consumer_partition_stalled for the partition."""
    _, body = stack.service.get("/metrics")
    pattern = re.compile(
        r"^entity_consumer_partition_stalled\{(?P<labels>[^}]*)\} (?P<value>\S+)$", re.M
    )
    found = {}
    for match in pattern.finditer(body.decode()):
        labels = dict(re.findall(r'(\w+)="([^"]*)"', match["labels"]))
        if labels["topic"] == stack.topics.input and labels["partition"] == str(partition):
            found[labels["reason"]] = float(match["value"])
    return found


def firing(stack: Stack, partition: int) -> list[float]:
    expr = f'ALERTS{{alertname="{ALERT}", alertstate="firing", partition="{partition}"}}'
    return stack.prometheus.values(expr)


@pytest.mark.parametrize(
    ("partition", "how", "reason"),
    [
        (1, "crc", "corrupt_record"),
        (2, "auth", "topic_authorization_failed"),
    ],
)
def test_stalled_partition_turns_readyz_and_recovers(
    stack: Stack, partition: int, how: str, reason: str
) -> None:
    """503 within the stall timeout, the alert fires, others flow; once readable: 200, all out."""
    assert stack.service.get("/readyz")[0] == 200
    tag = f"{how}-{partition}"
    stuck = [
        article(f"{tag}-stuck-{i}", f"Officials in Lima met envoys on Monday ({i}).")
        for i in range(3)
    ]
    free = [
        article(f"{tag}-free-{p}", f"Farmers in Ontario protested on Tuesday ({p}).")
        for p in range(4)
        if p != partition
    ]
    before = committed(stack, partition) or 0
    stack.proxy.reject_fetch(stack.topics.input, partition, how)
    produce(
        stack.bootstrap,
        stack.topics.input,
        [(partition, k, v) for k, v in stuck]
        + [
            (p, k, v)
            for p, (k, v) in zip([p for p in range(4) if p != partition], free, strict=True)
        ],
    )
    # The other partitions are not held up by the one that cannot be read.
    free_ids = {k.decode() for k, _ in free}
    assert set(outputs(stack, free_ids, timeout=60)) >= free_ids
    published = time.monotonic()
    wait_for(
        "/readyz to answer 503",
        lambda: stack.service.get("/readyz")[0] == 503,
        timeout=STALL_TIMEOUT_S + 15,
    )
    waited = time.monotonic() - published
    assert stalled_series(stack, partition).get(reason) == 1.0, stack.service.log()
    assert stack.proxy.fetches_rejected > 0
    log = stack.service.log(200_000)
    assert f"cannot read {stack.topics.input} partition {partition} at offset {before}" in log
    assert f"partition {partition} stalled" in log
    wait_for(
        f"{ALERT} to fire in Prometheus", lambda: firing(stack, partition) == [1.0], timeout=30
    )
    # Nothing was committed past the batch that could not be read.
    assert (committed(stack, partition) or 0) == before
    stack.proxy.accept_fetch()
    wait_for(
        "/readyz to answer 200 again", lambda: stack.service.get("/readyz")[0] == 200, timeout=60
    )
    ids = outputs(stack, {k.decode() for k, _ in stuck + free}, timeout=60)
    mine = [i for i in ids if i.startswith(tag)]
    assert sorted(mine) == sorted(k.decode() for k, _ in stuck + free)  # each exactly once
    wait_for(
        "the commit to pass the three records",
        lambda: committed(stack, partition) == before + 3,
        timeout=30,
    )
    assert stalled_series(stack, partition).get(reason) == 0.0
    print(f"{how}: /readyz 503 after {waited:.1f}s (stall timeout {STALL_TIMEOUT_S}s)")  # noqa: T201
