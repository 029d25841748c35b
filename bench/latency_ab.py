"""Latency of two code trees side by side: both services up at once, each on its own topics,
paced segments alternating A B A B, so both meet the same background load on a shared machine.

Usage: latency_ab.py --base DIR [--other DIR] [--pace 4] [--segment 30] [--rounds 3]. DIR is a
checkout of the repository (e.g. `git archive <commit> | tar -x -C DIR`); --other defaults to
this one. Prints p50/p95/p99 of publish -> output for each, over all of its segments.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import bench.kafka_support as support  # noqa: E402
from bench.corpus import build_corpus  # noqa: E402
from bench.measure import loadavg, percentile  # noqa: E402
from service.kafka.broker import EmbeddedBroker, ensure_topics  # noqa: E402

__all__ = ["main"]


async def run(bootstrap: str, trees: dict[str, Path], args: argparse.Namespace) -> None:
    corpus = build_corpus(args.segment * args.rounds * 2, seed=11, offset=70_000)
    up: dict[str, tuple[dict[str, str], support.Collector, support.Service]] = {}
    try:
        for name, tree in trees.items():
            support.ROOT = tree  # the service runs from its tree (`python -m service.cli run`)
            topics = support.fresh_topics(name)
            await ensure_topics(bootstrap, [topics["input"], topics["output"], topics["dlq"]], 8)
            collector = support.Collector(bootstrap, [topics["output"], topics["dlq"]])
            await collector.start()
            up[name] = (topics, collector, support.Service(bootstrap, topics, {}))
        for _, _, service in up.values():
            await service.wait_ready(300)
        await asyncio.sleep(10)  # the groups settle (a join takes ~5 s on the embedded broker)
        latencies: dict[str, list[float]] = {name: [] for name in up}
        for i in range(args.rounds * 2):
            name = list(up)[i % 2]
            topics, collector, _ = up[name]
            part = corpus[i * args.segment : (i + 1) * args.segment]
            sent = await support.publish(bootstrap, topics["input"], part, rate=args.pace)
            await collector.wait_for([a.id for a in part], 300)
            seen = collector.first_seen
            latencies[name] += [seen[k] - t for k, t in sent.items() if k in seen]
        for name, values in latencies.items():
            p50, p95, p99 = (percentile(values, q) * 1000 for q in (50, 95, 99))
            print(f"{name:>6}: {len(values)} articles at {args.pace}/s in {args.rounds} segments: "
                  f"p50={p50:.0f} ms p95={p95:.0f} ms p99={p99:.0f} ms")
    finally:
        for _, collector, service in up.values():
            service.stop()
            await collector.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", type=Path, required=True, help="checkout to compare with")
    parser.add_argument("--other", type=Path, default=ROOT, help="default: this checkout")
    parser.add_argument("--pace", type=float, default=4.0, help="articles per second")
    parser.add_argument("--segment", type=int, default=30, help="articles per segment")
    parser.add_argument("--rounds", type=int, default=3, help="segments per tree")
    args = parser.parse_args(argv)
    print(f"# load average at start {loadavg()}")
    with EmbeddedBroker() as broker:
        asyncio.run(run(broker.bootstrap_servers, {"base": args.base, "other": args.other}, args))
    print(f"# load average at end {loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
