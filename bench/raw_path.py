"""Paths (1) and (2): raw `nlp.pipe` in a child process, the reference and the parallel limit.

Run as `python -m bench.raw_path MODE PROCESSES BODIES.json` it is that child.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import BenchArticle  # noqa: E402
from bench.measure import BATCH, MODEL, PeakRss, Row  # noqa: E402

__all__ = ["run_raw"]


def raw_child(mode: str, processes: int, bodies_path: str) -> None:
    """Child of `raw`: load the model, warm up, time nlp.pipe over the bodies, print JSON."""
    import spacy

    from service.entities.model import load_nlp, resolve_model

    bodies = orjson.loads(Path(bodies_path).read_bytes())
    nlp = spacy.load(resolve_model(MODEL)) if mode == "full" else load_nlp(MODEL)
    for _ in nlp.pipe(["Warm-up: President Emmanuel Macron met officials in Paris."] * 4):
        pass
    started = time.perf_counter()
    count = 0
    for _doc in nlp.pipe(bodies, batch_size=BATCH, n_process=processes):
        count += 1
    seconds = time.perf_counter() - started
    print(orjson.dumps({"seconds": seconds, "docs": count, "pipes": nlp.pipe_names}).decode())



def run_raw(name: str, mode: str, processes: int, corpus: list[BenchArticle]) -> Row:
    with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as handle:
        handle.write(orjson.dumps([a.body for a in corpus]))
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "bench.raw_path", mode, str(processes), handle.name],
            stdout=subprocess.PIPE,
            cwd=ROOT,
        )
        with PeakRss(child.pid) as rss:
            out, _ = child.communicate()
        if child.returncode != 0:
            raise RuntimeError(f"{name}: raw child exited with {child.returncode}")
    finally:
        os.unlink(handle.name)
    result = orjson.loads(out.strip().splitlines()[-1])
    return Row(
        name, len(corpus), sum(a.words for a in corpus), result["seconds"], rss.peak_mb,
        processes, note="+".join(result["pipes"]),
    )



if __name__ == "__main__":
    raw_child(sys.argv[1], int(sys.argv[2]), sys.argv[3])
