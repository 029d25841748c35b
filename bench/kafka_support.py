"""What the Kafka benchmarks share: fresh topics, a paced publisher, an output collector, the
service as an operator starts it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import BenchArticle  # noqa: E402
from service.kafka import clients  # noqa: E402
from service.kafka.broker import free_port  # noqa: E402
from service.kafka.clients import TopicReader  # noqa: E402

__all__ = [
    "Collector",
    "Service",
    "committed_then_read",
    "fresh_topics",
    "publish",
    "rate_after",
]


class Collector:
    """Reads output topics from the start; remembers when each article id was first seen."""

    def __init__(self, bootstrap: str, topics: Sequence[str]) -> None:
        self.bootstrap = bootstrap
        self.topics = list(topics)
        self.first_seen: dict[str, float] = {}
        self.dead_letters = 0
        self.duplicates = 0
        self._task: asyncio.Task[None] | None = None
        self._reader: TopicReader | None = None

    async def start(self) -> None:
        self._reader = TopicReader(self.bootstrap, self.topics, fetch_max_wait_ms=50)
        await self._reader.__aenter__()
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        assert self._reader is not None
        while True:
            records = await self._reader.poll(timeout_ms=100)
            now = time.time()
            for record in records:
                if record.key:
                    article_id = record.key.decode()
                else:
                    article_id = str(orjson.loads(record.value or b"{}").get("id"))
                if record.topic == self.topics[-1] and len(self.topics) > 1:
                    self.dead_letters += 1
                if article_id in self.first_seen:
                    self.duplicates += 1
                else:
                    self.first_seen[article_id] = now

    async def wait_for(self, ids: Sequence[str], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(i in self.first_seen for i in ids):
                return True
            await asyncio.sleep(0.05)
        return False

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        if self._reader is not None:
            await self._reader.__aexit__(None, None, None)


async def publish(
    bootstrap: str, topic: str, corpus: Sequence[BenchArticle], rate: float | None = None
) -> dict[str, float]:
    """Publish the articles (at `rate` per second if given); returns each id's send time."""
    messages = [(article.id.encode(), article.message) for article in corpus]
    sent = await clients.publish(bootstrap, topic, messages, rate=rate)
    return {article.id: at for article, at in zip(corpus, sent, strict=True)}


def fresh_topics(tag: str) -> dict[str, str]:
    suffix = uuid.uuid4().hex[:8]
    return {
        "input": f"bench-{tag}-in-{suffix}",
        "output": f"bench-{tag}-out-{suffix}",
        "dlq": f"bench-{tag}-dlq-{suffix}",
        "group": f"bench-{tag}-{suffix}",
    }


def rate_after(
    seen: Mapping[str, float], corpus: Sequence[BenchArticle], t0: float
) -> tuple[int, int, float, int]:
    """Articles (and words) whose output landed after t0, the span to the last one, and how
    many landed before t0 (done while the service was still starting; excluded from both)."""
    words = {a.id: a.words for a in corpus}
    after = {i: t for i, t in seen.items() if i in words and t >= t0}
    before = sum(1 for i, t in seen.items() if i in words and t < t0)
    last = max(after.values(), default=t0)
    return len(after), sum(words[i] for i in after), last - t0, before


async def committed_then_read(
    bootstrap: str,
    topics: dict[str, str],
    count: int,
    partitions: int,
    timeout: float = 900.0,
) -> dict[str, float]:
    """Without a live reader: wait (one offset request a second) until the group committed
    every input, then read the outputs once; each output's time is its record timestamp
    (set by the service's producer, a few ms before a live reader would see it).

    A live reader on the bench's 2 cores takes CPU from the pipelines that the offline path,
    whose output is counted after its run, never pays (BENCHMARKS.md, issue 24). After
    `timeout` it returns what is there (the caller reports the run incomplete)."""
    deadline = time.monotonic() + timeout
    # the group's committed offsets through a consumer of that group that never joins it
    # (Tansu answers the admin client's OffsetFetch in a form aiokafka cannot read)
    probe = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=topics["group"],
                             enable_auto_commit=False)
    await probe.start()
    try:
        tps = {TopicPartition(topics["input"], p) for p in range(partitions)}
        while True:
            offsets = await probe._coordinator.fetch_committed_offsets(tps)
            if sum(meta.offset for meta in offsets.values() if meta.offset > 0) >= count:
                break
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(1.0)
    finally:
        await probe.stop()
    seen: dict[str, float] = {}
    async with TopicReader(bootstrap, [topics["output"], topics["dlq"]]) as reader:
        read_until = time.monotonic() + 60
        while len(seen) < count and time.monotonic() < read_until:
            for record in await reader.poll(timeout_ms=1000):
                key = record.key.decode() if record.key else str(len(seen))
                seen.setdefault(key, record.timestamp / 1000)
    return seen


class Service:
    """`entity-service run` with default settings, as an operator starts it."""

    def __init__(
        self, bootstrap: str, topics: dict[str, str], extra: dict[str, str], root: Path = ROOT
    ) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("ENTITY_")}
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        env.update(
            KAFKA_BOOTSTRAP_SERVERS=bootstrap,
            ENTITY_INPUT_TOPIC=topics["input"],
            ENTITY_OUTPUT_TOPIC=topics["output"],
            ENTITY_DLQ_TOPIC=topics["dlq"],
            ENTITY_GROUP_ID=topics["group"],
            ENTITY_LOG_LEVEL="WARNING",
            **extra,
        )
        self.log = tempfile.NamedTemporaryFile(
            prefix="bench-service-", suffix=".log", delete=False
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "run", "--metrics-port", str(self.port)],
            env=env, cwd=root, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def ready(self) -> bool:
        url = f"http://127.0.0.1:{self.port}/readyz"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return int(response.status) == 200
        except (OSError, urllib.error.HTTPError):
            return False

    async def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"service exited: {Path(self.log.name).read_text()[-2000:]}")
            if await asyncio.to_thread(self.ready):
                return
            await asyncio.sleep(0.1)
        raise TimeoutError("service not ready")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(90)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        os.unlink(self.log.name)

