"""Domain metrics: what a batch adds, which labels exist, and how lag and age are derived."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from prometheus_client import REGISTRY

from service import metrics
from service.deadletters import dead_letter
from service.errors import Rejected
from service.models import (
    STAGES,
    ArticleRecord,
    CleaningReport,
    Entity,
    Event,
    ModelInfo,
    Processing,
    RemovedBy,
    Story,
    Tone,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def value(name: str, **labels: str) -> float:
    """A sample of the default registry, 0 when the series does not exist yet."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def record(
    article_id: str,
    labels: list[str],
    event_types: list[str],
    duration_ms: float = 40.0,
    story_size: int = 1,
    cleaning: CleaningReport | None = None,
) -> ArticleRecord:
    return ArticleRecord(
        record_id=f"r-{article_id}",
        article_id=article_id,
        text="Some text.",
        entities=[
            Entity(name=f"{label}-{i}", label=label, count=1, mentions=[(0, 4)])
            for i, label in enumerate(labels)
        ],
        events=[Event(type=t, trigger="attacked", sentence=(0, 10)) for t in event_types],
        story=Story(id=f"st-{article_id}", first_article_id=article_id, size=story_size),
        tone=Tone(score=0.0, positive=0.0, negative=0.0),
        processing=Processing(
            pipeline_version="test",
            model=ModelInfo(name="en_core_web_sm", version="3.8.0"),
            duration_ms=duration_ms,
            processed_at=NOW,
            cleaning=cleaning,
        ),
    )


def letter(error_type: str) -> object:
    return dead_letter(b"{not json", Rejected(error_type, "bad"), max_original_bytes=100)


class TestObserveOutcomes:
    def test_counts_records_entities_events_and_dead_letters(self) -> None:
        """A batch adds its records, entities by label, events by type, dead letters by type."""
        before = {
            "records": value("entity_records_published_total"),
            "gpe": value("entity_entities_total", label="GPE"),
            "person": value("entity_entities_total", label="PERSON"),
            "assault": value("entity_events_total", type="ASSAULT"),
            "not_json": value("entity_dead_letters_total", error_type="not_json"),
            "latency": value("entity_article_processing_seconds_count"),
        }
        metrics.observe_outcomes(
            [
                record("a", ["GPE", "GPE", "PERSON"], ["ASSAULT"]),
                record("b", ["GPE"], ["ASSAULT", "ACCUSE"]),
                letter("not_json"),  # type: ignore[list-item]  # a DeadLetter
                letter("not_json"),  # type: ignore[list-item]  # a DeadLetter
            ]
        )
        assert value("entity_records_published_total") - before["records"] == 2
        assert value("entity_entities_total", label="GPE") - before["gpe"] == 3
        assert value("entity_entities_total", label="PERSON") - before["person"] == 1
        assert value("entity_events_total", type="ASSAULT") - before["assault"] == 2
        assert value("entity_dead_letters_total", error_type="not_json") - before["not_json"] == 2
        assert value("entity_article_processing_seconds_count") - before["latency"] == 2

    def test_latency_is_observed_per_article_in_seconds(self) -> None:
        """Each record's duration_ms lands in the per-article histogram as seconds."""
        bucket = {"le": "0.025"}
        below = value("entity_article_processing_seconds_bucket", **bucket)
        total = value("entity_article_processing_seconds_count")
        metrics.observe_outcomes([record("fast", [], [], 20.0), record("slow", [], [], 3000.0)])
        assert value("entity_article_processing_seconds_bucket", **bucket) - below == 1
        assert value("entity_article_processing_seconds_count") - total == 2

    def test_stories_opened_and_joined(self) -> None:
        """A record of size 1 opens a story; a larger one joined an existing story."""
        opened = value("entity_stories_opened_total")
        joined = value("entity_story_joins_total")
        metrics.observe_outcomes(
            [record("first", [], []), record("copy", [], [], story_size=2), letter("not_json")]  # type: ignore[list-item]  # a DeadLetter
        )
        assert value("entity_stories_opened_total") - opened == 1
        assert value("entity_story_joins_total") - joined == 1

    def test_cleaning_lines_by_outcome(self) -> None:
        """Kept lines and dropped lines by reason add up, so each reason's share can be read."""
        outcomes = ("kept", "model", "repeat", "rule", "extractor")
        before = {o: value("entity_cleaning_lines_total", outcome=o) for o in outcomes}
        report = CleaningReport(
            input_format="text",
            removed_lines=9,
            removed_chars=300,
            kept_lines=5,
            removed_by=RemovedBy(model=6, repeat=2, rule=1),
        )
        cut = record("cut", [], [], cleaning=report)
        metrics.observe_outcomes([cut, record("uncleaned", [], [])])
        after = {o: value("entity_cleaning_lines_total", outcome=o) - before[o] for o in outcomes}
        assert after == {"kept": 5, "model": 6, "repeat": 2, "rule": 1, "extractor": 0}

    def test_empty_batch_changes_nothing(self) -> None:
        """A batch of nothing publishes nothing."""
        before = value("entity_records_published_total")
        metrics.observe_outcomes([])
        assert value("entity_records_published_total") == before


class TestLabelSets:
    @pytest.mark.parametrize(
        ("metric", "labels"),
        [
            (metrics.DEAD_LETTERS, ("error_type",)),
            (metrics.ENTITIES, ("label",)),
            (metrics.EVENTS, ("type",)),
            (metrics.STAGE_SECONDS, ("stage",)),
            (metrics.STORY_INDEX_SECONDS, ("backend",)),
            (metrics.CLEANING_LINES, ("outcome",)),
            (metrics.CONSUMER_LAG, ("topic", "partition")),
            (metrics.OLDEST_UNPROCESSED_AGE, ("topic", "partition")),
            (metrics.COMMITS, ("result",)),
            (metrics.WORKER_CPU_SECONDS, ("worker",)),
            (
                metrics.BUILD_INFO,
                ("service_version", "pipeline_version", "spacy_version", "model", "model_version"),
            ),
        ],
    )
    def test_label_names(self, metric: object, labels: tuple[str, ...]) -> None:
        """Each family carries exactly the labels the dashboard and the alerts group by."""
        assert metric._labelnames == labels  # type: ignore[attr-defined]

    def test_stages_exist_before_the_first_batch(self) -> None:
        """All four stages are exported at 0 from the start, so panels are never empty."""
        for stage in STAGES:
            assert (
                REGISTRY.get_sample_value("entity_stage_seconds_count", {"stage": stage})
                is not None
            )

    @pytest.mark.parametrize(
        ("gauge", "mode"),
        [
            (metrics.IN_FLIGHT, "livesum"),
            (metrics.ASSIGNED_PARTITIONS, "livesum"),
            (metrics.CONSUMER_LAG, "livemostrecent"),
            (metrics.OLDEST_UNPROCESSED_AGE, "livemostrecent"),
            (metrics.BUILD_INFO, "livemax"),
            (metrics.WORKER_MEMORY_BYTES, "livemax"),
            (metrics.FASTSTREAM_IN_PROCESS, "livesum"),
            (metrics.REPEAT_MEMORY_KEYS, "livesum"),
        ],
    )
    def test_gauges_merge_deliberately_across_workers(self, gauge: object, mode: str) -> None:
        """Every gauge says how the supervisor merges the workers' values."""
        assert gauge._multiprocess_mode == mode  # type: ignore[attr-defined]

    def test_build_info_is_one_with_model_labels(self) -> None:
        """Build info is a constant 1 whose labels name the code and model versions."""
        metrics.set_build_info(
            service_version="9.9", pipeline_version="9.9+p1", model="xx_test", model_version="1.2"
        )
        samples = [
            s
            for family in REGISTRY.collect()
            if family.name == "entity_build_info"
            for s in family.samples
            if s.labels["model"] == "xx_test"
        ]
        assert [s.value for s in samples] == [1.0]
        assert samples[0].labels["model_version"] == "1.2"
        assert samples[0].labels["spacy_version"].startswith("3.")


class TestProcessSampler:
    def test_memory_and_cpu_of_this_process(self) -> None:
        """The sampler reports this process's resident memory and adds its CPU time."""
        sampler = metrics.ProcessSampler(worker=7)
        sum(i * i for i in range(200_000))  # burn a little CPU
        sampler.sample()
        rss = value("entity_worker_resident_memory_bytes", worker="7")
        assert 10_000_000 < rss < 10_000_000_000
        first = value("entity_worker_cpu_seconds_total", worker="7")
        assert first > 0
        sampler.sample()
        assert value("entity_worker_cpu_seconds_total", worker="7") >= first
