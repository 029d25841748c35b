"""Tests for service.runtime.isolation: the pipeline in a child process under a time limit.

The stalls are built into the child's pipeline by the factories below (test code only): one
sleeps in cleaning, one in the parser's batch, one kills its own process.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from service.config import Settings
from service.models import ArticleRecord, DeadLetter
from service.outcomes import Outcome
from service.pipeline import Pipeline, RawMessage, slice_size
from service.runtime.isolation import IsolatedPipeline

STALL_CLEAN = "Quokka stalls cleaning"
STALL_PARSE = "Quokka stalls parsing"
DIE = "Quokka kills the process"
FROZEN = "Quokka counts the frozen objects"
STORY = "Officials in Nairobi met envoys from Uganda on Monday to discuss trade. Report {i}."
LIMIT_S = 3.0


def _message(i: int, text: str | None = None) -> RawMessage:
    value = orjson.dumps({"id": f"a-{i}", "text": text or STORY.format(i=i)})
    return RawMessage(value=value, key=f"a-{i}".encode(), topic="in", partition=0, offset=i)


def _batch(marker: str | None = None, at: int = 0, count: int = 4) -> list[RawMessage]:
    return [
        _message(i, f"{STORY.format(i=i)} {marker}." if marker and i == at else None)
        for i in range(count)
    ]


class _StallingNlp:
    """The real model, except that a parser batch holding the parse marker never ends."""

    def __init__(self, nlp: Any) -> None:
        self._nlp = nlp
        self.meta, self.pipe_labels = nlp.meta, nlp.pipe_labels

    def pipe(self, texts: Any, **kwargs: Any) -> Iterator[Any]:
        texts = list(texts)  # every text taken: the batch is being parsed together
        if any(STALL_PARSE in text for text in texts):
            time.sleep(3600)
        return iter(self._nlp.pipe(texts, **kwargs))


def stalling_pipeline(settings: Settings) -> Pipeline:
    """The real pipeline, except for the marked articles: stuck in cleaning or parsing, or dying."""
    pipeline = Pipeline(settings)
    clean = pipeline.clean

    def marked(article: Any) -> Any:
        if STALL_CLEAN in (article.text or ""):
            time.sleep(3600)
        if DIE in (article.text or ""):
            os._exit(3)
        if FROZEN in (article.text or ""):
            frozen = f"Frozen objects: {gc.get_freeze_count()}."
            article = article.model_copy(update={"text": frozen})
        return clean(article)

    pipeline.clean = marked  # type: ignore[method-assign]
    pipeline.nlp = _StallingNlp(pipeline.nlp)  # type: ignore[assignment]
    return pipeline


@pytest.fixture(scope="module")
def isolated() -> Iterator[IsolatedPipeline]:
    """One isolated runner for the module: each test's stall costs it one restart."""
    settings = Settings(workers=1, article_timeout_s=LIMIT_S)
    with IsolatedPipeline(settings, factory=stalling_pipeline) as runner:
        yield runner


def _comparable(outcome: Outcome) -> dict[str, Any]:
    data = outcome.model_dump(mode="json")
    data.pop("failed_at", None)
    if "processing" in data:
        data["processing"].pop("processed_at")
        data["processing"].pop("duration_ms")
    return data


@pytest.fixture(scope="module")
def limited() -> Settings:
    return Settings(workers=1, article_timeout_s=LIMIT_S)


def _kinds(outcomes: list[Outcome]) -> list[str]:
    return [o.error.type if isinstance(o, DeadLetter) else "record" for o in outcomes]


class TestIsolatedPipeline:
    """Outcomes as in process; a stuck or dying article costs itself and a restart only."""

    def test_same_outcomes_as_in_process(
        self, isolated: IsolatedPipeline, pipeline: Pipeline
    ) -> None:
        """Records and dead letters equal the in-process pipeline's (timestamps aside)."""
        batch = [*_batch(count=3), RawMessage(value=b"{broken", offset=9)]
        got = isolated.process(batch).outcomes
        want = pipeline.process(batch).outcomes
        assert [_comparable(o) for o in got] == [_comparable(o) for o in want]
        assert isolated.model_info == pipeline.model_info
        assert isolated.entity_labels == pipeline.entity_labels

    def test_loaded_model_is_out_of_the_cycle_collector(self, isolated: IsolatedPipeline) -> None:
        """The child freezes what it loaded before its first batch, so the collector's passes
        no longer walk the model (a loaded pipeline is hundreds of thousands of objects)."""
        outcomes = isolated.process([_message(0, f"Envoys met. {FROZEN}.")]).outcomes
        assert isinstance(outcomes[0], ArticleRecord)
        frozen = int(outcomes[0].text.removeprefix("Frozen objects: ").rstrip("."))
        assert frozen > 100_000
        assert gc.get_freeze_count() == 0  # the parent, which holds no model, froze nothing

    def test_stuck_article_times_out_alone(self, isolated: IsolatedPipeline) -> None:
        """The stuck article is a processing_timeout; the ones behind it are records."""
        restarts, first_child = isolated.restarts, isolated.child_pid
        outcomes = isolated.process(_batch(STALL_CLEAN, at=1)).outcomes
        assert _kinds(outcomes) == ["record", "processing_timeout", "record", "record"]
        assert isolated.restarts == restarts + 1
        assert isolated.child_pid != first_child
        dead = outcomes[1]
        assert isinstance(dead, DeadLetter)
        assert dead.article_id == "a-1"
        assert f"after {LIMIT_S:g}s" in dead.error.message
        # The fresh child serves the next batch as usual.
        assert _kinds(isolated.process(_batch()).outcomes) == ["record"] * 4

    def test_stuck_parser_batch_blames_only_the_culprit(self, isolated: IsolatedPipeline) -> None:
        """Articles parsed together are re-run one at a time: only the marked one times out."""
        assert slice_size(8) == 2  # articles 2 and 3 are parsed together
        outcomes = isolated.process(_batch(STALL_PARSE, at=2, count=8)).outcomes
        assert _kinds(outcomes) == ["record", "record", "processing_timeout"] + ["record"] * 5

    def test_progress_hears_each_final_outcome_once(self, isolated: IsolatedPipeline) -> None:
        """The caller hears every outcome once, by batch index, the timed-out one's too."""
        heard: list[tuple[int, str]] = []

        class Ears:
            def started(self, index: int | None) -> None:
                return None

            def finished(self, index: int, outcome: Outcome) -> None:
                heard.append((index, _kinds([outcome])[0]))

        outcomes = isolated.process(_batch(STALL_CLEAN, at=1), progress=Ears()).outcomes
        assert sorted(heard) == list(enumerate(_kinds(outcomes)))
        assert _kinds(outcomes) == ["record", "processing_timeout", "record", "record"]

    def test_long_article_is_blamed_at_once(self, isolated: IsolatedPipeline) -> None:
        """A long article is parsed alone: its timeout costs one restart, no re-run of others."""
        long_text = " ".join(STORY.format(i=n) for n in range(320)) + f" {STALL_PARSE}."
        batch = [_message(0), _message(1, long_text), _message(2)]
        restarts = isolated.restarts
        outcomes = isolated.process(batch).outcomes
        assert _kinds(outcomes) == ["record", "processing_timeout", "record"]
        assert isolated.restarts == restarts + 1

    def test_dying_child_costs_one_article(self, isolated: IsolatedPipeline) -> None:
        """A child that exits mid-article: that article is a processing_error, the rest go on."""
        outcomes = isolated.process(_batch(DIE, at=0)).outcomes
        assert _kinds(outcomes) == ["processing_error", "record", "record", "record"]
        dead = outcomes[0]
        assert isinstance(dead, DeadLetter)
        assert "exit code 3" in dead.error.message

    def test_budget_leaves_a_prefix(self, isolated: IsolatedPipeline) -> None:
        """A spent budget returns the finished prefix; the rest is for the next call."""
        batch = [_message(i) for i in range(40)]
        outcomes = isolated.process(batch, budget_s=1e-9).outcomes
        assert 1 <= len(outcomes) < len(batch)
        assert [o.article_id for o in outcomes] == [f"a-{i}" for i in range(len(outcomes))]
