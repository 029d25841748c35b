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

from tqdm import tqdm

from service.cli import CliError, settings_from
from service.cli.files import close_or_flush, open_in, open_out
from service.config import Settings
from service.ops.progress import Progress, progress

if TYPE_CHECKING:
    from multiprocessing.context import SpawnProcess
    from multiprocessing.queues import Queue

    from service.pipeline import Outcome, RawMessage

__all__ = ["WorkerPool", "count_lines", "pipeline_handler", "register"]

#: One outcome per input line: what a worker sends back.
Results = list["Outcome"]
#: What a worker does with one batch.
Handler = Callable[[list["RawMessage"]], Results]


def register(commands: Any) -> None:
    process = commands.add_parser("process", help="the same pipeline offline, JSON Lines in/out")
    process.add_argument("--input", default="-", help="JSON Lines of Articles, or - for stdin")
    process.add_argument("--output", default="-", help="records as JSON Lines, or - for stdout")
    process.add_argument("--dead-letters", default=None, help="dead letters (default stderr)")
    process.add_argument(
        "--workers",
        type=int,
        default=None,
        help="pipeline processes (default: ENTITY_WORKERS x its pipelines, a core each)",
    )
    process.set_defaults(func=cmd_process)


def cmd_process(args: argparse.Namespace) -> int:
    settings = settings_from(workers=args.workers)
    # as many pipelines as the service would run (a pipeline per core by default)
    processes = args.workers or settings.workers * settings.pipelines_per_worker
    from service.intake import iter_lines
    from service.stories import assign_stories, open_story_index

    total = count_lines(args.input)
    source = open_in(args.input)
    out = open_out(args.output, sys.stdout.buffer)
    dead = open_out(args.dead_letters, sys.stderr.buffer)
    counts = {"records": 0, "dead_letters": 0}
    batches = _batches(iter(iter_lines(source)), settings.batch_max_records)
    stories = open_story_index(settings)
    try:
        with progress(total, "process", unit="article") as bar:
            written = _Writer(out, dead, counts, bar)
            if processes > 1:
                load = functools.partial(pipeline_handler, settings)
                with WorkerPool(processes, load) as pool:
                    for results in pool.map(batches):
                        written(assign_stories(results, stories))
            else:
                handle = pipeline_handler(settings)
                for batch in batches:
                    written(assign_stories(handle(batch), stories))
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


class _Writer:
    """Writes each batch's outcomes and moves the progress bar (articles, records, dead letters).

    Dead letters written to stderr under a bar on stderr clear the bar first, so the two never
    share a line.
    """

    def __init__(
        self, out: IO[bytes], dead: IO[bytes], counts: dict[str, int], bar: Progress
    ) -> None:
        self._out, self._dead, self._counts, self._bar = out, dead, counts, bar

    def __call__(self, results: Results) -> None:
        from service.models import ArticleRecord
        from service.outcomes import serialize

        letters: list[bytes] = []
        for outcome in results:
            payload = serialize(outcome)
            if isinstance(outcome, ArticleRecord):
                self._out.write(payload + b"\n")
                self._counts["records"] += 1
            else:
                letters.append(payload + b"\n")
                self._counts["dead_letters"] += 1
        if letters:
            self._write_letters(letters)
        self._bar.update(len(results))
        self._bar.set_postfix_str(
            f"{self._counts['records']} records, {self._counts['dead_letters']} dead letters"
        )

    def _write_letters(self, letters: list[bytes]) -> None:
        if self._dead is not sys.stderr.buffer:
            self._dead.writelines(letters)
            return
        with tqdm.external_write_mode(file=sys.stderr):
            self._dead.writelines(letters)
            self._dead.flush()


def count_lines(path: str) -> int | None:
    """Lines of an input file, for the bar's time left (None for stdin or what cannot be read).

    Read in blocks, without parsing: a blank line counts too, so the total may run a little
    over the articles.
    """
    if path == "-":
        return None
    try:
        with open(path, "rb") as handle:
            lines, last = 0, b"\n"
            while block := handle.read(1 << 20):
                lines += block.count(b"\n")
                last = block[-1:]
            return lines + (last != b"\n")
    except OSError:
        return None  # open_in reports it
