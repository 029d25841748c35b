"""Per-batch cost of the output headers and of tracing (issue 14), through FastStream's publisher.

Usage: telemetry_overhead.py [--batch 64] [--repeat 40]. Publishes one batch of real records
(from samples/) through the worker's publishers to the embedded broker, acks="all", as the
service does: (a) a bare publish with the old single header, (b) the service's publisher with
tracing off (trace context and CloudEvents headers), (c) the same with tracing on (FastStream's
telemetry middleware, spans exported by a BatchSpanProcessor to a local OTLP/HTTP receiver).
Prints the median per batch; the paths take turns (and turns going first), so drift and
order hit them alike.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from service.config import Settings  # noqa: E402
from service.kafka.broker import EmbeddedBroker, ensure_topics  # noqa: E402
from service.kafka.publisher import Output  # noqa: E402
from service.kafka.worker import Worker  # noqa: E402
from service.models import ArticleRecord  # noqa: E402
from service.pipeline import Pipeline, RawMessage, serialize  # noqa: E402

__all__ = ["main"]

PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


class _Sink(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # the OTLP receiver: read and acknowledge
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


def outputs_of(settings: Settings, size: int) -> list[Output]:
    lines = (ROOT / "samples" / "articles.jsonl").read_bytes().splitlines()
    raws = [RawMessage(value=line, key=b"k") for line in lines if line.strip()]
    records = [
        o for o in Pipeline(settings).process(raws).outcomes if isinstance(o, ArticleRecord)
    ]
    picked = [records[i % len(records)] for i in range(size)]
    return [Output(RawMessage(b"", b"k"), r, {"traceparent": PARENT}) for r in picked]


async def measure(
    settings: Settings, outputs: list[Output], repeat: int, endpoint: str
) -> dict[str, list[float]]:
    off = Worker(settings)
    on = Worker(settings.model_copy(update={"otel_exporter_otlp_endpoint": endpoint}))
    await ensure_topics(settings.kafka_bootstrap_servers, [settings.output_topic], 4)
    for worker in (off, on):
        await worker.broker.connect()

    async def bare() -> None:
        await asyncio.gather(
            *(
                off.records_out.publish(
                    serialize(o.outcome),
                    key=o.outcome.article_id.encode(),  # the same keys (partitions) as (b), (c)
                    headers={"content-type": "application/json"},
                )
                for o in outputs
            )
        )

    paths: dict[str, Callable[[], Awaitable[None]]] = {
        "(a) bare publish, one header": bare,
        "(b) publisher, tracing off": lambda: off.publisher.publish(outputs),
        "(c) publisher, tracing on": lambda: on.publisher.publish(outputs),
    }
    samples: dict[str, list[float]] = {name: [] for name in paths}
    names = list(paths)
    for round_ in range(repeat + 1):
        turn = names[round_ % 3 :] + names[: round_ % 3]  # each path goes first in turn
        for name in turn:
            publish = paths[name]
            started = time.perf_counter()
            await publish()
            if round_:  # the first round warms up connections and caches
                samples[name].append(time.perf_counter() - started)
    for worker in (off, on):
        await worker.broker.stop()
    on.tracing.shutdown()
    return samples


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args(argv)
    sink = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{sink.server_address[1]}"
    with EmbeddedBroker() as broker:
        settings = Settings(kafka_bootstrap_servers=broker.bootstrap_servers)
        outputs = outputs_of(settings, args.batch)
        samples = asyncio.run(measure(settings, outputs, args.repeat, endpoint))
    sink.shutdown()
    medians = {name: statistics.median(values) for name, values in samples.items()}
    base = medians["(a) bare publish, one header"]
    print(f"batch of {args.batch} records to the embedded broker, median of {args.repeat}")
    print("| path | ms per batch | vs (a) |")
    print("|---|---:|---:|")
    for name, seconds in medians.items():
        print(f"| {name} | {seconds * 1000:.2f} | {seconds / base:.2f} |")


if __name__ == "__main__":
    main()
