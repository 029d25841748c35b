"""Runs the Cleaner (and, with --baseline, trafilatura's default) over JSONL articles for scoring.

Usage:
  python bench/cleaning_score.py --input ARTICLES.jsonl --output OUT.jsonl [--baseline]
                                 [--scorer score.py --truth truth.jsonl]
With --baseline, trafilatura.extract(html) is written to OUT.baseline.jsonl in the same run; with
--scorer and --truth, both prediction files are scored and the scorer's last line printed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import trafilatura

from service.cleaning.cleaner import Cleaner
from service.errors import Rejected
from service.models import Article

__all__ = ["main"]


def _summary(name: str, times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return (
        f"{name}: n={len(ms)} mean={statistics.fmean(ms):.2f} ms "
        f"median={statistics.median(ms):.2f} ms max={max(ms):.2f} ms"
    )


def _score(scorer: Path, truth: Path, pred: Path) -> str:
    """The scorer's summary line for one prediction file."""
    cmd = [sys.executable, str(scorer), "--pred", str(pred), "--truth", str(truth)]
    lines = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()
    return lines[-1] if lines else ""


def main(argv: list[str] | None = None) -> int:
    """Write `{"article_id", "text"}` lines and print per-article timings (and scores)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", required=True, type=Path, help="JSONL of {id, html} or {id, text}")
    ap.add_argument("--output", required=True, type=Path, help="predictions JSONL to write")
    ap.add_argument("--baseline", action="store_true", help="also run trafilatura.extract(html)")
    ap.add_argument("--scorer", type=Path, help="score.py to run on the outputs")
    ap.add_argument("--truth", type=Path, help="truth JSONL for the scorer")
    args = ap.parse_args(argv)

    rows = [json.loads(line) for line in args.input.read_text("utf-8").splitlines() if line]
    cleaner = Cleaner()
    times: list[float] = []
    rejected = 0
    with args.output.open("w", encoding="utf-8") as out:
        for row in rows:
            article = Article(id=row["id"], text=row.get("text"), html=row.get("html"))
            start = time.perf_counter()
            try:
                text = cleaner(article).text
            except Rejected:
                text = ""
                rejected += 1
            times.append(time.perf_counter() - start)
            out.write(json.dumps({"article_id": row["id"], "text": text}) + "\n")
    print(_summary("cleaner", times) + f" rejected={rejected}")
    outputs = {"cleaner": args.output}

    html_rows = [row for row in rows if row.get("html")]
    if args.baseline and not html_rows:
        print("trafilatura default: skipped, the input has no html")
    elif args.baseline:
        baseline = args.output.with_suffix(".baseline.jsonl")
        base_times: list[float] = []
        with baseline.open("w", encoding="utf-8") as out:
            for row in html_rows:
                start = time.perf_counter()
                text = trafilatura.extract(row["html"]) or ""
                base_times.append(time.perf_counter() - start)
                out.write(json.dumps({"article_id": row["id"], "text": text}) + "\n")
        print(_summary("trafilatura default", base_times))
        outputs["trafilatura default"] = baseline

    if args.scorer and args.truth:
        for name, path in outputs.items():
            print(f"{name}: {_score(args.scorer, args.truth, path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
