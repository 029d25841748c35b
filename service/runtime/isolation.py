"""The pipeline in a child process, so that no article can hold a worker past its time limit.

A thread cannot be interrupted while C code runs (a regular expression, spaCy's tokenizer),
but a process can be killed. The child loads the model and runs `Pipeline.process`, reporting
which article it is on and each outcome as soon as it is known. When one article is still
running after `ENTITY_ARTICLE_TIMEOUT_S`, the child is killed: that article becomes a
`processing_timeout` dead letter, the outcomes already reported stand, and a fresh child takes
the rest of the batch. Articles parsed together when the limit struck are re-run one at a time,
so only the culprit is blamed. The caller (the Kafka worker, the offline CLI) needs no model.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Protocol

import orjson

from service.config import Settings
from service.deadletters import dead_letter_for
from service.errors import Rejected
from service.intake import RawMessage
from service.models import ModelInfo
from service.outcomes import BatchResult, Outcome, Progress
from service.runtime.lifeline import die_with_parent

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import SpawnProcess

    from service.pipeline import Pipeline
    from service.stories import StoryIndex

__all__ = ["IsolatedPipeline", "Runner", "build_pipeline", "build_service_pipeline"]

log = logging.getLogger("entity_service.isolation")

#: How long a child may take to load its model before it counts as broken.
START_TIMEOUT_S = 600.0


#: Run once by each child before it reports ready; their outcomes are dropped.
WARM_UP: Final = tuple(
    RawMessage(value=orjson.dumps({"id": "warm-up", "published_at": "2024-01-02T03:04:05Z", **x}))
    for x in (
        {"text": "The envoys met in Geneva yesterday and agreed to talk again next week."},
        {"html": "<html><body><article><p>Ministers met in Oslo on Monday.</p></article></html>"},
    )
)


class Runner(Protocol):
    """What the worker and the CLI need of a pipeline: in process or isolated."""

    @property
    def model_info(self) -> ModelInfo: ...

    @property
    def entity_labels(self) -> tuple[str, ...]: ...

    @property
    def stories(self) -> StoryIndex | None:
        """An index this process must close at the end (None when the child owns it)."""

    def process(
        self,
        messages: Sequence[RawMessage],
        *,
        budget_s: float | None = None,
        progress: Progress | None = None,
    ) -> BatchResult:
        """Outcomes in order; `progress` hears each final outcome as soon as it is known."""


def build_pipeline(settings: Settings) -> Pipeline:
    """The child's pipeline (module level, so the spawn context can send it)."""
    from service.pipeline import Pipeline

    return Pipeline(settings)


def build_service_pipeline(settings: Settings) -> Pipeline:
    """The service's pipeline in the child: with the story index the settings name.

    The index lives in the child with the model, so the worker imports neither. A local one
    (no ENTITY_STORIES_REDIS_URL) starts empty again when a timeout restarts the child.
    """
    from service.pipeline import Pipeline
    from service.stories import open_story_index

    return Pipeline(settings, stories=open_story_index(settings))


@dataclass(slots=True)
class _Pass:
    """What one pass of the child over (part of) a batch gave, by index into that part."""

    outcomes: dict[int, Outcome] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    ended: bool = False  # the child finished the pass (under a budget: maybe a prefix)
    on: int | None = None  # the article being worked on when it was stopped (None: a parse batch)
    in_flight: set[int] = field(default_factory=set)  # started, not finished
    exit_code: int | None = None  # set when the child died by itself


class IsolatedPipeline:
    """`Pipeline.process` in a child process that is killed and restarted on a timeout."""

    def __init__(
        self,
        settings: Settings,
        *,
        factory: Callable[[Settings], Pipeline] = build_pipeline,
    ) -> None:
        self.settings = settings
        self._factory = factory
        self._ctx = multiprocessing.get_context("spawn")
        self._process: SpawnProcess | None = None
        self._conn: Connection | None = None
        self._model_info = ModelInfo(name="unknown", version="unknown")
        self._labels: tuple[str, ...] = ()
        #: Children killed so far (timeouts) or found dead (crashes).
        self.restarts = 0
        self._start()

    @property
    def model_info(self) -> ModelInfo:
        return self._model_info

    @property
    def entity_labels(self) -> tuple[str, ...]:
        return self._labels

    @property
    def stories(self) -> StoryIndex | None:
        return None  # the child's pipeline holds its index and closes it

    @property
    def child_pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def __enter__(self) -> IsolatedPipeline:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Ask the child to exit; kill it when it does not."""
        if self._conn is not None:
            with contextlib.suppress(OSError, ValueError):
                self._conn.send(None)
        if self._process is not None:
            self._process.join(5)
        self._kill()

    # --- a batch ------------------------------------------------------------------------
    def process(
        self,
        messages: Sequence[RawMessage],
        *,
        budget_s: float | None = None,
        progress: Progress | None = None,
        most: int | None = None,
    ) -> BatchResult:
        """Every message ends as one outcome, in order; under a budget, a non-empty prefix.

        `most` caps the articles parsed together (default: sized by the batch, `slice_size`).

        `progress.finished` hears each outcome once it is final (the child reports a slice's
        as the slice ends), so the caller can publish them while the next slice is parsed.
        """
        started = time.monotonic()
        done: dict[int, Outcome] = {}
        stage: dict[str, float] = {}
        alone: list[int] = []  # parsed together when the limit struck: re-run one at a time
        while len(done) < len(messages):
            left = None if budget_s is None else budget_s - (time.monotonic() - started)
            if left is not None and left <= 0 and 0 in done:
                break
            todo = [alone.pop(0)] if alone else [i for i in range(len(messages)) if i not in done]
            report = None if progress is None else _Forward(progress, todo)
            run = self._run([messages[i] for i in todo], left, report, most)
            for name, seconds in run.stage_seconds.items():
                stage[name] = stage.get(name, 0.0) + seconds
            done.update((todo[local], outcome) for local, outcome in run.outcomes.items())
            if run.ended:
                if len(todo) > 1 and len(run.outcomes) < len(todo):
                    break  # the child's budget ran out: the rest is read again
                continue
            named = [run.on] if run.on is not None else sorted(run.in_flight)
            suspects = [todo[i] for i in named if todo[i] not in done]
            suspects = suspects or [i for i in todo if i not in done][:1]
            if len(suspects) == 1:
                done[suspects[0]] = self._blame(messages[suspects[0]], run.exit_code)
                if progress is not None:
                    progress.finished(suspects[0], done[suspects[0]])
            else:
                alone = suspects
        outcomes: list[Outcome] = []
        while len(outcomes) in done:
            outcomes.append(done[len(outcomes)])
        return BatchResult(outcomes=outcomes, stage_seconds=stage)

    def _run(
        self,
        messages: list[RawMessage],
        budget_s: float | None,
        report: _Forward | None = None,
        most: int | None = None,
    ) -> _Pass:
        """One pass of the child over `messages`, stopped when an article overruns its limit."""
        run = _Pass()
        try:
            conn = self._connection()
            conn.send((messages, budget_s, most))
        except OSError:  # the child died between batches: a fresh one takes the batch
            self._kill()
            conn = self._connection()
            conn.send((messages, budget_s, most))
        deadline = time.monotonic() + self.settings.article_timeout_s
        while True:
            if not conn.poll(max(deadline - time.monotonic(), 0.0)):
                self.restarts += 1
                log.warning(
                    "%s still running after %gs: restarting the pipeline process",
                    "articles parsed together" if run.on is None else "an article",
                    self.settings.article_timeout_s,
                )
                self._kill()
                return run
            try:
                message = conn.recv()
            except (EOFError, OSError):
                run.exit_code = self._reap()
                self.restarts += 1
                log.error("the pipeline process died (exit code %s)", run.exit_code)
                return run
            kind = message[0]
            if kind == "start":
                # a long text is reported once per piece: its clock runs on across them
                if message[1] is None or message[1] != run.on:
                    deadline = time.monotonic() + self.settings.article_timeout_s
                run.on = message[1]
                if run.on is not None:
                    run.in_flight.add(run.on)
            elif kind == "done":
                run.outcomes[message[1]] = message[2]
                run.in_flight.discard(message[1])
                if report is not None:
                    report.finished(message[1], message[2])
            else:  # "end"
                run.stage_seconds, run.ended = message[1], True
                return run

    def _blame(self, message: RawMessage, exit_code: int | None) -> Outcome:
        if exit_code is None:
            error = Rejected(
                "processing_timeout",
                f"the article was still being processed after {self.settings.article_timeout_s:g}s"
                " (ENTITY_ARTICLE_TIMEOUT_S); its pipeline process was restarted",
            )
        else:
            error = Rejected(
                "processing_error",
                f"the pipeline process died (exit code {exit_code}) on this article",
            )
        log.warning(
            "%s: %s at %s[%s]@%s",
            error.error_type,
            error.message,
            message.topic,
            message.partition,
            message.offset,
        )
        return dead_letter_for(
            message, error, max_original_bytes=self.settings.dlq_original_max_bytes
        )

    # --- the child ----------------------------------------------------------------------
    def _connection(self) -> Connection:
        if self._process is None or not self._process.is_alive() or self._conn is None:
            self._kill()
            self._start()
        assert self._conn is not None
        return self._conn

    def _start(self) -> None:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=_child_main,
            args=(child, self.settings, self._factory),
            name="entity-pipeline",
            daemon=True,
        )
        process.start()
        child.close()
        self._process, self._conn = process, parent
        try:
            if not parent.poll(START_TIMEOUT_S):
                raise RuntimeError(f"the pipeline process did not start in {START_TIMEOUT_S:g}s")
            reply = parent.recv()
        except (EOFError, OSError):
            reply = ("error", f"the pipeline process exited with {self._reap()} while loading")
        except RuntimeError:
            self._kill()
            raise
        if reply[0] != "ready":
            self._kill()
            raise RuntimeError(reply[1])
        self._model_info, self._labels = reply[1], reply[2]

    def _kill(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.kill()
        self._reap()

    def _reap(self) -> int | None:
        process, self._process = self._process, None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if process is None:
            return None
        process.join(5)
        if process.pid is not None and os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            # The child imported the metrics too: its live gauges go with it.
            multiprocess.mark_process_dead(process.pid)  # type: ignore[no-untyped-call]
        return process.exitcode


class _Forward:
    """A pass's outcomes, by index into the pass, told to the caller by index into its batch."""

    __slots__ = ("_indices", "_progress")

    def __init__(self, progress: Progress, indices: list[int]) -> None:
        self._progress, self._indices = progress, indices

    def finished(self, index: int, outcome: Outcome) -> None:
        self._progress.finished(self._indices[index], outcome)


class _Reporter:
    """The child's side of `Progress`: every report goes to the parent at once."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def started(self, index: int | None) -> None:
        self._conn.send(("start", index))

    def finished(self, index: int, outcome: Outcome) -> None:
        self._conn.send(("done", index, outcome))


def _child_main(conn: Connection, settings: Settings, factory: Callable[[Settings], Any]) -> None:
    """The child: load the pipeline once, then run batches until told to stop."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which drains
    logging.basicConfig(level=settings.log_level)
    try:
        pipeline = factory(settings)
    except Exception as exc:  # reported to the parent, which fails its start-up with it
        conn.send(("error", f"the pipeline could not load: {type(exc).__name__}: {exc}"))
        return
    # First calls load lazily (language model, date parser, HTML extractor): done here, so the
    # first real article's time limit measures that article only.
    pipeline.process(WARM_UP)
    # The model, its tables and what the warm-up loaded live as long as the child. Frozen, they
    # leave the cycle collector's passes, each full one of which walked them all again: about
    # 3% of the pipeline's time here (BENCHMARKS.md, session 21).
    gc.collect()
    gc.freeze()
    conn.send(("ready", pipeline.model_info, tuple(pipeline.entity_labels)))
    reporter = _Reporter(conn)
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            if pipeline.stories is not None:
                pipeline.stories.close()
            pipeline.clean.repeats.close()
            return
        messages, budget_s, most = job
        result = pipeline.process(messages, budget_s=budget_s, progress=reporter, most=most)
        conn.send(("end", result.stage_seconds))
