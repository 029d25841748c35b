"""Tests for service.runtime.pool: one worker's polls shared by several pipeline children.

The children run the real pipeline with the stalls of test_isolation's factory: an article
stuck in cleaning, one whose child dies.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from test_isolation import (
    DIE,
    LIMIT_S,
    STALL_CLEAN,
    _batch,
    _comparable,
    _kinds,
    _message,
    stalling_pipeline,
)

from service.config import Settings
from service.outcomes import Outcome
from service.pipeline import Pipeline, RawMessage
from service.runtime.pool import MOST_PER_PIECE, PooledPipeline, piece_size


class TestPieceSize:
    """Pieces shrink as the poll empties: full slices first, single articles at the end."""

    def test_a_full_poll_starts_in_full_slices_and_ends_in_single_articles(self) -> None:
        left, pieces = 64, []
        while left:
            pieces.append(piece_size(left, 2))
            left -= pieces[-1]
        assert pieces[0] == MOST_PER_PIECE
        assert pieces == sorted(pieces, reverse=True)
        assert pieces[-3:] == [1, 1, 1]
        assert sum(pieces) == 64

    def test_with_more_waiting_a_poll_goes_in_full_slices_to_its_end(self) -> None:
        for left, want in ((64, [16, 16, 16, 16]), (40, [16, 16, 8]), (3, [3])):
            pieces = []
            while left:
                pieces.append(piece_size(left, 2, more=True))
                left -= pieces[-1]
            assert pieces == want

    def test_a_lone_article_is_one_piece(self) -> None:
        assert piece_size(1, 2) == 1
        assert piece_size(3, 2) == 1  # three waiting: one each, the third to whoever is free
        assert piece_size(1000, 4) == MOST_PER_PIECE


class _Ears:
    """Progress that records each outcome it hears, with the thread that told it."""

    def __init__(self) -> None:
        self.heard: list[tuple[int, str]] = []
        self.threads: set[str] = set()
        self._lock = threading.Lock()

    def started(self, index: int | None) -> None:
        return None

    def finished(self, index: int, outcome: Outcome) -> None:
        with self._lock:
            self.heard.append((index, _kinds([outcome])[0]))
            self.threads.add(threading.current_thread().name)


@pytest.fixture(scope="module")
def pool() -> Iterator[PooledPipeline]:
    settings = Settings(workers=1, article_timeout_s=LIMIT_S)
    with PooledPipeline(settings, children=2, factory=stalling_pipeline) as runner:
        yield runner


class TestPooledPipeline:
    """The same outcomes as one process, in order, from two children."""

    def test_same_outcomes_in_order_as_in_process(
        self, pool: PooledPipeline, pipeline: Pipeline
    ) -> None:
        batch = [*_batch(count=9), RawMessage(value=b"{broken", offset=99)]
        ears = _Ears()
        got = pool.process(batch, progress=ears).outcomes
        want = pipeline.process(batch).outcomes
        assert [_comparable(o) for o in got] == [_comparable(o) for o in want]
        assert sorted(ears.heard) == list(enumerate(_kinds(got)))
        assert len(ears.threads) == 2, "both children took pieces of the poll"
        assert pool.model_info == pipeline.model_info
        assert pool.entity_labels == pipeline.entity_labels

    def test_a_stuck_article_holds_one_child_only(self, pool: PooledPipeline) -> None:
        """While one child waits out the stuck article's limit, the other parses the rest."""
        restarts = pool.restarts
        ears = _Ears()
        outcomes = pool.process(_batch(STALL_CLEAN, at=0, count=6), progress=ears).outcomes
        assert _kinds(outcomes) == ["processing_timeout"] + ["record"] * 5
        assert pool.restarts == restarts + 1
        assert sorted(ears.heard) == list(enumerate(_kinds(outcomes)))
        # the next poll is served by both children again
        assert _kinds(pool.process(_batch(count=4)).outcomes) == ["record"] * 4

    def test_a_dying_child_costs_one_article(self, pool: PooledPipeline) -> None:
        outcomes = pool.process(_batch(DIE, at=3, count=5)).outcomes
        assert _kinds(outcomes) == ["record", "record", "record", "processing_error", "record"]

    def test_budget_leaves_a_prefix(self, pool: PooledPipeline) -> None:
        """A spent budget returns a non-empty prefix in order; the rest is read again."""
        batch = [_message(i) for i in range(40)]
        outcomes = pool.process(batch, budget_s=1e-9).outcomes
        assert 1 <= len(outcomes) < len(batch)
        assert [o.article_id for o in outcomes] == [f"a-{i}" for i in range(len(outcomes))]

    def test_an_empty_poll(self, pool: PooledPipeline) -> None:
        assert pool.process([]).outcomes == []


class TestHandOut:
    """`submit` returns once a poll is handed out; the next poll's pieces go to a free child
    while the last piece of the one before is still parsed."""

    def test_the_next_poll_is_parsed_beside_the_last_piece_of_the_one_before(
        self, pool: PooledPipeline
    ) -> None:
        stuck = pool.submit(_batch(STALL_CLEAN, at=0, count=1))
        assert stuck.taken == 1 and not stuck.ended.is_set(), "returned before it was parsed"
        heard: list[int] = []
        pool.when_ended(stuck, lambda handout: heard.append(handout.taken))
        after = pool.submit(_batch(count=4))
        assert after.taken == 4
        assert after.ended.wait(LIMIT_S), "the free child parsed the next poll meanwhile"
        assert not stuck.ended.is_set() and heard == []
        assert _kinds(after.result().outcomes) == ["record"] * 4
        assert stuck.ended.wait(LIMIT_S * 4)
        assert _kinds(stuck.result().outcomes) == ["processing_timeout"]
        assert heard == [1], "told once, when every taken article has its outcome"
        late: list[int] = []
        pool.when_ended(stuck, lambda handout: late.append(handout.taken))
        assert late == [1], "a poll already ended is told at once"

    def test_a_poll_with_more_behind_it_goes_in_fewer_pieces(self, pool: PooledPipeline) -> None:
        batch = [_message(i) for i in range(20)]
        pieces = []
        for more in (False, True):
            handout = pool.submit(batch, more=more)
            assert handout.ended.wait(30)
            assert _kinds(handout.result().outcomes) == ["record"] * 20
            pieces.append(handout.pieces)
        assert pieces == [9, 2]  # 5 4 3 2 2 1 1 1 1, then 16 4

    def test_a_spent_budget_stops_the_hand_out_not_the_pieces_taken(
        self, pool: PooledPipeline
    ) -> None:
        batch = [_message(i) for i in range(40)]
        handout = pool.submit(batch, budget_s=1e-9)
        assert 1 <= handout.taken < len(batch)
        assert handout.ended.wait(30)
        outcomes = handout.result().outcomes
        assert [o.article_id for o in outcomes] == [f"a-{i}" for i in range(handout.taken)]

    def test_a_failing_child_fails_its_poll_only(self, pool: PooledPipeline) -> None:
        """A runner error (not an article's: those are dead letters) fails the poll it hit;
        the pool goes on with the next one."""

        def broken(*args: object, **kwargs: object) -> object:
            raise RuntimeError("the pipeline process could not be started")

        for child in pool.children:
            child.process = broken  # type: ignore[method-assign,assignment]
        try:
            handout = pool.submit(_batch(count=8))
            assert handout.ended.wait(30)
        finally:
            for child in pool.children:
                del child.process  # the class's method again
        with pytest.raises(RuntimeError, match="could not be started"):
            handout.result()
        assert _kinds(pool.process(_batch(count=4)).outcomes) == ["record"] * 4
