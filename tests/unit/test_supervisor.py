"""The supervisor: workers started, a dead one restarted, all stopped; what the probes report.

The worker processes here run stand-ins (no Kafka, no model) that play a worker's part in the
shared state: set ready, beat, exit on SIGTERM.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from service.config import Settings
from service.runtime.supervisor import Supervisor, WorkerState


def ready_worker(settings: Settings, index: int, state: WorkerState) -> None:
    """Ready at once, beating, until SIGTERM (exit 0)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    state.ready[index] = 1
    while True:
        state.heartbeat[index] = time.time()
        time.sleep(0.05)


def _crash_marker() -> Path:
    """A file naming the test process (the workers' parent): 'the first start crashed'."""
    return Path(tempfile.gettempdir()) / f"entity-supervisor-test-{os.getppid()}"


def crashing_worker(settings: Settings, index: int, state: WorkerState) -> None:
    """Dies at its first start; restarted, it behaves like a ready worker."""
    if _crash_marker().exists():
        ready_worker(settings, index, state)
    _crash_marker().touch()
    sys.exit(3)


def stubborn_worker(settings: Settings, index: int, state: WorkerState) -> None:
    """Ignores SIGTERM, as a worker stuck in a batch would."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    state.ready[index] = 1
    while True:
        time.sleep(0.05)


def until(check: Callable[[], bool], timeout: float = 60.0) -> bool:
    """Poll `check` until it holds; False after a generous timeout (a safety net only)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def make() -> Iterator[Callable[..., Supervisor]]:
    """Supervisors over stand-in workers, stopped after the test whatever happens."""
    made: list[Supervisor] = []

    def build(target: Callable[..., None], workers: int = 2, **more: object) -> Supervisor:
        supervisor = Supervisor(Settings(workers=workers, **more), target=target)
        made.append(supervisor)
        return supervisor

    yield build
    for supervisor in made:
        supervisor.stop()


class TestSupervisor:
    def test_ready_once_every_worker_is(self, make: Callable[..., Supervisor]) -> None:
        """/readyz is false before the workers start and true once each has said ready."""
        supervisor = make(ready_worker)
        assert not supervisor.ready()
        supervisor.start()
        assert until(supervisor.ready)
        assert supervisor.alive()

    def test_stalled_worker_is_not_ready(self, make: Callable[..., Supervisor]) -> None:
        """A worker with a stalled partition takes the pod out of rotation."""
        supervisor = make(ready_worker, workers=1)
        supervisor.start()
        assert until(supervisor.ready)
        supervisor.state.stalled[0] = 1
        assert not supervisor.ready()

    def test_stale_heartbeat_is_not_alive(self, make: Callable[..., Supervisor]) -> None:
        """A running worker whose loop stopped ticking fails /healthz."""
        supervisor = make(stubborn_worker, workers=1, drain_timeout_s=0.5)
        supervisor.start()
        assert until(supervisor.ready)
        supervisor.state.heartbeat[0] = time.time() - 120
        assert not supervisor.alive()

    def test_dead_worker_is_restarted(self, make: Callable[..., Supervisor]) -> None:
        """A worker that exits is started again, and the pool becomes ready."""
        marker = Path(tempfile.gettempdir()) / f"entity-supervisor-test-{os.getpid()}"
        marker.unlink(missing_ok=True)
        supervisor = make(crashing_worker, workers=1)
        supervisor.start()
        deadline = time.monotonic() + 60  # a safety net: watch() returns once ready
        try:
            code = supervisor.watch(lambda: supervisor.ready() or time.monotonic() > deadline)
        finally:
            marker.unlink(missing_ok=True)
        assert code == 0
        assert supervisor.ready()

    def test_stop_drains_then_kills(self, make: Callable[..., Supervisor]) -> None:
        """stop() ends obedient workers by SIGTERM and kills one that ignores it."""
        supervisor = make(stubborn_worker, workers=1, drain_timeout_s=0.5)
        supervisor.start()
        assert until(supervisor.ready)
        supervisor.stop()
        assert not supervisor.ready()
        assert supervisor.alive()  # no running worker left to be stale
