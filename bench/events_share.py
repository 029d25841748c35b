"""What events (typer included) cost inside the pipeline, article by article.

Usage: events_share.py --input ARTICLES.jsonl [--repeat 3]

Runs the pure pipeline in-process one article at a time (the Kafka path does the same work per
article) and times the events step inside it; prints the medians of events time, total time and
their ratio per article, with the typer on and off (ENTITY_EVENTS_TYPER).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from service.config import Settings
from service.pipeline import Pipeline, RawMessage


def measure(pipeline: Pipeline, lines: list[bytes], repeat: int) -> dict[str, float]:
    """Median events ms, total ms and events/total share over articles (best of `repeat`)."""
    inner = pipeline.extract_events
    assert inner is not None
    spent = [0.0]

    def timed(*args: Any) -> Any:
        started = time.perf_counter()
        try:
            return inner(*args)
        finally:
            spent[0] += time.perf_counter() - started

    pipeline.extract_events = timed  # type: ignore[assignment]
    events_ms, total_ms, shares = [], [], []
    for line in lines:
        best: tuple[float, float] | None = None
        for _ in range(repeat):
            spent[0] = 0.0
            started = time.perf_counter()
            pipeline.process([RawMessage(value=line)])
            total = time.perf_counter() - started
            if best is None or total < best[1]:
                best = (spent[0], total)
        assert best is not None
        events_ms.append(best[0] * 1000)
        total_ms.append(best[1] * 1000)
        shares.append(best[0] / best[1])
    pipeline.extract_events = inner
    return {
        "events_ms": statistics.median(events_ms),
        "total_ms": statistics.median(total_ms),
        "share": statistics.median(shares),
        "share_of_sums": sum(events_ms) / sum(total_ms),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    lines = [line for line in args.input.read_bytes().splitlines() if line.strip()]
    base = Pipeline(Settings())
    runs: dict[str, Callable[[], Pipeline]] = {
        "typer on": lambda: base,
        "typer off": lambda: Pipeline(Settings(events_typer=False), nlp=base.nlp),
    }
    for label, make in runs.items():
        pipeline = make()
        pipeline.process([RawMessage(value=lines[0])])  # warm caches and the model
        figures = measure(pipeline, lines, args.repeat)
        print(
            f"{label}: articles={len(lines)} median events={figures['events_ms']:.2f} ms "
            f"median total={figures['total_ms']:.1f} ms median events_share="
            f"{figures['share']:.1%} (sum of events / sum of totals {figures['share_of_sums']:.1%})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
