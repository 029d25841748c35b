"""Soak benchmark (issue 4): N articles through the Kafka path with one worker, memory at each 10%.

Usage: soak.py [--articles 20000]. Prints throughput and the worker's resident memory at every
tenth of the run; the growth from 10% to 100% (after warm-up) should stay under 10%.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import build_corpus  # noqa: E402
from bench.kafka_support import Collector, Service, fresh_topics, publish  # noqa: E402
from bench.measure import loadavg, log  # noqa: E402
from service.kafka.broker import EmbeddedBroker, ensure_topics  # noqa: E402

__all__ = ["main"]


def worker_rss(supervisor_pid: int) -> int:
    """Resident bytes of the worker process (the supervisor's spawned child, not the tracker)."""
    try:
        children = psutil.Process(supervisor_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return 0
    best = 0
    for child in children:
        try:
            if "resource_tracker" in " ".join(child.cmdline()):
                continue
            best = max(best, child.memory_info().rss)
        except psutil.Error:
            continue
    return best


async def soak(bootstrap: str, articles: int, seed: int, timeout: float) -> int:
    log(f"building {articles} articles")
    corpus = build_corpus(articles, seed=seed, offset=10**7)
    words = {a.id: a.words for a in corpus}
    print(f"# entity-service soak benchmark, {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"# machine: {psutil.cpu_count()} cores, load average at start {loadavg()}")
    print(f"# corpus: {len(corpus)} distinct articles, {sum(words.values())} words "
          f"(median {statistics.median(words.values()):.0f}); ENTITY_WORKERS=1, other settings "
          "default")
    topics = fresh_topics("soak")
    await ensure_topics(bootstrap, [topics["input"], topics["output"], topics["dlq"]], 4)
    log("publishing")
    await publish(bootstrap, topics["input"], corpus)
    collector = Collector(bootstrap, [topics["output"], topics["dlq"]])
    await collector.start()
    service = Service(bootstrap, topics, {"ENTITY_WORKERS": "1"})
    marks: list[tuple[int, float, int, int]] = []  # (percent, seconds, rss now, decile peak)
    window_peak = 0
    try:
        await service.wait_ready(180)
        t0 = time.time()
        log("service ready; soaking")
        deadline = time.monotonic() + timeout
        next_mark = 10
        while next_mark <= 100 and time.monotonic() < deadline:
            done = len(collector.first_seen)
            rss = worker_rss(service.process.pid)
            window_peak = max(window_peak, rss)
            if done * 100 >= next_mark * len(corpus):
                marks.append((next_mark, time.time() - t0, rss, window_peak))
                log(f"{next_mark}%: {done} outputs, worker RSS {rss / 2**20:.0f} MB "
                    f"(peak in this tenth {window_peak / 2**20:.0f} MB)")
                next_mark += 10
                window_peak = rss
                continue
            if service.process.poll() is not None:
                raise RuntimeError("the service exited during the soak")
            await asyncio.sleep(0.25)
        last = max(collector.first_seen.values(), default=t0)
    finally:
        service.stop()
        await collector.stop()
    done = len(collector.first_seen)
    seconds = last - t0
    done_words = sum(words.get(i, 0) for i in collector.first_seen)
    print(f"# load average at end {loadavg()}")
    print()
    print(f"{'progress':>8} {'seconds':>8} {'worker RSS':>11} {'peak in tenth':>14}")
    for percent, at, rss, peak in marks:
        print(f"{percent:>7}% {at:>8.0f} {rss / 2**20:>8.0f} MB {peak / 2**20:>11.0f} MB")
    print()
    print(f"outputs: {done}/{len(corpus)} ({collector.dead_letters} dead letters, "
          f"{collector.duplicates} duplicates); {seconds:.0f}s from /readyz to the last output")
    print(f"throughput: {done / seconds:.2f} articles/s, {done_words / seconds:.0f} words/s "
          "(one worker process, events enabled)")
    if len(marks) < 10:
        print(f"INCOMPLETE: only {len(marks) * 10}% reached within {timeout:.0f}s")
        return 1
    first, final = marks[0][2], marks[-1][2]
    growth = (final - first) / first if first else float("nan")
    peak_growth = (marks[-1][3] - marks[0][3]) / marks[0][3] if marks[0][3] else float("nan")
    print(f"peaks: first tenth {marks[0][3] / 2**20:.0f} MB, last tenth "
          f"{marks[-1][3] / 2**20:.0f} MB ({peak_growth * 100:+.1f}%)")
    print(f"soak_rss_10pct_mb={first / 2**20:.0f} soak_rss_100pct_mb={final / 2**20:.0f} "
          f"soak_growth={growth * 100:.1f}% (target < 10%)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20241008)
    parser.add_argument("--timeout", type=float, default=4 * 3600.0, help="seconds, whole soak")
    args = parser.parse_args(argv)
    with EmbeddedBroker() as broker:
        return asyncio.run(soak(broker.bootstrap_servers, args.articles, args.seed, args.timeout))


if __name__ == "__main__":
    sys.exit(main())
