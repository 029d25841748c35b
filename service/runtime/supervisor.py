"""Process model: a light supervisor process and N worker processes, one consumer each.

spaCy is CPU-bound and holds the GIL, so cores are used by processes, each a member of the
same consumer group with its own model; the supervisor serves HTTP and restarts the dead.
Process management sits below the application: the caller hands in what a worker runs (for
the service, `run_worker` bound to `service.app.create_app`), this module imports neither.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import time
from dataclasses import dataclass
from multiprocessing.sharedctypes import SynchronizedArray
from typing import TYPE_CHECKING, Any

from service.config import Settings
from service.runtime.lifeline import die_with_parent

if TYPE_CHECKING:
    from collections.abc import Callable
    from multiprocessing.context import SpawnProcess

    from faststream import FastStream

    #: Builds a worker's application: (settings, on_ready=, on_stall=, index=) -> the app.
    AppFactory = Callable[..., FastStream]

__all__ = ["Supervisor", "WorkerState", "run_worker"]

log = logging.getLogger("entity_service.supervisor")

_STARTING, _READY = 0, 1


@dataclass(frozen=True)
class WorkerState:
    """Shared memory between supervisor and workers: readiness, stalls and loop heartbeats."""

    ready: SynchronizedArray[int]
    heartbeat: SynchronizedArray[float]
    stalled: SynchronizedArray[int]  # 1 while a partition of the worker's is stalled

    @classmethod
    def create(cls, workers: int) -> WorkerState:
        ctx = multiprocessing.get_context("spawn")
        return cls(
            ready=ctx.Array("i", workers),
            heartbeat=ctx.Array("d", workers),
            stalled=ctx.Array("i", workers),
        )


def _forget_metrics_of(pid: int | None) -> None:
    """Drop a dead worker's `live*` gauges (in flight, lag, memory) from the merged metrics."""
    if pid is not None and os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]  # unannotated


def run_worker(
    settings: Settings, index: int, state: WorkerState, *, app_factory: AppFactory
) -> None:
    """Entry point of a worker process: the app `app_factory` builds, until SIGTERM.

    The factory travels to the spawned process by reference (a module-level function).
    """
    import asyncio

    die_with_parent()  # a worker whose supervisor was killed drains and exits
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the supervisor, which drains us
    logging.basicConfig(
        level=settings.log_level,
        format=f"%(asctime)s worker-{index} %(levelname)s %(name)s: %(message)s",
    )
    def ready() -> None:
        state.ready[index] = _READY

    def stall(stalled: bool) -> None:
        state.stalled[index] = int(stalled)

    async def main() -> None:
        app = app_factory(settings, on_ready=ready, on_stall=stall, index=index)

        async def beat() -> None:
            while True:
                state.heartbeat[index] = time.time()
                await asyncio.sleep(1.0)

        task = asyncio.create_task(beat())
        try:
            await app.run()
        finally:
            task.cancel()
            state.ready[index] = _STARTING
            state.stalled[index] = 0

    asyncio.run(main())


class Supervisor:
    """Starts the workers, restarts one that dies, and stops them all on request."""

    def __init__(
        self, settings: Settings, target: Callable[[Settings, int, WorkerState], None]
    ) -> None:
        self.settings = settings
        # What a worker process runs: `functools.partial(run_worker, app_factory=...)` in the
        # service, a stand-in in tests; picklable, for the spawn context.
        self._target = target
        self.state = WorkerState.create(settings.workers)
        self._ctx = multiprocessing.get_context("spawn")
        self._processes: list[SpawnProcess | None] = [None] * settings.workers
        self._restarts = [0] * settings.workers
        self.started_at = time.time()

    def start(self) -> None:
        for index in range(self.settings.workers):
            self._spawn(index)

    def _spawn(self, index: int) -> None:
        self.state.ready[index] = _STARTING
        self.state.stalled[index] = 0
        self.state.heartbeat[index] = time.time()
        process = self._ctx.Process(
            target=self._target,
            args=(self.settings, index, self.state),
            name=f"entity-worker-{index}",
            daemon=False,
        )
        process.start()
        self._processes[index] = process
        log.info("worker %d started (pid %s)", index, process.pid)

    def watch(self, stop_requested: Any) -> int:
        """Block until asked to stop; restart crashed workers with a growing delay."""
        while not stop_requested():
            for index, process in enumerate(self._processes):
                if process is not None and not process.is_alive():
                    code = process.exitcode
                    _forget_metrics_of(process.pid)
                    self._restarts[index] += 1
                    if self._restarts[index] > 20:
                        log.error("worker %d keeps dying (exit %s); giving up", index, code)
                        return 1
                    delay = min(2 ** self._restarts[index], 30)
                    log.error("worker %d exited with %s; restarting in %ss", index, code, delay)
                    self._processes[index] = None
                    self._sleep_then_spawn(index, delay, stop_requested)
            time.sleep(0.2)
        return 0

    def _sleep_then_spawn(self, index: int, delay: float, stop_requested: Any) -> None:
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline:
            if stop_requested():
                return
            time.sleep(0.1)
        self._spawn(index)

    def stop(self) -> None:
        """SIGTERM every worker; each drains its batch within the drain timeout."""
        live = [p for p in self._processes if p is not None and p.is_alive()]
        for process in live:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid or 0, signal.SIGTERM)
        deadline = time.monotonic() + self.settings.drain_timeout_s + 5
        for process in live:
            process.join(max(deadline - time.monotonic(), 0.1))
            if process.is_alive():
                log.error("worker %s did not drain in time; killing it", process.pid)
                process.kill()
                process.join(5)
            _forget_metrics_of(process.pid)

    # --- what the HTTP endpoints report -------------------------------------------------
    def alive(self, stale_after_s: float = 60.0) -> bool:
        """Live: every running worker's event loop ticked recently."""
        now = time.time()
        for index, process in enumerate(self._processes):
            if process is None or not process.is_alive():
                continue
            if now - self.state.heartbeat[index] > stale_after_s:
                return False
        return True

    def ready(self) -> bool:
        """Ready: every worker loaded its model, joined the broker, and has no stalled partition."""
        return all(
            process is not None
            and process.is_alive()
            and self.state.ready[index] == _READY
            and not self.state.stalled[index]
            for index, process in enumerate(self._processes)
        )
