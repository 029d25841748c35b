"""Several pipeline children behind one consumer: a poll's articles go to whichever is free.

A consumer group splits partitions, not work: with one child per consumer, keys that hash
unevenly leave one core idle at the end of a backlog while the other still parses its share
(BENCHMARKS.md, issue 24). Here one worker feeds a pool of isolated children from each poll.
The poll is cut into pieces that shrink as it empties (a quarter of what is left per child,
at most one full slice), and each child takes the next piece when it finishes its last, so
the children end a poll within about one article of each other. Outcomes are reported as
each piece ends and returned in input order; the per-article time limit is each child's own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from service.config import Settings
from service.intake import RawMessage
from service.models import ModelInfo
from service.outcomes import BatchResult, Outcome, Progress
from service.runtime.isolation import IsolatedPipeline, build_pipeline

if TYPE_CHECKING:
    from service.pipeline import Pipeline
    from service.stories import StoryIndex

__all__ = ["PooledPipeline", "piece_size"]

#: Most articles in one piece (a full slice: spaCy's batching pays up to here).
MOST_PER_PIECE = 16


def piece_size(left: int, children: int) -> int:
    """The next piece: a quarter of what is left per child, 1 to MOST_PER_PIECE articles.

    Large pieces while much waits (few round trips, full slices), single articles at the end
    of a poll, so no child waits long for the last piece of another.
    """
    return max(1, min(MOST_PER_PIECE, -(-left // (2 * children))))


@dataclass(slots=True)
class _Poll:
    """One `process` call shared by the children's threads (under `lock`)."""

    messages: Sequence[RawMessage]
    budget_s: float | None
    progress: Progress | None
    started: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)
    next: int = 0  # the first article no child has taken yet
    stop: bool = False  # a piece came back short (its budget ran out): start no more
    done: dict[int, Outcome] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def take(self, children: int) -> tuple[int, int, float | None] | None:
        """The next piece (start, size, budget left), or None when the poll is handed out."""
        with self.lock:
            if self.stop or self.next >= len(self.messages):
                return None
            left = None
            if self.budget_s is not None:
                left = self.budget_s - (time.monotonic() - self.started)
                if left <= 0 and self.next > 0:  # the first piece always runs: a non-empty prefix
                    return None
            start = self.next
            size = piece_size(len(self.messages) - start, children)
            self.next += size
            return start, size, left

    def settle(self, start: int, size: int, result: BatchResult) -> None:
        with self.lock:
            self.done.update((start + i, outcome) for i, outcome in enumerate(result.outcomes))
            for name, seconds in result.stage_seconds.items():
                self.stage_seconds[name] = self.stage_seconds.get(name, 0.0) + seconds
            if len(result.outcomes) < size:
                self.stop = True


class _Shifted:
    """A piece's progress, told to the caller by index into the whole poll."""

    __slots__ = ("_progress", "_start")

    def __init__(self, progress: Progress, start: int) -> None:
        self._progress, self._start = progress, start

    def started(self, index: int | None) -> None:
        self._progress.started(None if index is None else self._start + index)

    def finished(self, index: int, outcome: Outcome) -> None:
        self._progress.finished(self._start + index, outcome)


class PooledPipeline:
    """`Runner` over several isolated children; `process` keeps every child busy to its end."""

    def __init__(
        self,
        settings: Settings,
        *,
        children: int,
        factory: Callable[[Settings], Pipeline] = build_pipeline,
    ) -> None:
        if children < 1:
            raise ValueError("a pool needs at least one child")
        self.settings = settings
        # the children load their models side by side (each ~10 s alone)
        self._threads = ThreadPoolExecutor(children, thread_name_prefix="nlp-pool")
        starting = [
            self._threads.submit(IsolatedPipeline, settings, factory=factory)
            for _ in range(children)
        ]
        self.children: list[IsolatedPipeline] = []
        try:
            for future in starting:
                self.children.append(future.result())
        except BaseException:
            for future in starting:  # close the ones that did start
                if future.done() and future.exception() is None:
                    future.result().close()
            self._threads.shutdown(wait=False)
            raise

    @property
    def model_info(self) -> ModelInfo:
        return self.children[0].model_info

    @property
    def entity_labels(self) -> tuple[str, ...]:
        return self.children[0].entity_labels

    @property
    def stories(self) -> StoryIndex | None:
        return None  # each child holds its own index and closes it

    @property
    def restarts(self) -> int:
        return sum(child.restarts for child in self.children)

    def close(self) -> None:
        for child in self.children:
            child.close()
        self._threads.shutdown(wait=True)

    def __enter__(self) -> PooledPipeline:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def process(
        self,
        messages: Sequence[RawMessage],
        *,
        budget_s: float | None = None,
        progress: Progress | None = None,
    ) -> BatchResult:
        """Outcomes in input order; under a budget a non-empty prefix, as one child gives.

        A piece that comes back short (its budget ran out) stops the hand-out; what the other
        children finished past the first gap is dropped, to be read again with the rest.
        """
        if not messages:
            return BatchResult(outcomes=[])
        poll = _Poll(messages, budget_s, progress)
        running = [self._threads.submit(self._serve, child, poll) for child in self.children]
        errors = [future.exception() for future in running]
        error = next((e for e in errors if e is not None), None)
        if error is not None:
            raise error
        outcomes: list[Outcome] = []
        while len(outcomes) in poll.done:
            outcomes.append(poll.done[len(outcomes)])
        return BatchResult(outcomes=outcomes, stage_seconds=poll.stage_seconds)

    def _serve(self, child: IsolatedPipeline, poll: _Poll) -> None:
        """One child's thread: take pieces until the poll is handed out."""
        while (piece := poll.take(len(self.children))) is not None:
            start, size, left = piece
            report = None if poll.progress is None else _Shifted(poll.progress, start)
            try:
                result = child.process(
                    poll.messages[start : start + size], budget_s=left, progress=report, most=size
                )
            except BaseException:
                with poll.lock:
                    poll.stop = True  # the others finish their pieces; the poll fails
                raise
            poll.settle(start, size, result)
