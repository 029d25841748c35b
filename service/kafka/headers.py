"""Kafka headers of what the service publishes: W3C trace context and CloudEvents binary mode.

The contract (Headers section): the input's `traceparent`/`tracestate` go onto each of its
outputs; every output carries the CloudEvents Kafka-binding attributes `ce_*` and
`content-type`; a dead letter also `error-type`, and the input's `entity-redrive-count` (how
often `dlq redrive` sent it back: defined here, at the transport, and read by the operators'
commands in service/ops/).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final

from service.config import Settings
from service.models import ArticleRecord, DeadLetter

__all__ = [
    "CE_SPECVERSION",
    "DEAD_LETTER_TYPE",
    "RECORD_TYPE",
    "REDRIVE_COUNT_HEADER",
    "dead_letter_headers",
    "dead_letter_id",
    "header_schema",
    "record_headers",
    "redrive_count",
    "redrive_count_header",
    "trace_context",
]

CE_SPECVERSION: Final = "1.0"
RECORD_TYPE: Final = "org.entityservice.article-record.v1"
DEAD_LETTER_TYPE: Final = "org.entityservice.dead-letter.v1"
CONTENT_TYPE: Final = "application/json"
REDRIVE_COUNT_HEADER: Final = "entity-redrive-count"

#: What a malformed or absurd redrive count reads as: more than any ENTITY_MAX_REDRIVES.
_TOO_MANY_REDRIVES = 1_000_000

# W3C Trace Context level 1: version 00 has exactly four fields; a later version may add more.
_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$")
_TRACESTATE_MAX = 512  # W3C: at least 512 characters must be propagated; longer may be cut


def trace_context(headers: Iterable[tuple[str, bytes | None]]) -> dict[str, str]:
    """The input's valid `traceparent` (and its `tracestate`); anything malformed is dropped.

    A malformed traceparent is not an error of the article: the W3C spec says to start a new
    trace, so the outputs simply carry none of the input's.
    """
    found: dict[str, bytes] = {}
    for name, value in headers:
        if value is not None and name.lower() in ("traceparent", "tracestate"):
            found.setdefault(name.lower(), value)
    try:
        parent = found["traceparent"].decode("ascii").strip()
    except (KeyError, UnicodeDecodeError):
        return {}
    match = _TRACEPARENT.match(parent)
    if match is None:
        return {}
    version, trace_id, span_id, _, rest = match.groups()
    if version == "ff" or (version == "00" and rest) or set(trace_id) == {"0"}:
        return {}
    if set(span_id) == {"0"}:
        return {}
    context = {"traceparent": parent}
    try:
        state = found["tracestate"].decode("ascii").strip()
    except (KeyError, UnicodeDecodeError):
        return context
    if state and len(state) <= _TRACESTATE_MAX:
        context["tracestate"] = state
    return context


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def record_headers(
    record: ArticleRecord, settings: Settings, trace: dict[str, str] | None = None
) -> dict[str, str]:
    """Headers of an ArticleRecord: `ce_id` is its deterministic `record_id`."""
    return {
        **(trace or {}),
        "ce_specversion": CE_SPECVERSION,
        "ce_id": record.record_id,
        "ce_source": settings.cloudevents_source,
        "ce_type": RECORD_TYPE,
        "ce_time": _rfc3339(record.processing.processed_at),
        "content-type": CONTENT_TYPE,
    }


def dead_letter_id(dead: DeadLetter) -> str:
    """Deterministic per original message: its place in the log and its bytes' hash.

    A redelivered message (same topic, partition, offset, bytes) gets the same id, so a consumer
    of dead letters can de-duplicate them as it does records.
    """
    where = f"{dead.topic}\x00{dead.partition}\x00{dead.offset}\x00{dead.original_sha256}"
    return "dl-" + hashlib.sha256(where.encode()).hexdigest()[:32]


def dead_letter_headers(
    dead: DeadLetter, settings: Settings, trace: dict[str, str] | None = None
) -> dict[str, str]:
    """Headers of a DeadLetter: the CloudEvents attributes and `error-type`."""
    return {
        **(trace or {}),
        "ce_specversion": CE_SPECVERSION,
        "ce_id": dead_letter_id(dead),
        "ce_source": settings.cloudevents_source,
        "ce_type": DEAD_LETTER_TYPE,
        "ce_time": _rfc3339(dead.failed_at),
        "content-type": CONTENT_TYPE,
        "error-type": dead.error.type,
    }


def header_schema(ce_type: str, *, dead_letter: bool) -> dict[str, Any]:
    """JSON Schema of the headers of one output topic, for the AsyncAPI document."""
    properties: dict[str, Any] = {
        "traceparent": {
            "type": "string",
            "description": "W3C trace context of the input message, when it carried one.",
        },
        "tracestate": {"type": "string", "description": "W3C tracestate of the input message."},
        "ce_specversion": {"const": CE_SPECVERSION, "description": "CloudEvents spec version."},
        "ce_id": {
            "type": "string",
            "description": "The dead letter's deterministic id of the original message."
            if dead_letter
            else "The record's record_id (deterministic: de-duplicate on it).",
        },
        "ce_source": {"type": "string", "description": "ENTITY_CLOUDEVENTS_SOURCE."},
        "ce_type": {"const": ce_type},
        "ce_time": {
            "type": "string",
            "format": "date-time",
            "description": "failed_at" if dead_letter else "processing.processed_at",
        },
        "content-type": {"const": CONTENT_TYPE},
    }
    required = ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type"]
    if dead_letter:
        properties["error-type"] = {"type": "string", "description": "The error.type."}
        required.append("error-type")
        properties[REDRIVE_COUNT_HEADER] = {
            "type": "string",
            "pattern": "^[0-9]+$",
            "description": "How often `dlq redrive` sent the original back (copied from it).",
        }
    return {"type": "object", "properties": properties, "required": required}


def redrive_count(headers: Iterable[tuple[str, bytes | None]]) -> int:
    """The count a message carries (0 without the header); the last header wins, as in Kafka."""
    count = 0
    for key, value in headers:
        if key == REDRIVE_COUNT_HEADER:
            count = _parse_count(value)
    return count


def redrive_count_header(headers: Iterable[tuple[str, bytes | None]]) -> dict[str, str]:
    """The header to carry from an input onto its dead letter, so the count survives the trip."""
    pairs = list(headers)
    if not any(key == REDRIVE_COUNT_HEADER for key, _ in pairs):
        return {}
    return {REDRIVE_COUNT_HEADER: str(redrive_count(pairs))}


def _parse_count(value: bytes | None) -> int:
    """A malformed count counts as "too many": a message of unknown history is not sent again."""
    text = bytes(value or b"").strip()
    if not text.isdigit() or len(text) > len(str(_TOO_MANY_REDRIVES)):
        return _TOO_MANY_REDRIVES
    return min(int(text), _TOO_MANY_REDRIVES)
