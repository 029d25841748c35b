"""`entity-service ui`: the live page over the output and dead-letter topics."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import subprocess
import sys
import threading
from typing import Any

from service.cli import CliError, settings_from
from service.kafka.clients import KafkaUnreachable, answer

__all__ = ["cmd_ui", "register", "start_alongside", "stay_up_until_interrupted", "stop_child"]


def register(commands: Any) -> None:
    """Add the `ui` command to the CLI's sub-parsers."""
    ui = commands.add_parser(
        "ui", help="a live page of the recent records and dead letters (KAFKA_BOOTSTRAP_SERVERS)"
    )
    ui.add_argument("--port", type=int, default=None, help="HTTP port (default 8080)")
    ui.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    ui.add_argument(
        "--recent", type=int, default=None, help="messages per topic to start with (default 200)"
    )
    ui.add_argument("--connect-timeout", type=float, default=15.0, help="seconds to reach Kafka")
    ui.set_defaults(func=cmd_ui)


def cmd_ui(args: argparse.Namespace) -> int:
    from service.ui.follower import Follower
    from service.ui.server import bind, serve
    from service.ui.store import RecentStore

    settings = settings_from(ui_port=args.port, ui_host=args.host, ui_recent=args.recent)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s ui %(levelname)s %(message)s")
    logging.getLogger("aiokafka").setLevel(max(logging.WARNING, logging.root.level))
    try:
        sock = bind(settings.ui_host, settings.ui_port)
    except OSError as exc:
        raise CliError(
            f"cannot serve HTTP on {settings.ui_host}:{settings.ui_port}: {exc.strerror}"
        ) from None
    store = RecentStore(settings.ui_recent)

    async def main() -> None:
        follower = Follower(settings, store)
        try:
            await answer(follower.start(), settings.kafka_bootstrap_servers, args.connect_timeout)
        except KafkaUnreachable:
            await follower.stop()
            raise
        host, port = sock.getsockname()[:2]
        print(
            f"entity-service ui: http://{host}:{port}/ following {settings.output_topic} and "
            f"{settings.dlq_topic} on {settings.kafka_bootstrap_servers} "
            f"(last {settings.ui_recent} per topic)",
            file=sys.stderr,
            flush=True,
        )
        await serve(store, follower, sock)

    # uvicorn shuts down on SIGINT/SIGTERM, then re-raises the signal to the handler it found:
    # ours, so a clean shutdown exits 0 instead of dying of the signal.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: None)
    try:
        asyncio.run(main())
    finally:
        sock.close()
    return 0


def start_alongside(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """`entity-service ui` as a child of another command (the demo), on the same cluster."""
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "ui", "--port", str(port)], env=env
    )
    print(f"watch the records: http://127.0.0.1:{port}/", file=sys.stderr, flush=True)
    return process


def stay_up_until_interrupted(children: list[subprocess.Popen[bytes]]) -> None:
    """Keep a stack with its page running until Ctrl-C / SIGTERM, or until a child exits."""
    stop = threading.Event()
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = [signal.signal(signum, lambda *_: stop.set()) for signum in signals]
    print("the page stays up; Ctrl-C to stop", file=sys.stderr, flush=True)
    try:
        while not stop.wait(0.5):
            if any(child.poll() is not None for child in children):
                return
    finally:
        for signum, handler in zip(signals, previous, strict=True):
            signal.signal(signum, handler)


def stop_child(process: subprocess.Popen[bytes], timeout_s: float = 30.0) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
