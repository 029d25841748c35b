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
from bench.measure import PeakRss, Row, log  # noqa: E402
from service.kafka.broker import ensure_topics  # noqa: E402

__all__ = ["run_kafka"]


async def run_kafka(
    bootstrap: str,
    corpus: list[BenchArticle],
    latency_corpus: list[BenchArticle],
    latency_seconds: float,
    timeout: float,
) -> Row:
    topics = fresh_topics("svc")
    await ensure_topics(bootstrap, [topics["input"], topics["output"], topics["dlq"]], 4)
    await publish(bootstrap, topics["input"], corpus)
    collector = Collector(bootstrap, [topics["output"], topics["dlq"]])
    await collector.start()
    service = Service(bootstrap, topics, {})
    latencies: list[float] = []
    try:
        with PeakRss(service.process.pid, include_root=False) as rss:
            await service.wait_ready(180)
            t0 = time.time()
            ok = await collector.wait_for([a.id for a in corpus], timeout)
            count, words, seconds, before = rate_after(collector, corpus, t0)
            max_rate = count / seconds if seconds else 0.0
            pace = max_rate / 2
            latency_count = min(len(latency_corpus), max(int(pace * latency_seconds), 1))
            if latency_count and pace > 0:
                paced = latency_corpus[:latency_count]
                log(f"(5) latency: {latency_count} articles paced at {pace:.1f}/s")
                sent = await publish(bootstrap, topics["input"], paced, rate=pace)
                await collector.wait_for([a.id for a in paced], timeout)
                seen = collector.first_seen
                latencies = [seen[i] - t for i, t in sent.items() if i in seen]
            workers = max(len(rss.peaks), 1)
    finally:
        service.stop()
        await collector.stop()
    note = f"{before} done before /readyz, excluded" if before else ""
    if collector.dead_letters:
        note += f" {collector.dead_letters} dead letters"
    if not ok:
        note += f" INCOMPLETE: {len(collector.first_seen)}/{len(corpus)}"
    row = Row("(5) Kafka path, entity-service run", count, words, seconds, rss.peak_mb,
              workers, note.strip())
    row.extra["latencies"] = latencies
    row.extra["latency_rate"] = pace
    row.extra["duplicates"] = collector.duplicates
    return row

