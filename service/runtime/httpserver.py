"""HTTP for operators: /metrics of all workers, /healthz and /readyz, from the supervisor."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

__all__ = ["OpsServer"]


class _ReadyCollector(Collector):
    """What /readyz answers, as a gauge, so a dashboard can count ready pods."""

    def __init__(self, ready: Callable[[], bool]) -> None:
        self._ready = ready

    def collect(self) -> list[Metric]:
        return [
            GaugeMetricFamily(
                "entity_ready",
                "1 when every worker loaded its model and joined the group, else 0.",
                value=1.0 if self._ready() else 0.0,
            )
        ]


def _registry(ready: Callable[[], bool]) -> CollectorRegistry:
    """All worker processes' metrics, merged from the multiprocess folder (no double counting).

    The merged files carry no process_* metrics; those here are the supervisor's own, the
    workers' CPU and memory come from `entity_worker_*` (see service/metrics.py).
    """
    registry = CollectorRegistry()
    path = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    MultiProcessCollector(registry, path=path)  # type: ignore[no-untyped-call]  # unannotated
    ProcessCollector(registry=registry)
    registry.register(_ReadyCollector(ready))
    return registry


class OpsServer:
    """A small threaded HTTP server; probes are callables so it knows nothing of workers."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        alive: Callable[[], bool],
        ready: Callable[[], bool],
    ) -> None:
        probes = {"/healthz": alive, "/readyz": ready}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the http.server API
                path = self.path.split("?", 1)[0]
                if path == "/metrics":
                    self._send(200, generate_latest(_registry(ready)), CONTENT_TYPE_LATEST)
                elif path in probes:
                    ok = probes[path]()
                    self._send(200 if ok else 503, b"ok\n" if ok else b"not ok\n", "text/plain")
                else:
                    self._send(404, b"not found\n", "text/plain")

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return  # scrapes every second would drown the logs

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
