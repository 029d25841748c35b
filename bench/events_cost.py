"""What the event encoder costs: pipeline time per article with it and without, events' share.

Usage: events_cost.py [--articles N] [--rounds R] [--sentences K ...]

One process, one spaCy model; the pipelines with and without the encoder (and with each given
sentence budget) code the same bench articles in interleaved rounds, so machine drift falls on
all alike. Prints per article medians over rounds: pipeline ms, events ms (the event coder timed
directly) and events' share of the pipeline, plus the encoder's load time and the memory it
adds (resident set growth). Lines `events_share=` and `encoder_load_s=` close the output.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).parent))
from corpus import build_corpus

from service.config import Settings
from service.entities.model import load_nlp
from service.intake import RawMessage
from service.pipeline import Pipeline


def _timed(pipeline: Pipeline) -> dict[str, float]:
    """Wrap the pipeline's event coder so its time is summed in the returned dict."""
    spent = {"events": 0.0}
    inner = pipeline.extract_events
    assert inner is not None

    def run(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent["events"] += time.perf_counter() - started

    pipeline.extract_events = run  # type: ignore[assignment]
    return spent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sentences", type=int, nargs="*", default=[4, 8])
    args = parser.parse_args()
    settings = Settings(workers=1)
    nlp = load_nlp(settings.spacy_model, matmul=settings.spacy_matmul)
    process = psutil.Process()
    before = process.memory_info().rss
    started = time.perf_counter()
    from service.events.encoded import shipped_encoder_typer

    shipped_encoder_typer()
    load_s = time.perf_counter() - started
    added_mb = (process.memory_info().rss - before) / 2**20
    variants = {"encoder off": settings.model_copy(update={"events_encoder": False})}
    for k in args.sentences:
        variants[f"encoder, {k} sentences"] = settings.model_copy(
            update={"events_encoder_sentences": k}
        )
    pipelines = {name: Pipeline(s, nlp=nlp) for name, s in variants.items()}
    spent = {name: _timed(p) for name, p in pipelines.items()}
    messages = [RawMessage(value=a.message) for a in build_corpus(args.articles)]
    per_article: dict[str, list[float]] = {name: [] for name in pipelines}
    events: dict[str, list[float]] = {name: [] for name in pipelines}
    for _ in range(args.rounds):
        for name, pipeline in pipelines.items():
            spent[name]["events"] = 0.0
            t0 = time.perf_counter()
            pipeline.process(messages)
            per_article[name].append((time.perf_counter() - t0) / len(messages) * 1000)
            events[name].append(spent[name]["events"] / len(messages) * 1000)
    print(f"{args.articles} bench articles, {args.rounds} interleaved rounds, medians per article")
    share = 0.0
    for name in pipelines:
        total, ev = statistics.median(per_article[name]), statistics.median(events[name])
        share = ev / total
        print(f"  {name:24} pipeline {total:7.1f} ms  events {ev:6.1f} ms  share {share:.0%}")
    print(f"encoder load {load_s:.2f} s, resident memory +{added_mb:.0f} MB")
    print(f"events_share={share:.2f}")
    print(f"encoder_load_s={load_s:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
