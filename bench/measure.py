"""Measuring helpers of the benchmarks: peak memory of a process tree, table rows, percentiles."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

__all__ = ["BATCH", "MODEL", "BusyShare", "PeakRss", "Row", "loadavg", "log", "percentile"]

MODEL = "en_core_web_sm"
BATCH = 64  # the raw baselines' nlp.pipe batch size (the service's batch of old)


class PeakRss:
    """Samples the resident memory of a process tree in a thread; keeps each process's peak."""

    def __init__(self, pid: int, interval: float = 0.2, *, include_root: bool = True) -> None:
        self.pid = pid
        self.interval = interval
        self.include_root = include_root
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> dict[int, int]:
        """Current RSS of every live process of the tree."""
        try:
            root = psutil.Process(self.pid)
            procs = root.children(recursive=True)
            if self.include_root:
                procs.append(root)
        except psutil.NoSuchProcess:
            return {}
        now: dict[int, int] = {}
        for proc in procs:
            try:
                now[proc.pid] = proc.memory_info().rss
            except psutil.Error:
                continue
        return now

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid, rss in self.sample().items():
                self.peaks[pid] = max(self.peaks.get(pid, 0), rss)
            self._stop.wait(self.interval)

    @property
    def peak_mb(self) -> float:
        return max(self.peaks.values(), default=0) / 2**20


class BusyShare:
    """CPU share of each pipeline process of a service (its tree's grandchildren: supervisor
    -> worker -> pipeline child) from now until `shares()`: how evenly the workers were fed."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.started = time.monotonic()
        self.cpu = self._cpu()

    def _cpu(self) -> dict[int, float]:
        seconds: dict[int, float] = {}
        try:
            workers = psutil.Process(self.pid).children()
            for worker in workers:
                for child in worker.children():
                    times = child.cpu_times()
                    seconds[child.pid] = times.user + times.system
        except psutil.Error:
            pass
        return seconds

    def shares(self) -> list[float]:
        """Busy share of each pipeline process alive at both ends, busiest first."""
        wall = time.monotonic() - self.started
        now = self._cpu()
        used = [now[pid] - self.cpu[pid] for pid in now if pid in self.cpu]
        return sorted((u / wall for u in used if wall > 0), reverse=True)


@dataclass
class Row:
    """One line of the table."""

    name: str
    articles: int
    words: int
    seconds: float
    rss_mb: float
    processes: int
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def articles_s(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0

    @property
    def words_s(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')} load {loadavg()}] {message}", file=sys.stderr, flush=True)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[rank]
