"""A record batch no client can decode becomes one dead letter; its partition reads on.

On the real broker, one partition holds a good article, then a zstd batch of two records whose
payload is garbage but whose CRC32C checks (produced with a hand-built Produce request, as a
broken producer would send it), then another good article. All three are stored before the
service starts, so a single fetch holds them: the good records come out, the batch becomes
exactly one `undecodable_batch` dead letter at its base offset, /readyz stays 200 and the
committed offset ends past all three.
"""

from __future__ import annotations

import asyncio
import base64
import re
import struct
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.protocol.produce import ProduceRequest
from fault_support import FAST
from recordbatches import batch, garbage_payload
from support import Received, ServiceProcess, Topics, article, read_until
from test_prometheus import wait_for
from test_stalled_partition import _committed

PARTITION = 0
STALL_TIMEOUT_S = 6.0


def garbage_batch(records: int) -> bytes:
    """A zstd v2 batch whose payload is no zstd frame, its CRC32C recomputed to match."""
    return garbage_payload(batch(0, records, "zstd"))


async def _produce(bootstrap: str, topic: str, good: list[tuple[bytes, bytes]], bad: bytes) -> None:
    """good[0], the bad batch (raw, as a broken producer sends it), good[1]: one partition."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False)
    await producer.start()
    try:
        key, value = good[0]
        await producer.send_and_wait(topic, value, key=key, partition=PARTITION)
        client = producer.client
        leader = client.cluster.leader_for_partition(TopicPartition(topic, PARTITION))
        response = await client.send(
            leader, ProduceRequest(None, -1, 10_000, [(topic, [(PARTITION, bad)])])
        )
        ((_, ((_, error_code, *_),)),) = response.topics
        assert error_code == 0, response
        key, value = good[1]
        await producer.send_and_wait(topic, value, key=key, partition=PARTITION)
    finally:
        await producer.stop()


class Readiness:
    """Polls /readyz in a thread from start to stop, keeping every answer that was not 200."""

    def __init__(self, service: ServiceProcess) -> None:
        self.service = service
        self.not_ready: list[int] = []
        self.polls = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            status = self.service.get("/readyz")[0]
            self.polls += 1
            if status != 200:
                self.not_ready.append(status)

    def __enter__(self) -> Readiness:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


@pytest.fixture
def service(kafka: str, topics: Topics) -> Iterator[ServiceProcess]:
    good = [
        article("ub-before", "Farmers in Ontario protested new tariffs on Tuesday."),
        article("ub-after", "Officials in Lima met envoys from Chile on Monday."),
    ]
    asyncio.run(_produce(kafka, topics.input, good, garbage_batch(records=2)))
    env = {**FAST, "ENTITY_STALL_TIMEOUT_S": str(STALL_TIMEOUT_S), "ENTITY_LOG_LEVEL": "INFO"}
    service = ServiceProcess(kafka, topics, extra_env=env).start()
    try:
        yield service
    finally:
        service.stop()


def dead_letter_count(service: ServiceProcess) -> float:
    _, body = service.get("/metrics")
    match = re.search(
        r'^entity_dead_letters_total\{error_type="undecodable_batch"\} (\S+)$', body.decode(), re.M
    )
    return float(match.group(1)) if match else -1.0


def test_garbage_batch_becomes_one_dead_letter_and_the_partition_reads_on(
    kafka: str, topics: Topics, service: ServiceProcess
) -> None:
    """Offsets 0 (good), 1..2 (garbage), 3 (good): two records, one dead letter, commit 4."""
    with Readiness(service) as readiness:

        def complete(got: list[Received]) -> bool:
            ids = {r.value.get("article_id") for r in got if r.topic == topics.output}
            return ids >= {"ub-before", "ub-after"} and any(r.topic == topics.dlq for r in got)

        received = asyncio.run(
            read_until(kafka, [topics.output, topics.dlq], complete, timeout=90, settle=2.0)
        )
        wait_for(
            "the commit past all three",
            lambda: asyncio.run(_committed(kafka, topics, PARTITION)) == 4,
            timeout=30,
        )
        time.sleep(2 * STALL_TIMEOUT_S)  # watch past the stall timeout: nothing waits any more
    records = sorted(str(r.value["article_id"]) for r in received if r.topic == topics.output)
    assert records == ["ub-after", "ub-before"]
    (dead,) = [r for r in received if r.topic == topics.dlq]
    letter: dict[str, Any] = dead.value
    assert letter["error"]["type"] == "undecodable_batch"
    assert "offsets 1..2 (2 records, zstd)" in str(letter["error"]["message"])
    assert (letter["topic"], letter["partition"], letter["offset"]) == (topics.input, 0, 1)
    assert letter["article_id"] is None and dead.key is None
    stored = base64.b64decode(str(letter["original"]))
    assert struct.unpack_from(">q", stored)[0] == 1  # the broker's base offset
    assert stored[16:] == garbage_batch(records=2)[16:]  # magic, CRC and all it covers
    assert letter["original_size"] == len(stored)
    assert dead.headers["error-type"] == b"undecodable_batch"
    assert dead.headers["ce_id"].startswith(b"dl-") and "traceparent" not in dead.headers
    assert readiness.polls > 0 and readiness.not_ready == [], readiness.not_ready
    assert dead_letter_count(service) == 1.0
    log = service.log(200_000)
    assert f"{topics.input} partition 0: record batch at offsets 1..2 cannot be decoded" in log
