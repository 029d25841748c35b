"""What the fault-injection tests share: short articles, a paced feeder, the ledger of outputs."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from support import Received, Topics, article, collect, publish_async, read_until

SENTENCES = (
    "Officials in Nairobi met envoys from Uganda on Monday to discuss trade.",
    "The mayor of Lisbon opened a new tram line on Tuesday, the city said.",
    "Farmers in Ontario protested against higher fuel taxes on Wednesday.",
    "Police in Manila arrested two suspects after a robbery, officials said.",
)

#: Short timeouts so a fault is noticed in seconds, not in the production defaults' minutes.
FAST = {
    "ENTITY_SESSION_TIMEOUT_MS": "6000",
    "ENTITY_HEARTBEAT_INTERVAL_MS": "1000",
    "ENTITY_REBALANCE_TIMEOUT_MS": "6000",
    "ENTITY_DRAIN_TIMEOUT_S": "15",
    "ENTITY_PUBLISH_RETRY_INITIAL_S": "0.2",
    "ENTITY_PUBLISH_RETRY_MAX_S": "2",
}


def short_articles(prefix: str, count: int) -> list[tuple[bytes, bytes]]:
    """`count` one-line English articles (language given, so detection cannot vary)."""
    return [
        article(f"{prefix}-{i}", f"{SENTENCES[i % len(SENTENCES)]} Report {i}.", language="en")
        for i in range(count)
    ]


class Feeder(threading.Thread):
    """Publishes messages in slices at a steady pace, so a fault lands mid-stream."""

    def __init__(
        self,
        bootstrap: str,
        topic: str,
        messages: Sequence[tuple[bytes | None, bytes]],
        *,
        per_second: float,
        slice_size: int = 25,
    ) -> None:
        super().__init__(daemon=True)
        self.bootstrap, self.topic, self.messages = bootstrap, topic, messages
        self.interval = slice_size / per_second
        self.slice_size = slice_size
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            asyncio.run(self._feed())
        except BaseException as exc:  # reported by finish()
            self.error = exc

    async def _feed(self) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, enable_idempotence=False)
        await producer.start()
        try:
            for start in range(0, len(self.messages), self.slice_size):
                futures = [
                    await producer.send(self.topic, value, key=key)
                    for key, value in self.messages[start : start + self.slice_size]
                ]
                await asyncio.gather(*futures)
                await asyncio.sleep(self.interval)
        finally:
            await producer.stop()

    def finish(self, timeout: float = 120.0) -> None:
        self.join(timeout)
        assert not self.is_alive(), "the feeder did not finish"
        assert self.error is None, f"the feeder failed: {self.error!r}"


@dataclass
class Ledger:
    """Every output read back, checked against the ids that were published."""

    expected: set[str]
    topics: Topics
    expected_dead: dict[str, str] = field(default_factory=dict)  # article id -> error.type
    received: list[Received] = field(default_factory=list)

    def seen(self) -> set[str]:
        return {self.article_id(r) for r in self.received}

    def article_id(self, item: Received) -> str:
        if item.topic == self.topics.output:
            return str(item.value["article_id"])
        return (item.key or b"").decode("utf-8", "replace")

    def counts(self) -> dict[str, int]:
        records = {
            str(r.value["record_id"]) for r in self.received if r.topic == self.topics.output
        }
        dead = {r.key for r in self.received if r.topic == self.topics.dlq}
        return {
            "published": len(self.expected),
            "records": len(records),
            "dead_letters": len(dead),
            "duplicates": len(self.received) - len(records) - len(dead),
            "lost": len(self.expected - self.seen()),
        }

    def line(self) -> str:
        return " ".join(f"{name}={value}" for name, value in self.counts().items())

    def check(self) -> None:
        """Nothing lost, nothing twice under two ids, no dead letter that should not be."""
        counts, line = self.counts(), self.line()
        assert counts["lost"] == 0, f"{line}; lost e.g. {sorted(self.expected - self.seen())[:5]}"
        assert self.seen() <= self.expected, f"{line}; unknown ids {self.seen() - self.expected}"
        ids: defaultdict[str, set[str]] = defaultdict(set)
        for item in self.received:
            if item.topic == self.topics.output:
                ids[str(item.value["article_id"])].add(str(item.value["record_id"]))
        twice = {k: v for k, v in ids.items() if len(v) > 1}
        assert not twice, f"{line}; an article got two record ids: {twice}"
        dead = {
            self.article_id(r): str(r.value["error"]["type"])  # type: ignore[index]
            for r in self.received
            if r.topic == self.topics.dlq
        }
        assert dead == self.expected_dead, f"{line}; unexpected dead letters {dead}"
        both = set(ids) & set(dead)
        assert not both, f"{line}; both a record and a dead letter: {both}"


def report(capsys: pytest.CaptureFixture[str], name: str, ledger: Ledger) -> None:
    """The counts on the terminal, whether or not pytest captures output."""
    with capsys.disabled():
        print(f"\n[{name}] {ledger.line()}")  # noqa: T201  # the issue asks for printed counts


def read_all(bootstrap: str, ledger: Ledger, timeout: float = 120.0, settle: float = 2.0) -> None:
    """Both output topics from the start until every expected id showed up (then `settle` s)."""

    def every_id_seen(received: list[Received]) -> bool:
        return ledger.expected <= {ledger.article_id(item) for item in received}

    topics = [ledger.topics.output, ledger.topics.dlq]
    ledger.received[:] = asyncio.run(read_until(bootstrap, topics, every_id_seen, timeout, settle))


def wait_for_outputs(bootstrap: str, topics: Topics, count: int, timeout: float = 90.0) -> int:
    """Block until at least `count` outputs were published; returns how many were read.

    Counted by reading, not by end offsets: Tansu reports a partition's end as the last
    record batch's base offset + 1, not past its last record.
    """
    done = len(collect(bootstrap, [topics.output, topics.dlq], count, timeout=timeout))
    if done < count:
        raise TimeoutError(f"only {done} of {count} outputs after {timeout}s")
    return done


async def _offsets(bootstrap: str, topics: Topics) -> dict[int, tuple[int | None, int]]:
    consumer = AIOKafkaConsumer(
        topics.input,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=8_000_000,
    )
    await consumer.start()
    ends: dict[int, int] = {}
    try:
        quiet_until = time.monotonic() + 3.0
        while time.monotonic() < quiet_until:
            batch = await consumer.getmany(timeout_ms=300)
            for tp, records in batch.items():
                ends[tp.partition] = max(ends.get(tp.partition, 0), records[-1].offset + 1)
                quiet_until = time.monotonic() + 1.0
    finally:
        await consumer.stop()
    group = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=topics.group)
    await group.start()
    try:
        return {
            p: (await group.committed(TopicPartition(topics.input, p)), end)
            for p, end in sorted(ends.items())
        }
    finally:
        await group.stop()


def committed_vs_end(bootstrap: str, topics: Topics) -> dict[int, tuple[int | None, int]]:
    """Per input partition: the group's committed offset and the offset after its last record."""
    return asyncio.run(_offsets(bootstrap, topics))


def wait_caught_up(
    bootstrap: str, topics: Topics, timeout: float = 30.0
) -> dict[int, tuple[int | None, int]]:
    """Until the group committed every input partition to its end (the consumer kept its place)."""
    deadline = time.monotonic() + timeout
    offsets = committed_vs_end(bootstrap, topics)
    while time.monotonic() < deadline:
        if all((committed or 0) == end for committed, end in offsets.values()):
            break
        time.sleep(0.5)
        offsets = committed_vs_end(bootstrap, topics)
    return offsets


def still_serving(bootstrap: str, topics: Topics, ledger: Ledger) -> None:
    """One more article after the fault becomes a record: the service is still serving."""
    late = article("late-after-fault", f"{SENTENCES[0]} Late report.", language="en")
    asyncio.run(publish_async(bootstrap, topics.input, [late]))
    ledger.expected.add("late-after-fault")
    read_all(bootstrap, ledger, timeout=60)
    assert "late-after-fault" in ledger.seen(), f"{ledger.line()}; the late article never came"


def error_types(received: Sequence[Received], dlq: str) -> Counter[str]:
    return Counter(str(r.value["error"]["type"]) for r in received if r.topic == dlq)  # type: ignore[index]
