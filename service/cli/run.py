"""`entity-service run`: the service itself, a supervisor with N worker processes and HTTP."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from service.cli import CliError, settings_from
from service.config import Settings
from service.kafka.clients import topic_exists
from service.kafka.security import client_options

__all__ = ["register"]

log = logging.getLogger("entity_service")


def register(commands: Any) -> None:
    run = commands.add_parser("run", help="consume, process and publish (KAFKA_BOOTSTRAP_SERVERS)")
    run.add_argument("--metrics-port", type=int, default=None, help="HTTP port (default 9000)")
    run.add_argument(
        "--workers", type=int, default=None, help="consumers (default 1, a pipeline per core)"
    )
    run.add_argument("--connect-timeout", type=float, default=15.0, help="seconds to reach Kafka")
    run.set_defaults(func=cmd_run)


async def check_kafka(settings: Settings, timeout_s: float) -> None:
    """Fail at start-up, in one line, when the cluster does not answer; warn on a missing topic."""
    exists = await topic_exists(
        settings.kafka_bootstrap_servers,
        settings.input_topic,
        timeout_s=timeout_s,
        **client_options(settings),
    )
    if not exists:
        log.warning(
            "input topic %s does not exist yet on %s",
            settings.input_topic,
            settings.kafka_bootstrap_servers,
        )


@contextlib.contextmanager
def multiproc_dir(settings: Settings) -> Iterator[Path]:
    """Fresh folder for the workers' metric files; stale files would resurrect old counts.

    A folder we made ourselves goes when the service stops: one per start would pile up in /tmp.
    """
    configured = settings.prometheus_multiproc_dir
    folder = configured or Path(tempfile.mkdtemp(prefix="entity-metrics-"))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    before = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    try:
        yield folder
    finally:
        if before is None:
            os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
        else:
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = before
        if configured is None:
            shutil.rmtree(folder, ignore_errors=True)


def cmd_run(args: argparse.Namespace) -> int:
    settings = settings_from(metrics_port=args.metrics_port, workers=args.workers)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s supervisor %(levelname)s %(message)s"
    )
    asyncio.run(check_kafka(settings, timeout_s=args.connect_timeout))
    with multiproc_dir(settings):
        return _serve(settings)


def _serve(settings: Settings) -> int:
    from service.app import create_app
    from service.runtime.httpserver import OpsServer
    from service.runtime.supervisor import Supervisor, run_worker

    supervisor = Supervisor(settings, functools.partial(run_worker, app_factory=create_app))
    stop = threading.Event()

    def request_stop(signum: int, _frame: Any) -> None:
        log.info("signal %d: draining workers", signum)
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
        f"entity-service: {settings.workers} worker(s) with {settings.pipelines_per_worker} "
        f"pipeline(s) each consuming {settings.input_topic} "
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
