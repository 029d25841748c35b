"""Path (3): the naive FastStream handler (`bench/naive_consumer.py`, `nlp(text)` per message)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import BenchArticle  # noqa: E402
from bench.kafka_support import Collector, fresh_topics, publish, rate_after  # noqa: E402
from bench.measure import PeakRss, Row  # noqa: E402
from service.kafka.broker import ensure_topics  # noqa: E402

__all__ = ["run_naive"]


async def run_naive(bootstrap: str, corpus: list[BenchArticle], timeout: float) -> Row:
    topics = fresh_topics("naive")
    await ensure_topics(bootstrap, [topics["input"], topics["output"]], partitions=4)
    await publish(bootstrap, topics["input"], corpus)
    collector = Collector(bootstrap, [topics["output"]])
    await collector.start()
    env = {
        **os.environ,
        "NAIVE_BOOTSTRAP": bootstrap,
        "NAIVE_INPUT": topics["input"],
        "NAIVE_OUTPUT": topics["output"],
        "NAIVE_GROUP": topics["group"],
    }
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "naive_consumer.py")],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    try:
        with PeakRss(child.pid) as rss:
            assert child.stdout is not None
            line = b""
            while b"READY" not in line:
                line = await asyncio.to_thread(child.stdout.readline)
                if not line:
                    raise RuntimeError(f"naive consumer exited with {child.wait()}")
            threading.Thread(target=child.stdout.read, daemon=True).start()  # drain its logs
            t0 = time.time()
            ok = await collector.wait_for([a.id for a in corpus], timeout)
    finally:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(30)
        except subprocess.TimeoutExpired:
            child.kill()
        await collector.stop()
    count, words, seconds, before = rate_after(collector.first_seen, corpus, t0)
    note = f"{before} done before READY, excluded" if before else ""
    if not ok:
        note += f" INCOMPLETE: {len(collector.first_seen)}/{len(corpus)}"
    return Row("(3) naive FastStream handler", count, words, seconds, rss.peak_mb, 1, note)

