"""Path (5): `entity-service run` over a backlog, then paced for latency."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import BenchArticle  # noqa: E402
from bench.kafka_support import (  # noqa: E402
    Collector,
    Service,
    committed_then_read,
    fresh_topics,
    publish,
    rate_after,
)
from bench.measure import BusyShare, PeakRss, Row, log  # noqa: E402
from service.kafka.broker import DEFAULT_PARTITIONS, ensure_topics  # noqa: E402

__all__ = ["CONSUMER_PER_CORE", "LOADS", "PARTITIONS", "run_kafka"]


#: Loads of the latency runs, as fractions of the capacity the backlog measured.
LOADS = (0.25, 0.5, 0.9)
#: Input partitions of the bench topics: the service's default (service/kafka/broker.py).
PARTITIONS = DEFAULT_PARTITIONS
#: A consumer per pipeline, one per core (the service's layout before session 4), the layout of
#: `throughput.py --consumer-per-core`; the default runs the service's defaults (one consumer
#: feeding a pipeline per core).
CONSUMER_PER_CORE = {"ENTITY_WORKERS": str(os.cpu_count() or 1), "ENTITY_WORKER_PIPELINES": "1"}


async def run_kafka(
    bootstrap: str,
    corpus: list[BenchArticle],
    latency_corpus: list[BenchArticle],
    latency_seconds: float,
    timeout: float,
    *,
    workers: int | None = None,
    loads: tuple[float, ...] = LOADS,
    partitions: int = PARTITIONS,
    settings: dict[str, str] | None = None,
) -> Row:
    """The backlog's rate (from /readyz to the last output), then each load paced in turn.

    The backlog's outputs are read after the group has committed them, each timed by its
    record timestamp: a live reader would take CPU from the pipelines on the same 2 cores
    that the offline path never pays. The paced runs, which time each article, read live.
    """
    topics = fresh_topics("svc")
    await ensure_topics(bootstrap, [topics["input"], topics["output"], topics["dlq"]], partitions)
    await publish(bootstrap, topics["input"], corpus)
    collector = Collector(bootstrap, [topics["output"], topics["dlq"]])
    extra = dict(settings or {})
    if workers is not None:  # that many pipelines behind one consumer (the default layout)
        extra |= {"ENTITY_WORKERS": "1", "ENTITY_WORKER_PIPELINES": str(workers)}
    service = Service(bootstrap, topics, extra)
    latencies: dict[float, list[float]] = {}
    paces: dict[float, float] = {}
    try:
        with PeakRss(service.process.pid, include_root=False) as rss:
            await service.wait_ready(180)
            busy = BusyShare(service.process.pid)
            t0 = time.time()
            seen = await committed_then_read(bootstrap, topics, len(corpus), partitions, timeout)
            ok = all(a.id in seen for a in corpus)
            shares = busy.shares()
            count, words, seconds, before = rate_after(seen, corpus, t0)
            max_rate = count / seconds if seconds else 0.0
            await collector.start()
            await collector.wait_for([a.id for a in corpus], 120)  # caught up: now live
            unused = list(latency_corpus)
            for load in loads if max_rate > 0 else ():
                pace = max_rate * load
                paced, unused = _take(unused, max(int(pace * latency_seconds), 1))
                log(f"(5) latency at {load:.0%} load: {len(paced)} articles paced at {pace:.1f}/s")
                sent = await publish(bootstrap, topics["input"], paced, rate=pace)
                await collector.wait_for([a.id for a in paced], timeout)
                seen = collector.first_seen
                latencies[load] = [seen[i] - t for i, t in sent.items() if i in seen]
                paces[load] = pace
            processes = max(len(rss.peaks), 1)
    finally:
        service.stop()
        await collector.stop()
    note = f"{before} done before /readyz, excluded" if before else ""
    if settings:
        note += " " + " ".join(f"{k}={v}" for k, v in settings.items())
    if collector.dead_letters:
        note += f" {collector.dead_letters} dead letters"
    if not ok:
        note += f" INCOMPLETE: {len(seen)}/{len(corpus)}"
    row = Row("(5) Kafka path, entity-service run", count, words, seconds, rss.peak_mb,
              processes, note.strip())
    row.extra["latencies"] = latencies
    row.extra["paces"] = paces
    row.extra["busy"] = shares
    row.extra["duplicates"] = collector.duplicates
    return row


def _take(
    articles: list[BenchArticle], count: int
) -> tuple[list[BenchArticle], list[BenchArticle]]:
    """The next `count` unused articles (fewer when the latency corpus runs out)."""
    return articles[:count], articles[count:]
