"""Output headers: W3C trace context from the input, CloudEvents binary mode."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.config import Settings
from service.deadletters import dead_letter
from service.errors import Rejected
from service.kafka.headers import (
    REDRIVE_COUNT_HEADER,
    dead_letter_headers,
    dead_letter_id,
    header_schema,
    record_headers,
    redrive_count,
    redrive_count_header,
    trace_context,
)
from service.models import ArticleRecord

PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


class TestTraceContext:
    def test_valid_parent_and_state_are_kept(self) -> None:
        """A valid traceparent and its tracestate are carried, whatever the header case."""
        got = trace_context([("TraceParent", PARENT.encode()), ("tracestate", b"rojo=00f0")])
        assert got == {"traceparent": PARENT, "tracestate": "rojo=00f0"}

    @pytest.mark.parametrize(
        "value",
        [
            b"garbage",
            b"00-00000000000000000000000000000000-00f067aa0ba902b7-01",  # zero trace id
            b"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  # zero span id
            b"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  # forbidden version
            b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",  # v00 + suffix
            b"\xff\xfe",
            None,
        ],
    )
    def test_malformed_parent_is_dropped(self, value: bytes | None) -> None:
        """A malformed traceparent carries nothing (W3C: start a new trace), never fails."""
        assert trace_context([("traceparent", value), ("tracestate", b"a=1")]) == {}

    def test_state_without_parent_is_dropped(self) -> None:
        """tracestate alone means nothing and is not carried."""
        assert trace_context([("tracestate", b"a=1")]) == {}


@pytest.fixture
def record(pipeline: object) -> ArticleRecord:
    from service.pipeline import Pipeline, RawMessage

    assert isinstance(pipeline, Pipeline)
    (outcome,) = pipeline.process(
        [RawMessage(b'{"id": "h-1", "text": "Kenya and Uganda signed a trade deal."}')]
    ).outcomes
    assert isinstance(outcome, ArticleRecord)
    return outcome


class TestCloudEvents:
    def test_record_headers(self, record: ArticleRecord, settings: Settings) -> None:
        """ce_id is the record_id; type, source, time and content type as the contract says."""
        headers = record_headers(record, settings, {"traceparent": PARENT})
        assert headers == {
            "traceparent": PARENT,
            "ce_specversion": "1.0",
            "ce_id": record.record_id,
            "ce_source": "/entity-service",
            "ce_type": "org.entityservice.article-record.v1",
            "ce_time": record.processing.processed_at.isoformat().replace("+00:00", "Z"),
            "content-type": "application/json",
        }
        assert datetime.fromisoformat(headers["ce_time"]).tzinfo is not None

    def test_dead_letter_id_is_deterministic_per_message(self, settings: Settings) -> None:
        """The same message at the same offset gets the same id; another offset another."""
        error = Rejected("not_json", "not JSON")

        def at(offset: int) -> str:
            dead = dead_letter(
                b"{x", error, max_original_bytes=10, topic="t", partition=1, offset=offset
            )
            return dead_letter_id(dead)

        assert at(5) == at(5) != at(6)

    def test_dead_letter_headers(self, settings: Settings) -> None:
        """A dead letter's headers add error-type to the CloudEvents attributes."""
        dead = dead_letter(
            b"{x",
            Rejected("not_json", "not JSON"),
            max_original_bytes=10,
            topic="t",
            partition=0,
            offset=3,
        )
        headers = dead_letter_headers(dead, settings)
        assert headers["ce_type"] == "org.entityservice.dead-letter.v1"
        assert headers["ce_id"] == dead_letter_id(dead)
        assert headers["error-type"] == "not_json"
        assert headers["ce_time"].endswith("Z")
        assert dead.failed_at.tzinfo == UTC

    def test_schema_lists_every_header(self, record: ArticleRecord, settings: Settings) -> None:
        """The AsyncAPI header schema names every header the service sets, required ones too."""
        schema = header_schema("org.entityservice.article-record.v1", dead_letter=False)
        headers = record_headers(record, settings, {"traceparent": PARENT, "tracestate": "a=1"})
        assert set(headers) == set(schema["properties"])
        assert set(schema["required"]) <= set(headers)
        assert "error-type" in header_schema("x", dead_letter=True)["required"]


class TestRedriveCount:
    def test_absent_is_zero(self) -> None:
        """A message never redriven has count 0 and carries no header onto its dead letter."""
        assert redrive_count([("traceparent", b"x")]) == 0
        assert redrive_count_header([("traceparent", b"x")]) == {}

    def test_carried_as_text(self) -> None:
        """The count goes onto the dead letter as a decimal string."""
        assert redrive_count_header([(REDRIVE_COUNT_HEADER, b"2")]) == {REDRIVE_COUNT_HEADER: "2"}

    def test_malformed_counts_as_too_many(self) -> None:
        """Garbage or absurd counts read as more than any limit, never as 0."""
        for value in (b"\xff", b"-1", b"two", b"99999999999"):
            assert redrive_count([(REDRIVE_COUNT_HEADER, value)]) >= 1_000_000
