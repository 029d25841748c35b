"""`entity-service process`: the pipeline offline, JSON Lines in, records and dead letters out.

With more than one worker, each worker process loads its own Pipeline once and takes batches
from a queue; results are written in input order. Stories are placed here, in the parent, in
input order, so copies read by different workers still share one index. No module-level state:
a worker's pipeline lives in its serving loop.
"""

from __future__ import annotations

import argparse
import functools
import multiprocessing
import queue
import sys
from collections.abc import Callable, Generator, Iterable, Iterator
from itertools import islice
from typing import IO, TYPE_CHECKING, Any

from service.cli import CliError, settings_from
from service.cli.files import close_or_flush, open_in, open_out
from service.config import Settings

if TYPE_CHECKING:
    from multiprocessing.context import SpawnProcess
    from multiprocessing.queues import Queue

    from service.pipeline import Outcome, RawMessage

__all__ = ["WorkerPool", "pipeline_handler", "register"]

#: One outcome per input line: what a worker sends back.
Results = list["Outcome"]
#: What a worker does with one batch.
Handler = Callable[[list["RawMessage"]], Results]


def register(commands: Any) -> None:
    process = commands.add_parser("process", help="the same pipeline offline, JSON Lines in/out")
    process.add_argument("--input", default="-", help="JSON Lines of Articles, or - for stdin")
    process.add_argument("--output", default="-", help="records as JSON Lines, or - for stdout")
    process.add_argument("--dead-letters", default=None, help="dead letters (default stderr)")
    process.add_argument("--workers", type=int, default=None, help="processes (default: cores)")
    process.set_defaults(func=cmd_process)


def cmd_process(args: argparse.Namespace) -> int:
    settings = settings_from(workers=args.workers)
    from service.intake import iter_lines
    from service.stories import assign_stories, open_story_index

    source = open_in(args.input)
    out = open_out(args.output, sys.stdout.buffer)
    dead = open_out(args.dead_letters, sys.stderr.buffer)
    counts = {"records": 0, "dead_letters": 0}
    batches = _batches(iter(iter_lines(source)), settings.batch_max_records)
    stories = open_story_index(settings)
    try:
        if settings.workers > 1:
            load = functools.partial(pipeline_handler, settings)
            with WorkerPool(settings.workers, load) as pool:
                for results in pool.map(batches):
                    _write(assign_stories(results, stories), out, dead, counts)
        else:
            handle = pipeline_handler(settings)
            for batch in batches:
                _write(assign_stories(handle(batch), stories), out, dead, counts)
    finally:
        stories.close()
        close_or_flush(source, out, dead)
    print(
        f"entity-service process: {counts['records']} records, "
        f"{counts['dead_letters']} dead letters",
        file=sys.stderr,
    )
    return 0


def _batches(items: Iterator[RawMessage], size: int) -> Iterator[list[RawMessage]]:
    while batch := list(islice(items, size)):
        yield batch


def pipeline_handler(settings: Settings) -> Handler:
    """Load a Pipeline once; the returned function turns a batch into its outcomes.

    The pipeline runs in a child process under the per-article time limit, as in the service.
    """
    from service.runtime.isolation import IsolatedPipeline

    pipeline = IsolatedPipeline(settings)

    def handle(batch: list[RawMessage]) -> Results:
        return list(pipeline.process(batch).outcomes)

    return handle


def _serve(load: Callable[[], Handler], tasks: Queue[Any], results: Queue[Any]) -> None:
    """A worker process: load the handler once, then handle numbered batches until None."""
    handle = load()
    for number, batch in iter(tasks.get, None):
        results.put((number, handle(batch)))


class WorkerPool:
    """Worker processes that each `load()` a handler once; `map` keeps the input order.

    `load` must be picklable (a module-level function or a partial of one): it is sent to
    each spawned worker, which calls it there.
    """

    def __init__(self, workers: int, load: Callable[[], Handler]) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._tasks: Queue[Any] = ctx.Queue()
        self._results: Queue[Any] = ctx.Queue()
        self._window = workers * 2  # batches in flight: bounded memory, busy workers
        # Not daemonic: each worker starts the child process its pipeline runs in.
        self._workers: list[SpawnProcess] = [
            ctx.Process(target=_serve, args=(load, self._tasks, self._results), daemon=False)
            for _ in range(workers)
        ]

    def __enter__(self) -> WorkerPool:
        for worker in self._workers:
            worker.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        for _ in self._workers:
            self._tasks.put(None)
        for worker in self._workers:
            worker.join(10 if exc_info[0] is None else 0.1)
            if worker.is_alive():
                worker.terminate()
                worker.join(5)

    def map(self, batches: Iterable[list[RawMessage]]) -> Iterator[Results]:
        """Each batch's results, in the order the batches came."""
        done: dict[int, Results] = {}
        sent = taken = 0
        for batch in batches:
            self._tasks.put((sent, batch))
            sent += 1
            while sent - taken >= self._window:
                taken = yield from self._take(done, taken)
        while taken < sent:
            taken = yield from self._take(done, taken)

    def _take(self, done: dict[int, Results], taken: int) -> Generator[Results, None, int]:
        """Wait for one more result, then yield every result now due; returns the new count."""
        number, results = self._next_result()
        done[number] = results
        while taken in done:
            yield done.pop(taken)
            taken += 1
        return taken

    def _next_result(self) -> tuple[int, Results]:
        while True:
            try:
                result: tuple[int, Results] = self._results.get(timeout=1.0)
                return result
            except queue.Empty:
                dead = [w.exitcode for w in self._workers if not w.is_alive()]
                if dead:
                    raise CliError(f"a worker process exited with code {dead[0]}") from None


def _write(results: Results, out: IO[bytes], dead: IO[bytes], counts: dict[str, int]) -> None:
    from service.models import ArticleRecord
    from service.pipeline import serialize

    for outcome in results:
        payload = serialize(outcome)
        if isinstance(outcome, ArticleRecord):
            out.write(payload + b"\n")
            counts["records"] += 1
        else:
            dead.write(payload + b"\n")
            counts["dead_letters"] += 1
