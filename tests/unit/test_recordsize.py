"""Records bounded by the output topic's limit: shrunk deterministically, or refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.errors import Rejected
from service.models import (
    ArticleRecord,
    Entity,
    Event,
    ModelInfo,
    Processing,
    Story,
    Tone,
)
from service.outcomes import serialize
from service.recordsize import fit_record, measured_size

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def record(events: int, mentions: int, text: str = "Troops attacked the town.") -> ArticleRecord:
    """`events` events of rising then falling confidence; one entity with `mentions` mentions."""
    return ArticleRecord(
        record_id="r-1",
        article_id="a-1",
        text=text,
        entities=[
            Entity(
                name="Kharkiv",
                label="GPE",
                count=mentions,
                mentions=[(i * 10, i * 10 + 7) for i in range(mentions)],
            ),
            Entity(name="Russia", label="GPE", count=1, mentions=[(0, 6)]),
        ],
        events=[
            Event(
                type="ASSAULT",
                trigger="attacked",
                actor=f"party {i}",
                sentence=(i, i + 20),
                confidence=round(0.1 + (i % 9) / 10, 2),
            )
            for i in range(events)
        ],
        story=Story(id="st-a-1", first_article_id="a-1", size=1),
        tone=Tone(score=-0.5, positive=0.0, negative=0.4),
        processing=Processing(
            pipeline_version="test",
            model=ModelInfo(name="en_core_web_sm", version="3.8.0"),
            duration_ms=12.5,
            processed_at=NOW,
        ),
    )


class TestFits:
    def test_a_record_within_the_limit_is_returned_whole_without_truncated(self) -> None:
        """A small record comes back as it was, and its bytes hold no `truncated` key."""
        whole = record(3, 3)
        assert fit_record(whole, 1_000_000) is whole
        assert b"truncated" not in serialize(whole)

    def test_measured_size_bounds_the_bytes_whatever_the_story_and_timing(self) -> None:
        """The measure covers the longest story id and timing the record can be given later."""
        whole = record(5, 5)
        later = whole.model_copy(
            update={
                "story": Story(id="st-" + "f" * 24, first_article_id="\x01" * 256, size=99),
                "processing": whole.processing.model_copy(update={"duration_ms": 98765.432}),
            }
        )
        assert len(serialize(later)) <= measured_size(whole)


class TestShrinks:
    def test_events_of_the_lowest_confidence_are_left_out_first(self) -> None:
        """Too many events: the most confident are kept, in their order, and the rest counted."""
        whole = record(400, 2)
        limit = measured_size(whole) // 2
        shrunk = fit_record(whole, limit)
        assert shrunk.truncated is not None
        assert shrunk.truncated.events == 400 - len(shrunk.events) > 0
        assert shrunk.truncated.mentions == 0
        kept = {e.sentence for e in shrunk.events}
        lowest_kept = min(e.confidence for e in shrunk.events)
        assert all(e.confidence <= lowest_kept for e in whole.events if e.sentence not in kept)
        assert [e.sentence for e in shrunk.events] == sorted(kept)
        assert len(serialize(shrunk)) <= limit

    def test_the_latest_mentions_are_left_out_and_count_stays_whole(self) -> None:
        """Too many mentions: each entity keeps its earliest ones; `count` still counts all."""
        whole = record(2, 3000)
        limit = measured_size(whole) // 3
        shrunk = fit_record(whole, limit)
        kharkiv = shrunk.entities[0]
        assert shrunk.truncated is not None
        assert kharkiv.count == 3000
        assert kharkiv.mentions == whole.entities[0].mentions[: len(kharkiv.mentions)]
        assert shrunk.truncated.mentions == 3000 - len(kharkiv.mentions)
        assert shrunk.truncated.events == 0
        assert len(serialize(shrunk)) <= limit

    def test_the_largest_cap_that_fits_is_taken(self) -> None:
        """One more event or mention than kept would not fit: nothing is left out needlessly."""
        whole = record(300, 300)
        limit = measured_size(whole) - 2000
        shrunk = fit_record(whole, limit)
        kept = len(shrunk.events)
        one_more = whole.model_copy(
            update={
                "events": whole.events[: kept + 1],
                "entities": [
                    e.model_copy(update={"mentions": e.mentions[: kept + 1]})
                    for e in whole.entities
                ],
            }
        )
        assert measured_size(one_more) > limit

    def test_shrinking_is_deterministic(self) -> None:
        """The same record shrinks to the same bytes, whatever its timing says."""
        whole = record(500, 500)
        slower = whole.model_copy(
            update={"processing": whole.processing.model_copy(update={"duration_ms": 9999.125})}
        )
        limit = measured_size(whole) // 2
        first, second = fit_record(whole, limit), fit_record(slower, limit)
        assert first.events == second.events
        assert first.entities == second.entities
        assert first.truncated == second.truncated
        assert first.record_id == second.record_id == whole.record_id

    def test_a_truncated_record_says_what_was_left_out(self) -> None:
        """The bytes of a shrunk record carry `truncated` with both counts."""
        shrunk = fit_record(record(400, 400), 20_000)
        assert b'"truncated":{"events":' in serialize(shrunk)


class TestRefuses:
    def test_a_text_larger_than_the_limit_is_record_too_large_naming_both_sizes(self) -> None:
        """Even with no events and one mention each it cannot fit: Rejected with the sizes."""
        whole = record(10, 10, text="word " * 5000)
        with pytest.raises(Rejected) as caught:
            fit_record(whole, 10_000)
        assert caught.value.error_type == "record_too_large"
        assert str(measured_size(whole)) in caught.value.message
        assert "10000" in caught.value.message
