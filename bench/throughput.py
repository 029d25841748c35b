"""Throughput benchmark (issue 3): raw spaCy, naive consumer, offline and Kafka paths, one run.

Usage: throughput.py [--articles N] [--quick] [--corpus PATH] [--scaling [1,2,4]]. Model load
and service start-up
are outside every timed span; see BENCHMARKS.md for what each figure includes. Each path lives
in its own module (bench/raw_path.py, naive_path.py, offline_path.py, kafka_path.py,
pipeline_figures.py); this script runs them in order and prints the report.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import build_corpus, load_corpus  # noqa: E402
from bench.kafka_path import CONSUMER_PER_CORE, LOADS, run_kafka  # noqa: E402
from bench.measure import Row, loadavg, log, percentile  # noqa: E402
from bench.naive_path import run_naive  # noqa: E402
from bench.offline_path import run_offline  # noqa: E402
from bench.pipeline_figures import run_pipeline_figures  # noqa: E402
from bench.raw_path import run_raw  # noqa: E402
from bench.scaling import run_scaling  # noqa: E402
from service.kafka.broker import EmbeddedBroker  # noqa: E402

__all__ = ["main"]

CORES = os.cpu_count() or 1


# --- the report -----------------------------------------------------------------------------
def print_table(rows: list[Row], reference: Row) -> None:
    head = (f"{'path':<38} {'articles':>8} {'seconds':>8} {'art/s':>7} {'words/s':>8} "
            f"{'x ref':>6} {'procs':>5} {'peak RSS/proc':>13}  notes")
    print(head)
    print("-" * len(head))
    for row in rows:
        ratio = row.words_s / reference.words_s if reference.words_s else 0.0
        print(
            f"{row.name:<38} {row.articles:>8} {row.seconds:>8.1f} {row.articles_s:>7.2f} "
            f"{row.words_s:>8.0f} {ratio:>6.2f} {row.processes:>5} {row.rss_mb:>10.0f} MB  "
            f"{row.note}"
        )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000, help="corpus size (default 2000)")
    parser.add_argument("--quick", action="store_true", help="a few dozen articles (smoke test)")
    parser.add_argument("--corpus", type=Path, default=None, help="JSON Lines with `text` instead")
    parser.add_argument("--seed", type=int, default=20241008)
    parser.add_argument("--latency-seconds", type=float, default=20.0,
                        help="length of the paced run for (5)'s latency")
    parser.add_argument("--pipeline-articles", type=int, default=384,
                        help="articles for the events+geo overhead (interleaved batches)")
    parser.add_argument("--timeout", type=float, default=900.0, help="per Kafka path, seconds")
    parser.add_argument("--consumer-per-core", action="store_true",
                        help="run (5) as a consumer per pipeline (ENTITY_WORKERS=cores, "
                        "ENTITY_WORKER_PIPELINES=1) instead of the defaults")
    parser.add_argument("--scaling", nargs="?", const="1,2,4", default=None, metavar="N,N,...",
                        help="only the Kafka path, once per worker count (default 1,2,4) over "
                        "the same backlog: articles/s and the scaling factor (bench/scaling.py)")
    args = parser.parse_args(argv)
    if args.quick:
        args.articles = min(args.articles, 40)
        args.latency_seconds = min(args.latency_seconds, 3.0)
        args.pipeline_articles = min(args.pipeline_articles, 16)
    return args


def print_latency(kafka: Row) -> None:
    """(5)'s latency at each paced load, and how evenly the backlog fed the pipelines."""
    for load, lat in kafka.extra["latencies"].items():
        pace = kafka.extra["paces"][load]
        p50, p95, p99 = (percentile(lat, q) * 1000 for q in (50, 95, 99))
        print(f"(5) latency at {load:.0%} of its max ({pace:.1f} articles/s), {len(lat)} "
              f"articles: p50={p50:.0f} ms p95={p95:.0f} ms p99={p99:.0f} ms "
              f"(publish -> record read from the output topic)")
    shares = ", ".join(f"{share:.0%}" for share in kafka.extra["busy"])
    print(f"(5) pipeline processes busy over the backlog: {shares or 'not measured'}")
    if kafka.extra["duplicates"]:
        print(f"(5) duplicates on the output topic: {kafka.extra['duplicates']}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Enough for every paced load at up to 40 articles/s.
    latency_count = max(int(args.latency_seconds * 40 * sum(LOADS)), 10)
    if args.corpus:
        corpus = load_corpus(args.corpus, args.articles)
        latency_corpus = build_corpus(latency_count, seed=args.seed, offset=10**6)
    else:
        corpus = build_corpus(args.articles, seed=args.seed)
        latency_corpus = build_corpus(latency_count, seed=args.seed, offset=args.articles)
    if args.scaling:
        counts = [int(n) for n in args.scaling.split(",")]
        return run_scaling(corpus, counts, args.timeout)
    words = [a.words for a in corpus]
    print(f"# entity-service throughput benchmark, {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"# machine: {CORES} cores, load average at start {loadavg()}")
    print(f"# corpus: {len(corpus)} distinct articles, {sum(words)} words "
          f"(median {statistics.median(words):.0f}, min {min(words)}, max {max(words)}); "
          f"{f'--corpus {args.corpus}' if args.corpus else f'generated, seed {args.seed}'}")
    started = time.monotonic()
    rows: list[Row] = []
    log("(1) raw nlp.pipe, full pipeline, 1 process")
    reference = run_raw("(1) raw nlp.pipe full, 1 proc", "full", 1, corpus)
    rows.append(reference)
    log(f"(2) raw nlp.pipe, service components, n_process={CORES}")
    limit = run_raw(f"(2) raw nlp.pipe service, {CORES} procs", "service", CORES, corpus)
    rows.append(limit)
    log("events+geo overhead and cleaning (in-process pipeline)")
    figures = run_pipeline_figures(args, min(args.pipeline_articles, len(corpus)))
    with EmbeddedBroker() as broker:
        log("(3) naive FastStream handler")
        naive = asyncio.run(run_naive(broker.bootstrap_servers, corpus, args.timeout))
        rows.append(naive)
        log("(4) entity-service process")
        offline = run_offline(corpus)
        rows.append(offline)
        log("(5) Kafka path")
        kafka = asyncio.run(
            run_kafka(broker.bootstrap_servers, corpus, latency_corpus, args.latency_seconds,
                      args.timeout, settings=CONSUMER_PER_CORE if args.consumer_per_core else None)
        )
        rows.append(kafka)
        # A B B A: the machine drifts between paths minutes apart (BENCHMARKS.md, runs 10-12),
        # so the Kafka-to-offline ratio is taken over both orders.
        log("(5') Kafka path again, backlog only; then (4') entity-service process again")
        kafka_again = asyncio.run(
            run_kafka(broker.bootstrap_servers, corpus, [], 0.0, args.timeout, loads=(),
                      settings=CONSUMER_PER_CORE if args.consumer_per_core else None)
        )
        offline_again = run_offline(corpus)

    print(f"# load average at end {loadavg()}; run took {time.monotonic() - started:.0f}s")
    print()
    print_table(rows, reference)
    print()
    print_latency(kafka)
    print(
        f"pipeline per article over {figures['articles']:.0f} articles (1 process, events on): "
        f"clean+intake {figures['stage_clean_ms']:.2f} ms, nlp {figures['stage_nlp_ms']:.2f} ms, "
        f"extract {figures['stage_extract_ms']:.2f} ms, serialize {figures['serialize_ms']:.2f} ms"
    )
    print(
        f"events+geo: pipeline CPU time {figures['full_cpu_ms']:.2f} ms/article with, "
        f"{figures['bare_cpu_ms']:.2f} without (+{figures['overhead'] * 100:.1f}%); wall "
        f"{figures['full_ms']:.2f} vs {figures['bare_ms']:.2f} "
        f"(+{figures['wall_overhead'] * 100:.1f}%); same nlp, parser kept in both; timed "
        f"directly: events {figures['events_ms']:.2f} ms + geo {figures['geo_ms']:.2f} ms = "
        f"{figures['direct_share'] * 100:.1f}% of the pipeline's wall time"
    )
    parts = ", ".join(f"{k} {v:.1f}" for k, v in figures["components"].items())
    blis_x = figures["matmul_blis_ms"] / figures["matmul_numpy_ms"]
    print(
        f"spaCy matrix backend (service components, {figures['matmul_docs']:.0f} articles, "
        f"interleaved): numpy {figures['matmul_numpy_ms']:.2f} ms/article, blis "
        f"{figures['matmul_blis_ms']:.2f} ({blis_x:.2f}x); "
        f"same entities, tags and parse on {figures['matmul_same_docs']:.0f}/"
        f"{figures['matmul_docs']:.0f} docs; (1) uses spaCy's default (blis), (2)-(5) numpy"
    )
    print(f"spaCy components, ms/article over {min(128, figures['articles']):.0f} articles: "
          f"{parts}; sentences passing the "
          f"events trigger prefilter: {figures['candidate_sentences'] * 100:.0f}%")
    p99_half = percentile(kafka.extra["latencies"].get(0.5, []), 99) * 1000
    both_offline = offline.words_s + offline_again.words_s
    vs_offline = (kafka.words_s + kafka_again.words_s) / both_offline if both_offline else 0.0
    print(
        f"(5)/(4) in A B B A order: (4) {offline.articles_s:.2f}, (5) {kafka.articles_s:.2f}, "
        f"(5') {kafka_again.articles_s:.2f}, (4') {offline_again.articles_s:.2f} articles/s; "
        f"kafka_vs_offline is (5 + 5') / (4 + 4')"
    )
    events_share = figures["events_ms"] / figures["full_ms"] if figures["full_ms"] else 0.0
    targets = [
        ("(5) >= 0.97x (4)", vs_offline >= 0.97),
        ("(5) p99 at half load <= 500 ms", p99_half <= 500),
        ("(5) >= 1.6x (1)", kafka.words_s >= 1.6 * reference.words_s),
        ("(5) >= 0.85x (2)", kafka.words_s >= 0.85 * limit.words_s),
        ("(5) >= 2x (3)", kafka.words_s >= 2 * naive.words_s),
        ("peak RSS per worker < 600 MB", kafka.rss_mb < 600),
        ("events (encoder included) <= 40% of the pipeline", events_share <= 0.40),
        ("cleaning <= 10 ms/article", figures["cleaning_ms"] <= 10),
    ]
    print("targets: " + "; ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in targets))
    print(f"events_geo_overhead={figures['overhead'] * 100:.1f}%")
    print(f"events_share={events_share * 100:.1f}%")
    print(f"cleaning_ms_per_article={figures['cleaning_ms']:.2f}")
    print(
        f"kafka_vs_raw={kafka.words_s / reference.words_s:.2f} "
        f"kafka_vs_limit={kafka.words_s / limit.words_s:.2f} "
        f"kafka_vs_naive={kafka.words_s / naive.words_s:.2f}"
    )
    print(f"kafka_vs_offline={vs_offline:.2f}")
    print(f"p99_half_ms={p99_half:.0f}" if p99_half == p99_half else "p99_half_ms=nan")
    return 0


if __name__ == "__main__":
    sys.exit(main())
