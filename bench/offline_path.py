"""Path (4): `entity-service process` over the corpus as a file, start-up subtracted."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import BenchArticle  # noqa: E402
from bench.measure import PeakRss, Row  # noqa: E402

__all__ = ["run_offline"]


def run_offline(corpus: list[BenchArticle]) -> Row:
    cli = [sys.executable, "-m", "service.cli", "process"]
    with tempfile.TemporaryDirectory(prefix="bench-offline-") as folder:
        source = Path(folder) / "in.jsonl"
        source.write_bytes(b"\n".join(a.message for a in corpus) + b"\n")
        tiny = Path(folder) / "one.jsonl"
        tiny.write_bytes(corpus[0].message + b"\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("ENTITY_")}
        outputs = ["--output", str(Path(folder) / "out.jsonl"), "--dead-letters",
                   str(Path(folder) / "dead.jsonl")]
        started = time.perf_counter()
        subprocess.run([*cli, "--input", str(tiny), *outputs], env=env, cwd=ROOT, check=True,
                       stderr=subprocess.DEVNULL)
        startup = time.perf_counter() - started
        started = time.perf_counter()
        child = subprocess.Popen([*cli, "--input", str(source), *outputs], env=env, cwd=ROOT,
                                 stderr=subprocess.DEVNULL)
        with PeakRss(child.pid) as rss:
            code = child.wait()
        wall = time.perf_counter() - started
        if code != 0:
            raise RuntimeError(f"entity-service process exited with {code}")
        records = sum(1 for _ in (Path(folder) / "out.jsonl").open("rb"))
        dead = sum(1 for _ in (Path(folder) / "dead.jsonl").open("rb"))
        processes = max(len(rss.peaks) - 1, 1)
    if wall - startup > 0.2 * wall:
        seconds, how = wall - startup, f"wall {wall:.1f}s minus start-up {startup:.1f}s"
    else:  # too few articles to tell processing from start-up
        seconds, how = wall, f"wall {wall:.1f}s, start-up ({startup:.1f}s) included"
    row = Row(
        "(4) entity-service process", len(corpus), sum(a.words for a in corpus), seconds,
        rss.peak_mb, processes, note=f"{how}; {records} records, {dead} dead",
    )
    row.extra["wall_articles_s"] = len(corpus) / wall
    return row

