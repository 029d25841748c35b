"""Path (5): `entity-service run` over a backlog, then paced for latency."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import BenchArticle  # noqa: E402
from bench.kafka_support import Collector, Service, fresh_topics, publish, rate_after  # noqa: E402
from bench.measure import BusyShare, PeakRss, Row, log  # noqa: E402
from service.kafka.broker import DEFAULT_PARTITIONS, ensure_topics  # noqa: E402

__all__ = ["LOADS", "PARTITIONS", "run_kafka"]


#: Loads of the latency runs, as fractions of the capacity the backlog measured.
LOADS = (0.25, 0.5, 0.9)
#: Input partitions of the bench topics: the service's default (service/kafka/broker.py).
PARTITIONS = DEFAULT_PARTITIONS


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
) -> Row:
    """The backlog's rate (from /readyz to the last output), then each load paced in turn."""
    topics = fresh_topics("svc")
    await ensure_topics(bootstrap, [topics["input"], topics["output"], topics["dlq"]], partitions)
    await publish(bootstrap, topics["input"], corpus)
    collector = Collector(bootstrap, [topics["output"], topics["dlq"]])
    await collector.start()
    extra = {} if workers is None else {"ENTITY_WORKERS": str(workers)}
    service = Service(bootstrap, topics, extra)
    latencies: dict[float, list[float]] = {}
    paces: dict[float, float] = {}
    try:
        with PeakRss(service.process.pid, include_root=False) as rss:
            await service.wait_ready(180)
            busy = BusyShare(service.process.pid)
            t0 = time.time()
            ok = await collector.wait_for([a.id for a in corpus], timeout)
            shares = busy.shares()
            count, words, seconds, before = rate_after(collector, corpus, t0)
            max_rate = count / seconds if seconds else 0.0
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
    if collector.dead_letters:
        note += f" {collector.dead_letters} dead letters"
    if not ok:
        note += f" INCOMPLETE: {len(collector.first_seen)}/{len(corpus)}"
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
