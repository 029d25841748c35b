"""The cleaning step alone: milliseconds per article of Cleaner() on the bench corpus (and a file).

Usage: python bench/cleaning_speed.py [--articles 600] [--rounds 3] [--input ARTICLES.jsonl]

Each round cleans every article once with a fresh Cleaner (local repeat memory); the best
round's median and mean are printed, wall clock and CPU time of this process (on a shared
machine the CPU figure is the steadier one). Decoding is outside the timing, as in
bench/throughput.py's cleaning_ms_per_article.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from corpus import build_corpus

from service.cleaning.cleaner import Cleaner
from service.errors import Rejected
from service.intake import decode_article
from service.models import Article

__all__ = ["main"]


def _round(articles: list[Article]) -> tuple[list[float], list[float]]:
    cleaner = Cleaner()
    wall: list[float] = []
    cpu: list[float] = []
    for article in articles:
        w, c = time.perf_counter(), time.process_time()
        try:
            cleaner(article)
        except Rejected:
            pass
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return wall, cpu


def _report(name: str, articles: list[Article], rounds: int) -> None:
    runs = [_round(articles) for _ in range(rounds)]
    wall, cpu = min(runs, key=lambda run: statistics.median(run[1]))
    print(
        f"{name}: n={len(articles)} median {1000 * statistics.median(wall):.2f} ms "
        f"(cpu {1000 * statistics.median(cpu):.2f}), mean {1000 * statistics.fmean(wall):.2f} "
        f"ms (cpu {1000 * statistics.fmean(cpu):.2f}) per article, best of {rounds} rounds"
    )


def main(argv: list[str] | None = None) -> int:
    """Print the per-article cleaning times."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=600, help="bench corpus articles")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--input", type=Path, help="also time a JSONL of {id, text | html}")
    args = ap.parse_args(argv)
    corpus = [
        decode_article(a.message, max_bytes=10_000_000, max_chars=1_000_000)
        for a in build_corpus(args.articles)
    ]
    _report("bench corpus (bench/corpus.py)", corpus, args.rounds)
    if args.input:
        rows = [json.loads(line) for line in args.input.read_text("utf-8").splitlines() if line]
        given = [Article(id=r["id"], text=r.get("text"), html=r.get("html")) for r in rows]
        _report(str(args.input.name), given, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
