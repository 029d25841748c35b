"""Pipeline.process: a stage that raises costs one article, and the per-batch time budget."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import orjson
import pytest
from pydantic import ValidationError

from service.config import Settings
from service.models import ArticleRecord, DeadLetter
from service.pipeline import BUDGET_SLICE, Pipeline, RawMessage, slice_size

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

POISON = "Zanzibar poison marker"
STORY = "Officials in Nairobi met envoys from Uganda on Monday to discuss trade. Report {i}."


def _message(article_id: str, text: str) -> RawMessage:
    value = orjson.dumps({"id": article_id, "text": text, "language": "en"})
    return RawMessage(value=value, key=article_id.encode(), topic="in", partition=0, offset=0)


def _batch(count: int, poison_at: int | None = None) -> list[RawMessage]:
    return [
        _message(
            f"a-{i}", f"{STORY.format(i=i)} {POISON}." if i == poison_at else STORY.format(i=i)
        )
        for i in range(count)
    ]


def _fails_on_poison(stage: Callable[..., Any]) -> Callable[..., Any]:
    """The stage, except that it raises on the poison article (found by its text)."""

    def wrapped(first: Any, *args: Any, **kwargs: Any) -> Any:
        text = first.text if hasattr(first, "text") else str(first)
        if POISON in text:
            raise RuntimeError("stage exploded on purpose")
        return stage(first, *args, **kwargs)

    return wrapped


class _PoisonedNlp:
    """The real model, except that it raises when the poison text is in what it parses."""

    def __init__(self, nlp: Language) -> None:
        self._nlp = nlp
        self.meta, self.pipe_labels = nlp.meta, nlp.pipe_labels

    def pipe(self, texts: list[str], **kwargs: Any) -> Iterator[Doc]:
        if any(POISON in text for text in texts):
            raise RuntimeError("the whole nlp.pipe call exploded")
        return self._nlp.pipe(texts, **kwargs)

    def __call__(self, text: str) -> Doc:
        if POISON in text:
            raise RuntimeError("nlp exploded on purpose")
        return self._nlp(text)


@pytest.fixture
def fresh(settings: Settings, nlp: Language) -> Pipeline:
    """A pipeline of its own (the test replaces a stage), sharing the session's model."""
    return Pipeline(settings, nlp=nlp)


class TestFailingStage:
    @pytest.mark.parametrize(
        ("stage", "prefix"),
        [
            ("clean", "cleaning failed"),
            ("extract_entities", "extraction failed"),
            ("extract_events", "extraction failed"),
            ("nlp", "extraction failed"),
        ],
    )
    def test_stage_error_costs_one_article(self, fresh: Pipeline, stage: str, prefix: str) -> None:
        """A stage raising on one article: a processing_error for it, records for the rest."""
        if stage == "nlp":
            fresh.nlp = _PoisonedNlp(fresh.nlp)  # type: ignore[assignment]
        else:
            setattr(fresh, stage, _fails_on_poison(getattr(fresh, stage)))
        outcomes = fresh.process(_batch(6, poison_at=2)).outcomes
        assert [type(o).__name__ for o in outcomes] == ["ArticleRecord"] * 2 + ["DeadLetter"] + [
            "ArticleRecord"
        ] * 3
        dead = outcomes[2]
        assert isinstance(dead, DeadLetter)
        assert dead.error.type == "processing_error"
        assert dead.error.message.startswith(prefix)
        assert dead.article_id == "a-2"
        assert [o.article_id for o in outcomes] == [f"a-{i}" for i in range(6)]


class TestTimeBudget:
    def test_no_budget_processes_everything(self, pipeline: Pipeline) -> None:
        """Without a budget (the offline path) the whole batch comes back."""
        assert len(pipeline.process(_batch(BUDGET_SLICE + 3)).outcomes) == BUDGET_SLICE + 3

    def test_spent_budget_stops_after_a_slice(self, pipeline: Pipeline) -> None:
        """Once the budget is spent no new slice starts: a prefix comes back, never nothing."""
        batch = _batch(2 * BUDGET_SLICE + 5)
        result = pipeline.process(batch, budget_s=1e-9)
        first = slice_size(len(batch))
        assert [o.article_id for o in result.outcomes] == [f"a-{i}" for i in range(first)]

    def test_big_messages_make_small_slices(self, pipeline: Pipeline) -> None:
        """A slice holds at most about max_text_chars bytes: one long article is a slice alone."""
        text = "Le conseil municipal s'est réuni lundi. " * 3_000  # ~120 kB, cheap: not English
        big = [_message(f"fr-{i}", text).value for i in range(3)]
        batch = [RawMessage(value=v.replace(b'"en"', b'"fr"')) for v in big]
        assert len(pipeline.process(batch, budget_s=1e-9).outcomes) == 1
        # Longer than max_text_chars / LONG_ALONE: parsed alone, so a time limit blames it alone.
        assert len(pipeline.process(batch[:1] + _batch(5), budget_s=1e-9).outcomes) == 1
        assert slice_size(5 + 3 + 12) == 5
        assert len(pipeline.process(_batch(5) + batch + _batch(12), budget_s=1e-9).outcomes) == 5

    def test_follow_up_calls_give_the_same_records(self, pipeline: Pipeline) -> None:
        """The rest, handed over again, gives the records one call without a budget gives."""
        batch = _batch(2 * BUDGET_SLICE + 5)
        pieces: list[ArticleRecord | DeadLetter] = []
        while len(pieces) < len(batch):
            pieces += pipeline.process(batch[len(pieces) :], budget_s=1e-9).outcomes
        whole = pipeline.process(batch).outcomes
        assert [o.record_id for o in pieces] == [o.record_id for o in whole]  # type: ignore[union-attr]

    def test_slices_follow_what_waits(self) -> None:
        """A few waiting articles are parsed one by one; a full poll of 64 in slices of 16."""
        assert [slice_size(n) for n in (0, 1, 3, 4, 5, 8, 16, 40, 64, 500)] == [
            1, 1, 1, 1, 2, 2, 4, 10, BUDGET_SLICE, BUDGET_SLICE,
        ]  # fmt: skip

    def test_generous_budget_processes_everything(self, pipeline: Pipeline) -> None:
        """A budget that is not spent changes nothing."""
        assert len(pipeline.process(_batch(40), budget_s=600).outcomes) == 40

    @pytest.mark.parametrize(
        ("budget", "max_poll_ms", "ok"),
        [(120.0, 300_000, True), (5.0, 10_000, True), (6.0, 10_000, False)],
    )
    def test_budget_must_leave_half_the_poll_interval(
        self, budget: float, max_poll_ms: int, ok: bool
    ) -> None:
        """The budget fits in half of max.poll.interval; publish retries get the other half."""
        make = lambda: Settings(  # noqa: E731
            workers=1, batch_time_budget_s=budget, max_poll_interval_ms=max_poll_ms
        )
        if ok:
            assert make().batch_time_budget_s == budget
        else:
            with pytest.raises(ValidationError, match="batch_time_budget_s"):
                make()


class TestEventsSwitch:
    def test_events_off_runs_no_parser(self) -> None:
        """Without events the parser is not loaded, and records carry entities but no events."""
        pipeline = Pipeline(Settings(workers=1, events_enabled=False))
        assert "parser" not in pipeline.nlp.pipe_names
        assert "ner" in pipeline.nlp.pipe_names
        text = "Chile and Peru signed a fisheries agreement in Lima on Tuesday."
        (record,) = pipeline.process([_message("off", text)]).outcomes
        assert isinstance(record, ArticleRecord)
        assert record.events == []
        assert {"Chile", "Peru", "Lima"} <= {e.name for e in record.entities}


class TestRecordLimit:
    ATTACKS = " ".join(
        f"On Monday, rebels attacked soldiers near Gao, killing {i + 2} people." for i in range(60)
    )

    def test_a_record_over_the_limit_comes_out_shrunk_and_marked(self, nlp: Language) -> None:
        """Too many events for ENTITY_MAX_RECORD_BYTES: a bounded record with `truncated`."""
        pipeline = Pipeline(Settings(workers=1, max_record_bytes=12_000), nlp=nlp)
        [outcome] = pipeline.process([_message("many", self.ATTACKS)]).outcomes
        assert isinstance(outcome, ArticleRecord), outcome
        assert outcome.truncated is not None and outcome.truncated.events > 0
        assert len(orjson.dumps(outcome.model_dump(mode="json"))) <= 12_000

    def test_a_record_that_cannot_fit_is_a_record_too_large_dead_letter(
        self, nlp: Language
    ) -> None:
        """A text alone larger than the limit: a record_too_large dead letter with its id."""
        pipeline = Pipeline(Settings(workers=1, max_record_bytes=2_000), nlp=nlp)
        [outcome] = pipeline.process([_message("long", self.ATTACKS)]).outcomes
        assert isinstance(outcome, DeadLetter), outcome
        assert outcome.error.type == "record_too_large"
        assert outcome.article_id == "long"
        assert "2000" in outcome.error.message


class TestLongText:
    def test_a_text_parsed_in_pieces_keeps_every_offset(self, pipeline: Pipeline) -> None:
        """Over 10,000 characters the parse goes in pieces; mentions still point at the names."""
        lines = [
            f"Officials in Nairobi met envoys from Uganda on day {i}; Kenya said talks went well."
            for i in range(300)
        ]
        [outcome] = pipeline.process([_message("long-text", "\n".join(lines))]).outcomes
        assert isinstance(outcome, ArticleRecord), outcome
        assert len(outcome.text) > 20_000
        names = {e.name: e for e in outcome.entities}
        for name in ("Nairobi", "Uganda", "Kenya"):
            entity = names[name]
            assert entity.count == 300, (name, entity.count)
            assert {outcome.text[s:e] for s, e in entity.mentions} == {name}
