"""Time the events stage alone, per article, on parsed docs (so a refactor can be compared).

Usage: events_speed.py INPUT.jsonl [--rounds N]

Runs the real pipeline once to get each article's doc and entities, then times
`EventExtractor()(doc, entities, published_at)` over N rounds and prints the median per article
(median over articles of each article's median), the total per round, and the events found.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from service.config import Settings
from service.events import EventExtractor
from service.pipeline import Pipeline, iter_lines


def collect(path: Path) -> list[tuple[Any, Any, Any]]:
    """(doc, entities, published_at) of every article the pipeline keeps, as it runs them."""
    pipeline = Pipeline(Settings())
    calls: list[tuple[Any, Any, Any]] = []

    def record(doc: Any, entities: Any, published_at: Any) -> list[Any]:
        calls.append((doc, entities, published_at))
        return []

    pipeline.extract_events = record  # type: ignore[assignment]
    pipeline.process(list(iter_lines(path.read_bytes().splitlines())))
    return calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("input", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    calls = collect(args.input)
    extract = EventExtractor()
    per_article: list[list[float]] = [[] for _ in calls]
    totals: list[float] = []
    found = 0
    for _ in range(args.rounds):
        round_start = time.perf_counter()
        found = 0
        for i, (doc, entities, published_at) in enumerate(calls):
            started = time.perf_counter()
            found += len(extract(doc, entities, published_at))
            per_article[i].append(time.perf_counter() - started)
        totals.append(time.perf_counter() - round_start)
    medians = [statistics.median(times) for times in per_article]
    print(f"articles: {len(calls)}  events: {found}  rounds: {args.rounds}")
    print(
        f"events ms/article: median {statistics.median(medians) * 1000:.3f}  "
        f"mean {statistics.fmean(medians) * 1000:.3f}"
    )
    print(f"events ms/round (all articles): median {statistics.median(totals) * 1000:.1f}")


if __name__ == "__main__":
    main()
