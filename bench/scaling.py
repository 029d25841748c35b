"""How cost grows: the Kafka path over one backlog with 1, 2, 4 (or any) pipelines in turn.

`throughput.py --scaling [1,2,4]` (or `make bench-scaling`) runs it: for each count a fresh set
of topics holding the same articles, the service started with one consumer feeding N pipeline
processes (ENTITY_WORKERS=1, ENTITY_WORKER_PIPELINES=N: the default layout), and
the backlog's articles/s from /readyz to its last output. The scaling factor is each rate over
the one-worker rate; the busy shares say whether every pipeline process had work to the end.
On a machine with fewer cores than workers the extra workers only share the cores: read the
factor up to the core count (BENCHMARKS.md, "How cost grows").
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import BenchArticle  # noqa: E402
from bench.kafka_path import PARTITIONS, run_kafka  # noqa: E402
from bench.measure import Row, loadavg, log  # noqa: E402
from service.kafka.broker import EmbeddedBroker  # noqa: E402

__all__ = ["run_scaling"]


def run_scaling(corpus: list[BenchArticle], counts: list[int], timeout: float) -> int:
    """Run the backlog once per worker count; print the rates, the factors and a last line."""
    cores = os.cpu_count() or 1
    print(f"# entity-service scaling benchmark, {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"# machine: {cores} cores, load average at start {loadavg()}; {len(corpus)} "
          f"articles, {PARTITIONS} input partitions")
    rows: dict[int, Row] = {}
    with EmbeddedBroker() as broker:
        for workers in counts:
            log(f"Kafka path with {workers} worker(s)")
            rows[workers] = asyncio.run(
                run_kafka(broker.bootstrap_servers, corpus, [], 0.0, timeout,
                          workers=workers, loads=())
            )
    base = rows[counts[0]].articles_s / counts[0]
    print(f"# load average at end {loadavg()}")
    print(f"{'workers':>7} {'articles':>8} {'seconds':>8} {'art/s':>7} {'factor':>7} "
          f"{'per worker':>10} {'peak RSS/proc':>13}  pipeline busy shares")
    for workers, row in rows.items():
        shares = ", ".join(f"{share:.0%}" for share in row.extra["busy"])
        factor = row.articles_s / base if base else 0.0
        print(f"{workers:>7} {row.articles:>8} {row.seconds:>8.1f} {row.articles_s:>7.2f} "
              f"{factor:>7.2f} {factor / workers:>10.2f} {row.rss_mb:>10.0f} MB  {shares}"
              f"{'  ' + row.note if row.note else ''}")
    print("scaling=" + " ".join(
        f"{workers}:{row.articles_s / base if base else 0.0:.2f}" for workers, row in rows.items()
    ))
    return 0
