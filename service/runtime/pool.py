"""Several pipeline children behind one consumer: each poll's articles go to whichever is free.

A consumer group splits partitions, not work: with one child per consumer, keys that hash
unevenly leave one core idle at the end of a backlog while the other still parses its share
(BENCHMARKS.md, issue 24). Here one worker feeds a pool of isolated children. A poll is cut
into pieces that shrink as it empties (a quarter of what is left per child, at most one full
slice); each child takes the oldest piece waiting when it finishes its last. A full poll (the
consumer is behind: more waits after it) goes in full slices to its end, since the next poll's
pieces follow at once and spaCy parses one slice of 16 for less than pieces of a few.

`submit` returns as soon as every piece of a poll is taken, not when the last one is parsed:
the consumer then fetches the next poll, whose pieces the children take as they come free, so
no child waits for another's last piece, at a backlog's polls or at a lone article's. A piece
once taken runs to its end (the per-article time limit is each child's own); the time budget
only stops the hand-out, so the articles a poll will have outcomes for are known when
`submit` returns.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from service.config import Settings
from service.intake import RawMessage
from service.models import ModelInfo
from service.outcomes import BatchResult, Outcome, Progress
from service.runtime.isolation import IsolatedPipeline, build_pipeline

if TYPE_CHECKING:
    from service.pipeline import Pipeline
    from service.stories import StoryIndex

__all__ = ["Handout", "HandsOut", "PooledPipeline", "piece_size"]

#: Most articles in one piece (a full slice: spaCy's batching pays up to here).
MOST_PER_PIECE = 16


def piece_size(left: int, children: int, *, more: bool = False) -> int:
    """The next piece, 1 to MOST_PER_PIECE articles: a quarter of what is left per child.

    Large pieces while much waits (few round trips, full slices), single articles at the end
    of a poll, so no child waits long for the last piece of another. With `more` waiting
    behind the poll no child will wait at its end, so it goes in full slices to the last: in
    the Kafka path's children, pieces of 2-8 articles cost 36-38 ms an article against 34-35
    in slices of 16 (BENCHMARKS.md, session 22).
    """
    most = left if more else -(-left // (2 * children))
    return max(1, min(MOST_PER_PIECE, most))


@dataclass(slots=True, eq=False)
class Handout:
    """One poll in the pool: how much of it will be parsed, and its outcomes as they end.

    Its fields change under the pool's lock; `taken` is final once `submit` returned it.
    """

    messages: Sequence[RawMessage]
    progress: Progress | None
    more: bool = False  # more waits behind this poll (it is full): no shrinking pieces
    started: float = field(default_factory=time.monotonic)
    next: int = 0  # the first article no child has taken yet
    stop: bool = False  # no more pieces: the budget is spent or a child failed
    running: int = 0  # pieces being parsed
    pieces: int = 0  # pieces handed to children so far
    done: dict[int, Outcome] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    error: BaseException | None = None
    ended: threading.Event = field(default_factory=threading.Event)
    callbacks: list[Callable[[Handout], None]] = field(default_factory=list)

    @property
    def handed_out(self) -> bool:
        return self.stop or self.next >= len(self.messages)

    @property
    def taken(self) -> int:
        """Articles handed to a child: every one of them ends with an outcome (a prefix)."""
        return self.next

    def result(self) -> BatchResult:
        """The outcomes of the taken prefix, in input order (once ended)."""
        if self.error is not None:
            raise self.error
        outcomes: list[Outcome] = []
        while len(outcomes) in self.done:
            outcomes.append(self.done[len(outcomes)])
        return BatchResult(outcomes=outcomes, stage_seconds=self.stage_seconds)


@runtime_checkable
class HandsOut(Protocol):
    """A runner that takes a poll and returns before parsing it all (the worker then fetches
    the next one); `PooledPipeline` is the one the service uses."""

    def submit(
        self,
        messages: Sequence[RawMessage],
        *,
        budget_s: float | None = None,
        progress: Progress | None = None,
        more: bool = False,
    ) -> Handout: ...

    def when_ended(self, handout: Handout, callback: Callable[[Handout], None]) -> None: ...


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
    """`Runner` over several isolated children, fed from one queue of polls, oldest first."""

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
        self._lock = threading.Condition()
        self._waiting: deque[Handout] = deque()  # polls with pieces not yet taken
        self._closed = False
        # Each child is started by the thread that serves it, for as long as the pool lives:
        # Linux's parent-death signal (runtime/lifeline.py) follows the thread that started
        # the process. They load their models side by side (each ~10 s alone).
        starting: list[Future[IsolatedPipeline]] = [Future() for _ in range(children)]
        self._threads = [
            threading.Thread(
                target=self._serve,
                args=(settings, factory, started),
                name=f"nlp-pool-{i}",
                daemon=True,
            )
            for i, started in enumerate(starting)
        ]
        for thread in self._threads:
            thread.start()
        self.children: list[IsolatedPipeline] = []
        failed = None
        for started in starting:
            if started.exception() is None:
                self.children.append(started.result())
            else:
                failed = failed or started.exception()
        if failed is not None:
            self.close()  # the children that did start
            raise failed

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
        """Finish the pieces being parsed, then stop the children."""
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        for thread in self._threads:
            thread.join()  # each closes its child

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
        """Outcomes in input order, once all are parsed; under a budget a non-empty prefix."""
        handout = self.submit(messages, budget_s=budget_s, progress=progress)
        handout.ended.wait()
        return handout.result()

    def submit(
        self,
        messages: Sequence[RawMessage],
        *,
        budget_s: float | None = None,
        progress: Progress | None = None,
        more: bool = False,
    ) -> Handout:
        """Queue a poll; return once every article is taken by a child, or the budget has
        stopped the hand-out after the first piece. `Handout.taken` articles will then have
        outcomes; `when_ended` says when they all have. `more`: the caller has more waiting
        after this poll (`piece_size`)."""
        handout = Handout(messages, progress, more)
        with self._lock:
            if self._closed:
                raise RuntimeError("the pipeline pool is closed")
            if not messages:
                handout.ended.set()
                return handout
            self._waiting.append(handout)
            self._lock.notify_all()
            while not handout.handed_out:
                if budget_s is None:
                    self._lock.wait()
                    continue
                left = budget_s - (time.monotonic() - handout.started)
                if left > 0:
                    self._lock.wait(left)
                elif handout.next > 0:  # the first piece always runs: a non-empty prefix
                    handout.stop = True
                    self._end_if_idle(handout)
                else:
                    self._lock.wait()  # every child is still on an earlier poll's piece
        return handout

    def when_ended(self, handout: Handout, callback: Callable[[Handout], None]) -> None:
        """Call `callback(handout)` once every taken article has its outcome (or a child
        failed), from a pool thread, or here if that is already so."""
        with self._lock:
            if not handout.ended.is_set():
                handout.callbacks.append(callback)
                return
        callback(handout)

    # --- the children's threads -------------------------------------------------------------
    def _take(self) -> tuple[Handout, int, int] | None:
        """The oldest poll's next piece (under the lock), or None when none waits."""
        while self._waiting:
            handout = self._waiting[0]
            if handout.handed_out:
                self._waiting.popleft()
                continue
            start = handout.next
            size = piece_size(len(handout.messages) - start, len(self._threads), more=handout.more)
            handout.next += size
            handout.pieces += 1
            handout.running += 1
            if handout.handed_out:
                self._waiting.popleft()
                self._lock.notify_all()  # its submitter returns
            return handout, start, size
        return None

    def _serve(
        self,
        settings: Settings,
        factory: Callable[[Settings], Pipeline],
        started: Future[IsolatedPipeline],
    ) -> None:
        """One child's thread: start it, then take the oldest piece waiting, parse it whole,
        report it, until the pool closes."""
        try:
            child = IsolatedPipeline(settings, factory=factory)
        except BaseException as exc:
            started.set_exception(exc)
            return
        started.set_result(child)
        try:
            self._pieces(child)
        finally:
            child.close()

    def _pieces(self, child: IsolatedPipeline) -> None:
        while True:
            with self._lock:
                while (piece := self._take()) is None and not self._closed:
                    self._lock.wait()
                if piece is None:
                    return
            handout, start, size = piece
            report = None if handout.progress is None else _Shifted(handout.progress, start)
            error: BaseException | None = None
            try:
                result = child.process(
                    handout.messages[start : start + size], progress=report, most=size
                )
            except BaseException as exc:  # the poll fails; the thread goes on
                error = exc
            with self._lock:
                handout.running -= 1
                if error is not None:
                    handout.error = handout.error or error
                    handout.stop = True  # the others finish their pieces; the poll fails
                else:
                    handout.done.update((start + i, o) for i, o in enumerate(result.outcomes))
                    for name, seconds in result.stage_seconds.items():
                        handout.stage_seconds[name] = handout.stage_seconds.get(name, 0.0) + seconds
                self._lock.notify_all()
                ended = self._end_if_idle(handout)
            if ended:
                self._tell(handout)

    def _end_if_idle(self, handout: Handout) -> bool:
        """Under the lock: mark the poll ended when it is handed out and no piece runs."""
        if handout.handed_out and handout.running == 0 and not handout.ended.is_set():
            handout.ended.set()
            return True
        return False

    def _tell(self, handout: Handout) -> None:
        """Run the callbacks of an ended poll, outside the lock."""
        with self._lock:
            if not handout.ended.is_set():
                return
            callbacks, handout.callbacks = handout.callbacks, []
        for callback in callbacks:
            callback(handout)
