"""Where the Kafka path's time goes against the offline path's (issue 24): one backlog each.

Usage: kafka_cpu.py [--articles 400] [--rounds 1] [--env NAME=VALUE ...]. Per process role
(broker, this script with its output collector, supervisor or CLI, worker, pipeline child)
the CPU seconds over the measured span, the pipeline children's busy share and CPU per
article, and a per-second timeline of the children's work: whether the Kafka path loses its
time at the start (group join), in the steady state (children waiting for polls or sharing
the cores with the broker and the workers) or at the end (one worker's partitions end first).
The offline path's span runs from its start plus its start-up (a run of one article, as
the bench takes it) to its exit, the
Kafka path's from /readyz to its last output; ratios within one run only (shared machine).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import BenchArticle, build_corpus  # noqa: E402
from bench.kafka_support import (  # noqa: E402
    Collector,
    Service,
    committed_then_read,
    fresh_topics,
    publish,
)
from bench.measure import loadavg, log  # noqa: E402
from service.kafka.broker import DEFAULT_PARTITIONS, EmbeddedBroker, ensure_topics  # noqa: E402

__all__ = ["main"]

Sample = tuple[float, dict[int, tuple[str, float]]]


class CpuTimeline:
    """Samples the CPU seconds of every process of a tree (by role) and of other named pids."""

    def __init__(self, root: int, others: dict[int, str], interval: float = 0.25) -> None:
        self.root, self.others, self.interval = root, others, interval
        self.samples: list[Sample] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> CpuTimeline:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> dict[int, tuple[str, float]]:
        seen: dict[int, tuple[str, float]] = {}
        procs: list[tuple[psutil.Process, str]] = []
        try:
            root = psutil.Process(self.root)
            procs.append((root, "parent"))
            for child in root.children():
                role = "worker"
                if "resource_tracker" in " ".join(child.cmdline()):
                    role = "other"
                procs.append((child, role))
                procs.extend((g, "pipeline") for g in child.children())
        except psutil.Error:
            pass
        procs.extend((psutil.Process(pid), role) for pid, role in self.others.items())
        for proc, role in procs:
            try:
                times = proc.cpu_times()
            except psutil.Error:
                continue
            seen[proc.pid] = (role, times.user + times.system)
            seen[-proc.pid] = (role + ".sys", times.system)
        return seen

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.time(), self._sample()))
            self._stop.wait(self.interval)

    def at(self, when: float) -> dict[int, tuple[str, float]]:
        """Each process's last sample taken at or before `when` (its first if none)."""
        best: dict[int, tuple[str, float]] = dict(self.samples[0][1])
        for t, sample in self.samples:
            if t > when:
                break
            best.update(sample)
        return best

    def used(self, start: float, end: float) -> dict[int, tuple[str, float]]:
        """CPU seconds each process used between two times (processes alive at both)."""
        a, b = self.at(start), self.at(end)
        return {pid: (role, b[pid][1] - a[pid][1]) for pid, (role, _) in b.items() if pid in a}


def report(
    name: str,
    timeline: CpuTimeline,
    start: float,
    end: float,
    articles: int,
    outputs: Sequence[float] = (),
) -> dict[str, float]:
    """Print the span's CPU by role and the children's per-second timeline; return figures."""
    wall = end - start
    used = timeline.used(start, end)
    by_role: dict[str, float] = {}
    for role, seconds in used.values():
        by_role[role] = by_role.get(role, 0.0) + seconds
    children = sorted((s for r, s in used.values() if r == "pipeline"), reverse=True)
    rate = articles / wall if wall > 0 else 0.0
    roles = ", ".join(f"{role} {seconds:.1f}s ({seconds / wall:.2f} cores)"
                      for role, seconds in sorted(by_role.items()))
    shares = ", ".join(f"{s / wall:.0%}" for s in children)
    child_ms = 1000 * sum(children) / articles if articles else 0.0
    print(f"{name}: {articles} articles in {wall:.1f}s = {rate:.2f}/s; CPU {roles}")
    print(f"{name}: pipeline busy {shares}; pipeline CPU {child_ms:.1f} ms/article; "
          f"all CPU {sum(v for k, v in by_role.items() if '.' not in k) / wall:.2f} cores")
    line = []
    second = start
    while second < end:
        step = timeline.used(second, min(second + 1.0, end))
        busy = sorted((s for r, s in step.values() if r == "pipeline"), reverse=True)
        rest = sum(s for r, s in step.values() if r != "pipeline" and "." not in r)
        done = sum(1 for t in outputs if second <= t < second + 1.0)
        cell = "/".join(f"{int(100 * b):d}" for b in busy) + f"+{int(100 * rest)}"
        line.append(cell + (f":{done}" if outputs else ""))
        second += 1.0
    tail = " : outputs" if outputs else ""
    print(f"{name} per second (children busy %/.. + everything else %{tail}):")
    for i in range(0, len(line), 10):
        print("   " + " ".join(f"{c:>16}" for c in line[i:i + 10]))
    return {"rate": rate, "child_ms": child_ms, "wall": wall, **by_role}


def metrics_lines(port: int) -> list[str]:
    """The service's batch, publish and commit metrics (its /metrics, filtered)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            text = response.read().decode()
    except OSError as exc:
        return [f"metrics unavailable: {exc}"]
    keep = ("entity_batch_size_sum", "entity_batch_size_count", "entity_consumer_commits_total",
            'entity_stage_seconds_sum{stage="publish"}', "entity_consumer_rebalances_total")
    return [line for line in text.splitlines() if line.startswith(keep)]


async def kafka_run(
    broker_pid: int,
    bootstrap: str,
    corpus: list[BenchArticle],
    extra: dict[str, str],
    root: Path = ROOT,
    name: str = "kafka",
    live: bool = True,
) -> dict[str, float]:
    topics = fresh_topics("cpu")
    await ensure_topics(bootstrap, [topics["input"], topics["output"], topics["dlq"]],
                        DEFAULT_PARTITIONS)
    await publish(bootstrap, topics["input"], corpus)
    collector = Collector(bootstrap, [topics["output"], topics["dlq"]])
    if live:
        await collector.start()
    service = Service(bootstrap, topics, extra, root)
    try:
        with CpuTimeline(service.process.pid, {broker_pid: "broker", os.getpid(): "bench"}) as tl:
            await service.wait_ready(180)
            t0 = time.time()
            if live:
                await collector.wait_for([a.id for a in corpus], 600)
                seen = collector.first_seen
            else:
                seen = await committed_then_read(bootstrap, topics, len(corpus),
                                                  DEFAULT_PARTITIONS)
            after = [t for t in seen.values() if t >= t0]
            end = max(after, default=t0)
            await asyncio.sleep(0.3)
        before = len(seen) - len(after)
        figures = report(name, tl, t0, end, len(after), after)
        print(f"{name}: {before} done before /readyz; first output {min(after) - t0:.1f}s after")
        for line in metrics_lines(service.port):
            print(f"{name} metrics: {line}")
    finally:
        service.stop()
        if live:
            await collector.stop()
    return figures


def offline_run(broker_pid: int, corpus: list[BenchArticle]) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENTITY_")}
    with tempfile.TemporaryDirectory(prefix="bench-cpu-") as folder:
        source = Path(folder) / "in.jsonl"
        source.write_bytes(b"\n".join(a.message for a in corpus) + b"\n")
        cli = [sys.executable, "-m", "service.cli", "process", "--input", str(source),
               "--output", str(Path(folder) / "out.jsonl"), "--dead-letters",
               str(Path(folder) / "dead.jsonl")]
        tiny = Path(folder) / "one.jsonl"
        tiny.write_bytes(corpus[0].message + b"\n")
        started = time.time()  # start-up as the bench takes it: a run of one article
        subprocess.run([*cli[:-6], "--input", str(tiny), *cli[-4:]], env=env, cwd=ROOT,
                       check=True, stderr=subprocess.DEVNULL)
        startup = time.time() - started
        started = time.time()
        child = subprocess.Popen(cli, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
        with CpuTimeline(child.pid, {broker_pid: "broker", os.getpid(): "bench"}) as tl:
            child.wait()
            end = time.time()
        t0 = started + startup
        print(f"offline: start-up {startup:.1f}s (a run of one article)")
    return report("offline", tl, t0, end, len(corpus))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=1, help="offline then Kafka, this often")
    parser.add_argument("--skip-offline", action="store_true")
    parser.add_argument("--base", type=Path, default=None,
                        help="another checkout whose Kafka path runs too (A/B in one run)")
    parser.add_argument("--only-quiet", action="store_true",
                        help="with --quiet-reader: skip the run with the live reader")
    parser.add_argument("--quiet-reader", action="store_true",
                        help="also run this Kafka path without the live output reader (what "
                        "the bench's own reader costs the 2 cores)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra settings for the Kafka path's service")
    args = parser.parse_args(argv)
    extra = dict(item.split("=", 1) for item in args.env)
    corpus = build_corpus(args.articles)
    print(f"# kafka_cpu {time.strftime('%H:%M:%S')} load {loadavg()}; {len(corpus)} articles, "
          f"{DEFAULT_PARTITIONS} partitions, extra {extra}")
    with EmbeddedBroker() as broker:
        assert broker._process is not None
        pid = broker._process.pid
        for round_ in range(args.rounds):
            if not args.skip_offline:
                log(f"round {round_ + 1}: offline")
                off = offline_run(pid, corpus)
            if args.base is not None:
                log(f"round {round_ + 1}: kafka of {args.base}")
                base = asyncio.run(kafka_run(pid, broker.bootstrap_servers, corpus, {},
                                             args.base, "base"))
            if args.only_quiet and args.quiet_reader:
                quiet = asyncio.run(kafka_run(pid, broker.bootstrap_servers, corpus, extra,
                                              name="quiet", live=False))
                if not args.skip_offline:
                    print(f"round {round_ + 1}: quiet/offline {quiet['rate'] / off['rate']:.2f}")
                continue
            log(f"round {round_ + 1}: kafka")
            kafka = asyncio.run(kafka_run(pid, broker.bootstrap_servers, corpus, extra))
            if args.base is not None:
                print(f"round {round_ + 1}: kafka/base {kafka['rate'] / base['rate']:.2f}")
            if args.quiet_reader:
                log(f"round {round_ + 1}: kafka without the live reader")
                quiet = asyncio.run(kafka_run(pid, broker.bootstrap_servers, corpus, extra,
                                              name="quiet", live=False))
                print(f"round {round_ + 1}: quiet/kafka {quiet['rate'] / kafka['rate']:.2f}")
            if not args.skip_offline:
                print(f"round {round_ + 1}: kafka/offline {kafka['rate'] / off['rate']:.2f}, "
                      f"pipeline ms/article {kafka['child_ms']:.1f} vs {off['child_ms']:.1f}")
    print(f"# end load {loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
