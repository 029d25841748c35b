"""Story grouping: fingerprints, the local index, the pipeline step, and the three page forms."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
import pytest
from prometheus_client import REGISTRY

from service.config import Settings
from service.models import ArticleRecord, Story
from service.pipeline import Pipeline, RawMessage
from service.stories import (
    LocalStoryIndex,
    RedisStoryIndex,
    StoryQuery,
    assign_stories,
    fresh_story,
    open_story_index,
    story_id_for,
)
from service.stories import fingerprint as fingerprint_module
from service.stories.fingerprint import MAX_ANCHORS, Fingerprint, fingerprint, overlap, shingles
from service.stories.index import ANCHOR_FANOUT, Candidate

if TYPE_CHECKING:
    from spacy.language import Language

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.stories_eval import bcubed, invented_articles  # noqa: E402

REPORT = (
    "Heavy rain sent the Varen river over its banks on Sunday night, cutting off fourteen "
    "villages in the lower valley and forcing two thousand people from their homes. Boats "
    "were sent to Oster Mill and Kallby, where water reached the first floor of many houses "
    "before dawn. The mayor said the school gym had been turned into a shelter with camp beds "
    "and hot meals for four hundred people. Forecasters expect the rain to ease on Tuesday."
)
SAME_TOPIC = (
    "Farmers in the lower Varen valley counted their losses on Tuesday as flood water drained "
    "from fields of wheat and sugar beet, leaving grey mud over land ready for the harvest. "
    "The farmers' union estimates that nine thousand hectares were under water at the peak "
    "of the flood, and that hundreds of cattle drowned or were moved to higher pastures."
)
AGGREGATOR_BOILERPLATE = "NewsHub\nTop stories\n{body}\nContinue reading on the Herald\nTerms"


#: A long article whose lead paragraph is REPORT: a lead-only copy holds ~3% of its shingles.
LONG_REPORT = REPORT + "\n" + " ".join(
    random.Random(5).choices(sorted(set(SAME_TOPIC.lower().split())), k=1500)
)
LEAD_COPY = AGGREGATOR_BOILERPLATE.format(body=REPORT[:300])


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class Clock:
    """A settable clock for expiry."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def query(article_id: str, text: str) -> StoryQuery:
    return StoryQuery(article_id, fingerprint(text))


class TestFingerprint:
    def test_shingles_are_lowercased_five_word_windows(self) -> None:
        """Five-word shingles, case and punctuation ignored; a short text is one shingle."""
        assert shingles("One two, THREE four five six.") == {
            "one two three four five",
            "two three four five six",
        }
        assert shingles("Too short.") == {"too short"}
        assert shingles("") == set()

    def test_truncated_copy_is_contained(self) -> None:
        """The first half of a report is mostly contained in the whole."""
        half = REPORT[: len(REPORT) // 2]
        assert overlap(fingerprint(half), fingerprint(REPORT)) > 0.8

    def test_same_topic_is_not_contained(self) -> None:
        """Another report on the same flood shares almost nothing."""
        assert overlap(fingerprint(SAME_TOPIC), fingerprint(REPORT)) < 0.2

    def test_anchors_of_a_copy_are_anchors_of_the_whole(self) -> None:
        """Anchors are chosen by hash, not position: a lead copy's anchors are the article's too."""
        copy, whole = fingerprint(REPORT[:300]), fingerprint(LONG_REPORT)
        assert copy.anchors
        assert set(copy.anchors) <= set(whole.anchors) or len(whole.anchors) == MAX_ANCHORS
        assert set(copy.anchors) & set(whole.anchors)

    def test_signature_round_trips_through_bytes(self) -> None:
        """A stored signature compares like the original."""
        original = fingerprint(REPORT)
        copy = type(original).from_bytes(original.to_bytes(), original.size)
        assert overlap(copy, original) == pytest.approx(1.0)
        assert copy.bands() == original.bands()


class TestLocalStoryIndex:
    def index(self, clock: Clock | None = None) -> LocalStoryIndex:
        return LocalStoryIndex(window_s=3600, containment=0.5, clock=clock or Clock())

    def test_copies_share_the_first_article_story(self) -> None:
        """The full report opens a story; a truncated aggregator copy joins it."""
        copy = AGGREGATOR_BOILERPLATE.format(body=REPORT[: len(REPORT) * 3 // 5])
        first, second = self.index().assign([query("full", REPORT), query("copy", copy)])
        assert first == Story(id=story_id_for("full"), first_article_id="full", size=1)
        assert second == Story(id=first.id, first_article_id="full", size=2)

    def test_lead_only_copy_joins_through_anchors(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A lead-paragraph copy of a long article joins it; without anchors the bands miss it."""
        first, copy = self.index().assign([query("long", LONG_REPORT), query("lead", LEAD_COPY)])
        assert copy == Story(id=first.id, first_article_id="long", size=2)
        monkeypatch.setattr(fingerprint_module, "_anchors", lambda grams: ())
        first, copy = self.index().assign([query("long", LONG_REPORT), query("lead", LEAD_COPY)])
        assert copy.id != first.id

    def test_common_anchor_gives_only_its_latest_holders(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An anchor many articles hold (a stock phrase) yields its ANCHOR_FANOUT latest only."""
        index = self.index()
        anchors = fingerprint(REPORT).anchors
        index.assign(
            [
                StoryQuery(f"h{i}", Fingerprint(fingerprint(f"other {i}").minhash, 1, anchors))
                for i in range(ANCHOR_FANOUT + 5)
            ]
        )
        seen: list[str] = []

        def spy(fp: Fingerprint, candidates: Iterable[Candidate], containment: float) -> None:
            seen.extend(c.article_id for c in candidates)

        monkeypatch.setattr("service.stories.local.best_match", spy)
        index.assign([query("probe", REPORT)])
        assert sorted(seen) == sorted(f"h{i}" for i in range(5, ANCHOR_FANOUT + 5))

    def test_same_topic_stays_apart(self) -> None:
        """A different report on the same event opens its own story."""
        first, second = self.index().assign([query("a", REPORT), query("b", SAME_TOPIC)])
        assert first.id != second.id
        assert second.size == 1

    def test_redelivery_keeps_its_story(self) -> None:
        """An article seen again gets the story (and size) it had, and adds nothing."""
        index = self.index()
        (first,) = index.assign([query("a", REPORT)])
        (copy,) = index.assign([query("b", REPORT)])
        again = index.assign([query("b", REPORT), query("a", REPORT)])
        assert again == [copy, first]
        assert len(index) == 2

    def test_entries_expire_after_the_window(self) -> None:
        """A copy arriving after the window opens a new story; the old entries are gone."""
        clock = Clock()
        index = self.index(clock)
        (first,) = index.assign([query("a", REPORT)])
        clock.now += 3601
        (late,) = index.assign([query("b", REPORT)])
        assert late.id != first.id and late.first_article_id == "b"
        assert len(index) == 1

    def test_story_outlives_its_first_article(self) -> None:
        """While a later copy is in the window, the story stays open for more copies."""
        clock = Clock()
        index = self.index(clock)
        (first,) = index.assign([query("a", REPORT)])
        clock.now += 3000
        index.assign([query("b", REPORT)])
        clock.now += 1000  # "a" expired, "b" has not
        (third,) = index.assign([query("c", REPORT)])
        assert third == Story(id=first.id, first_article_id="a", size=3)


class _Broken:
    backend = "broken"

    def assign(self, queries: object) -> list[Story]:
        raise RuntimeError("index bug")

    def close(self) -> None:
        """Nothing to close."""


def _message(article_id: str, text: str) -> RawMessage:
    return RawMessage(value=orjson.dumps({"id": article_id, "text": text, "language": "en"}))


class TestAssignStories:
    def test_dead_letters_pass_through_in_order(self, pipeline: Pipeline) -> None:
        """Records get their stories; dead letters stay where they were."""
        outcomes = pipeline.process(
            [_message("a", REPORT), RawMessage(value=b"{bad"), _message("b", REPORT)]
        ).outcomes
        placed = assign_stories(outcomes, LocalStoryIndex(window_s=60, containment=0.5))
        kinds = [type(o).__name__ for o in placed]
        assert kinds == ["ArticleRecord", "DeadLetter", "ArticleRecord"]
        a, _, b = placed
        assert isinstance(a, ArticleRecord) and isinstance(b, ArticleRecord)
        assert a.story.id == b.story.id and b.story.size == 2

    def test_failing_index_loses_nothing(self, pipeline: Pipeline) -> None:
        """An index that raises: every record still comes, with a fresh story, counted."""
        outcomes = pipeline.process([_message("a", REPORT), _message("b", REPORT)]).outcomes
        before = value("entity_story_degraded_articles_total")
        placed = assign_stories(outcomes, _Broken())
        assert [o.story for o in placed] == [fresh_story("a"), fresh_story("b")]  # type: ignore[union-attr]
        assert value("entity_story_degraded_articles_total") - before == 2

    def test_pipeline_without_index_makes_own_stories(self, pipeline: Pipeline) -> None:
        """Without an index each record is the first of its own story."""
        (record,) = pipeline.process([_message("solo", REPORT)]).outcomes
        assert isinstance(record, ArticleRecord)
        assert record.story == fresh_story("solo")


class TestPageForms:
    def test_three_forms_of_each_page_make_one_story(
        self, settings: Settings, nlp: Language
    ) -> None:
        """HTML, scraped text and aggregator copy of 12 pages, shuffled: B-cubed F1 >= 0.95."""
        articles = invented_articles()
        random.Random(3).shuffle(articles)
        pipeline = Pipeline(
            settings, nlp=nlp, stories=LocalStoryIndex(window_s=3600, containment=0.5)
        )
        messages = [RawMessage(value=orjson.dumps(a)) for a in articles]
        records = [o for o in pipeline.process(messages).outcomes if isinstance(o, ArticleRecord)]
        assert len(records) == len(articles)
        truth = {a["id"]: a["id"].rsplit("/", 1)[0] for a in articles}
        predicted = {r.article_id: r.story.id for r in records}
        precision, recall, f1 = bcubed(truth, predicted)
        assert f1 >= 0.95, (precision, recall)
        assert {r.story.size for r in records} == {1, 2, 3}

    def test_bcubed_scores_a_split_and_a_merge(self) -> None:
        """B-cubed: one merged pair halves precision for its items, a split halves recall."""
        truth = {"a": "1", "b": "1", "c": "2"}
        assert bcubed(truth, {"a": "x", "b": "x", "c": "y"}) == (1.0, 1.0, 1.0)
        precision, recall, _ = bcubed(truth, {"a": "x", "b": "y", "c": "y"})
        assert precision == pytest.approx((1 + 0.5 + 0.5) / 3)
        assert recall == pytest.approx((0.5 + 0.5 + 1) / 3)


class TestOpenStoryIndex:
    def test_local_without_redis_and_says_so(self, caplog: pytest.LogCaptureFixture) -> None:
        """No Redis URL: a local index, and a warning that it is per process."""
        with caplog.at_level("WARNING", logger="entity_service.stories"):
            index = open_story_index(Settings(workers=1))
        assert isinstance(index, LocalStoryIndex)
        assert "ENTITY_STORIES_REDIS_URL is not set" in caplog.text

    def test_redis_url_gives_the_shared_index(self) -> None:
        """A Redis URL gives the shared index with the settings' window (no connection yet)."""
        settings = Settings(
            workers=1, stories_redis_url="redis://127.0.0.1:1/0", story_window_h=2
        )
        index = open_story_index(settings)
        assert isinstance(index, RedisStoryIndex)
        assert index.window_s == 7200
        index.close()

    def test_bad_redis_url_is_refused(self) -> None:
        """A URL that is not redis:// fails at start-up."""
        with pytest.raises(ValueError, match="stories_redis_url"):
            Settings(workers=1, stories_redis_url="http://cache:6379")


class TestRedisDown:
    def test_unreachable_redis_gives_fresh_stories_and_counts(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Nothing listens: fresh stories at once, one error counted and logged, no retry yet."""
        index = RedisStoryIndex.from_url(
            "redis://127.0.0.1:1/0", timeout_s=0.2, window_s=60, containment=0.5, retry_s=60
        )
        errors = value("entity_story_redis_errors_total")
        degraded = value("entity_story_degraded_articles_total")
        with caplog.at_level("WARNING", logger="entity_service.stories"):
            first = index.assign([query("a", REPORT), query("b", REPORT)])
            second = index.assign([query("c", REPORT)])
        assert first + second == [fresh_story("a"), fresh_story("b"), fresh_story("c")]
        assert value("entity_story_redis_errors_total") - errors == 1  # the pause skips Redis
        assert value("entity_story_degraded_articles_total") - degraded == 3
        (line,) = [r for r in caplog.records if r.name == "entity_service.stories"]
        assert line.getMessage().startswith("story index: Redis failed (ConnectionError: ")
        assert line.getMessage().endswith("; articles get fresh stories, retry in 60s")
