"""The operators' HTTP server: merged metrics, liveness and readiness from the given probes."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.runtime.httpserver import OpsServer


class Probes:
    """Switchable answers for /healthz and /readyz."""

    def __init__(self) -> None:
        self.alive = True
        self.ready = False


@pytest.fixture
def probes() -> Probes:
    return Probes()


@pytest.fixture
def server(
    probes: Probes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[OpsServer]:
    """A server on a free port over an empty multiprocess metrics folder."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    ops = OpsServer("127.0.0.1", 0, alive=lambda: probes.alive, ready=lambda: probes.ready)
    ops.start()
    yield ops
    ops.stop()


def get(server: OpsServer, path: str) -> tuple[int, str, str]:
    """(status, content type, body) of a GET."""
    url = f"http://127.0.0.1:{server.port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


class TestOpsServer:
    @pytest.mark.parametrize(
        ("path", "alive", "ready", "status"),
        [
            ("/healthz", True, False, 200),
            ("/healthz", False, True, 503),
            ("/readyz", True, False, 503),
            ("/readyz", True, True, 200),
            ("/readyz?verbose=1", True, True, 200),
        ],
    )
    def test_probes(
        self, server: OpsServer, probes: Probes, path: str, alive: bool, ready: bool, status: int
    ) -> None:
        """Each probe answers 200 or 503 from its callable, asked at request time."""
        probes.alive, probes.ready = alive, ready
        assert get(server, path)[0] == status

    def test_unknown_path_is_404(self, server: OpsServer) -> None:
        """Anything else is not found."""
        assert get(server, "/admin")[0] == 404

    def test_metrics_merge_the_workers_files(
        self, server: OpsServer, probes: Probes, tmp_path: Path
    ) -> None:
        """/metrics serves what worker processes wrote to the folder, plus entity_ready."""
        worker = "from prometheus_client import Counter; Counter('entity_test_items', 'x').inc(3)"
        env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
        subprocess.run([sys.executable, "-c", worker], env=env, check=True, timeout=60)
        probes.ready = True
        status, content_type, body = get(server, "/metrics")
        assert status == 200 and content_type.startswith("text/plain")
        assert "entity_test_items_total 3.0" in body
        assert "entity_ready 1.0" in body
