"""The `entity-service` command: run | process | publish | tail | broker | demo | schemas."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import orjson
from pydantic import ValidationError

from service.config import Settings
from service.kafka.security import client_options

__all__ = ["build_parser", "main"]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SAMPLES = PROJECT_ROOT / "samples" / "articles.jsonl"


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def _settings(**overrides: Any) -> Settings:
    """Settings from the environment with the command's options on top, all validated."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        # Not str(exc): pydantic quotes the input values, and they hold the SASL password.
        reasons = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}"
            for e in exc.errors(include_input=False, include_url=False)
        )
        raise CliError(f"invalid configuration: {reasons}") from None


# --- run -----------------------------------------------------------------------------------
async def _check_kafka(settings: Settings, timeout_s: float) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        request_timeout_ms=int(timeout_s * 1000),
        **client_options(settings),
    )
    try:
        await _start(admin, settings, timeout_s)
        topics = set(await _answer(admin.list_topics(), settings, timeout_s))
    finally:
        with contextlib.suppress(Exception):
            await admin.close()
    if settings.input_topic not in topics:
        logging.getLogger("entity_service").warning(
            "input topic %s does not exist yet on %s", settings.input_topic,
            settings.kafka_bootstrap_servers,
        )


def _prepare_multiproc_dir(settings: Settings) -> Path:
    """Fresh folder for the workers' metric files; stale files would resurrect old counts."""
    folder = settings.prometheus_multiproc_dir or Path(tempfile.mkdtemp(prefix="entity-metrics-"))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    return folder


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(metrics_port=args.metrics_port, workers=args.workers)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s supervisor %(levelname)s %(message)s"
    )
    asyncio.run(_check_kafka(settings, timeout_s=args.connect_timeout))
    _prepare_multiproc_dir(settings)

    from service.runtime.httpserver import OpsServer
    from service.runtime.supervisor import Supervisor

    supervisor = Supervisor(settings)
    stop = threading.Event()

    def request_stop(signum: int, _frame: Any) -> None:
        logging.getLogger("entity_service").info("signal %d: draining workers", signum)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        server = OpsServer(
            settings.metrics_host,
            settings.metrics_port,
            alive=supervisor.alive,
            ready=supervisor.ready,
        )
    except OSError as exc:
        raise CliError(f"cannot serve HTTP on port {settings.metrics_port}: {exc}") from None
    server.start()
    print(
        f"entity-service: {settings.workers} worker(s) consuming {settings.input_topic} "
        f"from {settings.kafka_bootstrap_servers}; metrics on :{server.port}/metrics",
        file=sys.stderr,
        flush=True,
    )
    supervisor.start()
    try:
        code = supervisor.watch(stop.is_set)
    finally:
        supervisor.stop()
        server.stop()
    return code


# --- process (offline) ---------------------------------------------------------------------
def _open_in(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")  # noqa: SIM115  # closed by the caller
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from None


def _open_out(path: str | None, default: IO[bytes]) -> IO[bytes]:
    if path is None or path == "-":
        return default
    try:
        return open(path, "wb")  # noqa: SIM115  # closed by the caller
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from None


def _batches(lines: Iterator[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in lines:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


_POOL_PIPELINE: Any = None


def _pool_init(settings: Settings) -> None:
    global _POOL_PIPELINE
    from service.pipeline import Pipeline

    _POOL_PIPELINE = Pipeline(settings)


def _pool_process(batch: list[Any]) -> list[tuple[bool, bytes]]:
    from service.models import ArticleRecord
    from service.pipeline import serialize

    result = _POOL_PIPELINE.process(batch)
    return [(isinstance(o, ArticleRecord), serialize(o)) for o in result.outcomes]


def cmd_process(args: argparse.Namespace) -> int:
    settings = _settings(workers=args.workers)
    from service.pipeline import iter_lines

    source = _open_in(args.input)
    out = _open_out(args.output, sys.stdout.buffer)
    dead = _open_out(args.dead_letters, sys.stderr.buffer)
    counts = {"records": 0, "dead_letters": 0}
    batches = _batches(iter(iter_lines(source)), settings.batch_max_records)
    try:
        if settings.workers > 1:
            import multiprocessing

            ctx = multiprocessing.get_context("spawn")
            with ctx.Pool(settings.workers, initializer=_pool_init, initargs=(settings,)) as pool:
                for results in pool.imap(_pool_process, batches):
                    _write(results, out, dead, counts)
        else:
            _pool_init(settings)
            for batch in batches:
                _write(_pool_process(batch), out, dead, counts)
    finally:
        for handle in (source, out, dead):
            if handle not in (sys.stdin.buffer, sys.stdout.buffer, sys.stderr.buffer):
                handle.close()
            else:
                handle.flush()
    print(
        f"entity-service process: {counts['records']} records, "
        f"{counts['dead_letters']} dead letters",
        file=sys.stderr,
    )
    return 0


def _write(
    results: list[tuple[bool, bytes]], out: IO[bytes], dead: IO[bytes], counts: dict[str, int]
) -> None:
    for is_record, payload in results:
        if is_record:
            out.write(payload + b"\n")
            counts["records"] += 1
        else:
            dead.write(payload + b"\n")
            counts["dead_letters"] += 1


# --- publish / tail ------------------------------------------------------------------------
def _read_messages(path: str) -> list[tuple[bytes | None, bytes]]:
    """(key, value) pairs: JSON Lines as they are (bad lines too), or a folder of .txt/.html."""
    folder = Path(path)
    if path != "-" and folder.is_dir():
        messages: list[tuple[bytes | None, bytes]] = []
        for file in sorted(folder.iterdir()):
            if file.suffix.lower() not in (".txt", ".html", ".htm"):
                continue
            field = "text" if file.suffix.lower() == ".txt" else "html"
            body = file.read_text(encoding="utf-8", errors="replace")
            messages.append(
                (file.stem.encode(), orjson.dumps({"id": file.stem, field: body}))
            )
        if not messages:
            raise CliError(f"{path} holds no .txt or .html files")
        return messages
    from service.deadletters import peek_article_id

    with contextlib.ExitStack() as stack:
        source = _open_in(path)
        if source is not sys.stdin.buffer:
            stack.enter_context(source)
        pairs = []
        for line in source:
            value = line.rstrip(b"\r\n")
            if value.strip():
                article_id = peek_article_id(value)
                pairs.append((article_id.encode() if article_id else None, value))
        return pairs


async def _answer(call: Any, settings: Settings, timeout_s: float) -> Any:
    """Await a client call, or say plainly that the cluster cannot be reached."""
    try:
        return await asyncio.wait_for(call, timeout_s)
    except Exception as exc:
        raise CliError(
            f"cannot connect to Kafka at {settings.kafka_bootstrap_servers}: "
            f"{type(exc).__name__}: {exc or 'timed out'}"
        ) from None


async def _start(client: Any, settings: Settings, timeout_s: float = 15.0) -> None:
    """Start an aiokafka client (producer, consumer or admin) within the time limit."""
    await _answer(client.start(), settings, timeout_s)


async def _publish(settings: Settings, messages: Sequence[tuple[bytes | None, bytes]]) -> None:
    from aiokafka import AIOKafkaProducer
    from tqdm import tqdm

    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        enable_idempotence=settings.kafka_enable_idempotence,
        max_request_size=max(settings.max_message_bytes * 2, 1_048_576),
        linger_ms=5,
        **client_options(settings),
    )
    await _start(producer, settings)
    try:
        futures = []
        with tqdm(total=len(messages), unit="msg", disable=None if len(messages) > 200 else True,
                  file=sys.stderr) as bar:
            for key, value in messages:
                futures.append(await producer.send(settings.input_topic, value, key=key))
                bar.update(1)
            await asyncio.gather(*futures)
    finally:
        await producer.stop()


def cmd_publish(args: argparse.Namespace) -> int:
    settings = _settings(input_topic=args.topic)
    messages = _read_messages(args.input)
    asyncio.run(_publish(settings, messages))
    print(f"published {len(messages)} messages to {settings.input_topic}", file=sys.stderr)
    return 0


async def _tail(
    settings: Settings, topics: Sequence[str], count: int | None, timeout_s: float, out: IO[bytes]
) -> int:
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **client_options(settings),
    )
    await _start(consumer, settings)
    seen = 0
    deadline = time.monotonic() + timeout_s
    try:
        while (count is None or seen < count) and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    out.write((record.value or b"") + b"\n")
                    seen += 1
            out.flush()
    finally:
        await consumer.stop()
    return seen


def cmd_tail(args: argparse.Namespace) -> int:
    settings = _settings()
    topic = args.topic or settings.output_topic
    seen = asyncio.run(_tail(settings, [topic], args.count, args.timeout, sys.stdout.buffer))
    if args.count is not None and seen < args.count:
        print(f"tail: only {seen} of {args.count} messages within {args.timeout}s", file=sys.stderr)
        return 1
    return 0


# --- broker / demo / schemas ---------------------------------------------------------------
def cmd_broker(args: argparse.Namespace) -> int:
    from service.kafka.broker import EmbeddedBroker

    broker = EmbeddedBroker(port=args.port, host=args.host, partitions=args.partitions)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    broker.start()
    print(f"KAFKA_BOOTSTRAP_SERVERS={broker.bootstrap_servers}", flush=True)
    print(f"topics: {', '.join(broker.topics)} ({broker.partitions} partitions)", flush=True)
    try:
        stop.wait()
    finally:
        broker.stop()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from service.kafka.broker import EmbeddedBroker

    samples = Path(args.input)
    if not samples.is_file():
        raise CliError(f"no sample articles at {samples}")
    messages = _read_messages(str(samples))
    with EmbeddedBroker() as broker:
        env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers}
        print(f"demo: embedded broker on {broker.bootstrap_servers}", file=sys.stderr, flush=True)
        service = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "run", "--metrics-port", str(args.metrics_port)],
            env=env,
        )
        try:
            settings = _settings(kafka_bootstrap_servers=broker.bootstrap_servers)
            asyncio.run(_publish(settings, messages))
            print(f"demo: published {len(messages)} sample articles", file=sys.stderr, flush=True)
            import io

            buffer = io.BytesIO()
            seen = asyncio.run(
                _tail(
                    settings,
                    [settings.output_topic, settings.dlq_topic],
                    len(messages),
                    args.timeout,
                    buffer,
                )
            )
            _show_demo_outputs(buffer.getvalue())
        finally:
            service.send_signal(signal.SIGTERM)
            try:
                service.wait(timeout=60)
            except subprocess.TimeoutExpired:
                service.kill()
    if seen < len(messages):
        print(f"demo: only {seen} of {len(messages)} outputs arrived", file=sys.stderr)
        return 1
    print(f"demo: {seen} outputs for {len(messages)} articles", file=sys.stderr)
    return 0


def _show_demo_outputs(payload: bytes) -> None:
    """Each output as indented JSON on stdout, then a one-line summary each on stderr."""
    summaries = []
    for line in payload.splitlines():
        output = orjson.loads(line)
        sys.stdout.buffer.write(orjson.dumps(output, option=orjson.OPT_INDENT_2) + b"\n")
        if "error" in output:
            summaries.append(f"  dead letter {output.get('article_id')}: {output['error']['type']}")
        else:
            events = ", ".join(
                f"{e['actor']} {e['type']} {e['target']}" for e in output["events"][:4]
            )
            summaries.append(
                f"  {output['article_id']}: {len(output['text'])} chars, "
                f"{len(output['entities'])} entities, {len(output['events'])} events ({events})"
            )
    sys.stdout.buffer.flush()
    print("demo: records\n" + "\n".join(summaries), file=sys.stderr)


def cmd_schemas(args: argparse.Namespace) -> int:
    from service.schemas import write_schemas

    for path in write_schemas(Path(args.output)):
        print(f"wrote {path}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="entity-service",
        description="Raw news articles in; entities and PLOVER events out, over Kafka.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="consume, process and publish (KAFKA_BOOTSTRAP_SERVERS)")
    run.add_argument("--metrics-port", type=int, default=None, help="HTTP port (default 9000)")
    run.add_argument("--workers", type=int, default=None, help="worker processes (default: cores)")
    run.add_argument("--connect-timeout", type=float, default=15.0, help="seconds to reach Kafka")
    run.set_defaults(func=cmd_run)

    process = commands.add_parser("process", help="the same pipeline offline, JSON Lines in/out")
    process.add_argument("--input", default="-", help="JSON Lines of Articles, or - for stdin")
    process.add_argument("--output", default="-", help="records as JSON Lines, or - for stdout")
    process.add_argument("--dead-letters", default=None, help="dead letters (default stderr)")
    process.add_argument("--workers", type=int, default=None, help="processes (default: cores)")
    process.set_defaults(func=cmd_process)

    publish = commands.add_parser("publish", help="publish Articles to the input topic")
    publish.add_argument("--input", required=True, help="JSON Lines file, -, or a folder")
    publish.add_argument("--topic", default=None, help="default: the input topic")
    publish.set_defaults(func=cmd_publish)

    tail = commands.add_parser("tail", help="print records (or dead letters) as JSON Lines")
    tail.add_argument("--count", type=int, default=None, help="stop after N messages")
    tail.add_argument("--topic", default=None, help="default: the output topic")
    tail.add_argument("--timeout", type=float, default=30.0, help="stop after this many seconds")
    tail.set_defaults(func=cmd_tail)

    broker = commands.add_parser("broker", help="the embedded Kafka-compatible broker")
    broker.add_argument("--port", type=int, default=9092)
    broker.add_argument("--host", default="127.0.0.1")
    broker.add_argument("--partitions", type=int, default=4)
    broker.set_defaults(func=cmd_broker)

    demo = commands.add_parser("demo", help="broker + service + sample articles, records printed")
    demo.add_argument("--input", default=str(DEFAULT_SAMPLES))
    demo.add_argument("--metrics-port", type=int, default=9000)
    demo.add_argument("--timeout", type=float, default=120.0)
    demo.set_defaults(func=cmd_demo)

    schemas = commands.add_parser("schemas", help="write the JSON Schemas and AsyncAPI document")
    schemas.add_argument("--output", default=str(PROJECT_ROOT / "schemas"))
    schemas.set_defaults(func=cmd_schemas)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except CliError as exc:
        print(f"entity-service {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())

