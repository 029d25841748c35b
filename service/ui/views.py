"""Turn output and dead-letter messages into the plain view the page renders with textContent.

Everything here is pure and keeps article strings as they are: escaping is the browser's job,
done by building DOM nodes with ``textContent`` (never ``innerHTML``), so no string is ever
parsed as HTML. What this module guarantees is structure: the marked text is the record's text
cut at mention offsets into segments whose concatenation is that text, with bad or overlapping
offsets dropped instead of breaking the page. A message the page cannot read becomes an
"unreadable" item with the reason, never an exception in the follower.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson
import pycountry

__all__ = [
    "ORIGINAL_HEAD_BYTES",
    "dead_letter_view",
    "event_row",
    "item_from_message",
    "mark_segments",
    "mention_hover",
    "record_view",
]

ORIGINAL_HEAD_BYTES = 512  # of a dead letter's original: enough to see what it was

Item = dict[str, Any]


def _text(value: Any) -> str | None:
    """A string field of an untrusted message, or None when it is absent or not a string."""
    return value if isinstance(value, str) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _country_name(code: str) -> str | None:
    country = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    return str(country.name) if country is not None else None


def mention_hover(entity: dict[str, Any]) -> str:
    """The mark's tooltip: name and label, then the country and coordinates where known."""
    parts = [f"{_text(entity.get('name')) or '?'} ({_text(entity.get('label')) or '?'})"]
    code = _text(entity.get("country"))
    if code:
        name = _country_name(code)
        parts.append(f"country {code}" + (f" {name}" if name else ""))
    geo = _dict(entity.get("geo"))
    lat, lon = _number(geo.get("lat")), _number(geo.get("lon"))
    if lat is not None and lon is not None:
        parts.append(f"{lat:.4f}, {lon:.4f}")
    return " · ".join(parts)


def _mention_spans(text_len: int, entities: list[Any]) -> list[tuple[int, int, dict[str, Any]]]:
    """Valid [start, end) spans of every mention, sorted by start, longest first on a tie."""
    spans = []
    for entity in entities:
        if not isinstance(entity, dict):
            continue
        for mention in _list(entity.get("mentions")):
            if not (isinstance(mention, list) and len(mention) == 2):
                continue
            start, end = mention
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= text_len:
                spans.append((start, end, entity))
    spans.sort(key=lambda span: (span[0], -span[1]))
    return spans


def mark_segments(text: str, entities: list[Any], max_chars: int) -> list[dict[str, str]]:
    """Cut `text` (its first `max_chars`) at the mentions: plain and marked segments, in order.

    Joining the segments' ``text`` gives back the shown text exactly; a mention that overlaps
    an earlier one, falls outside the text or crosses the cut is left unmarked.
    """
    shown = text[:max_chars]
    segments: list[dict[str, str]] = []
    position = 0
    for start, end, entity in _mention_spans(len(shown), entities):
        if start < position:
            continue
        if start > position:
            segments.append({"text": shown[position:start]})
        segments.append(
            {
                "text": shown[start:end],
                "label": _text(entity.get("label")) or "ENTITY",
                "hover": mention_hover(entity),
            }
        )
        position = end
    if position < len(shown):
        segments.append({"text": shown[position:]})
    return segments


def _when(date: dict[str, Any]) -> str | None:
    said = _text(date.get("text"))
    start, end = _text(date.get("start")), _text(date.get("end"))
    resolved = start if start == end or end is None else f"{start} to {end}"
    if said and resolved:
        return f"{said} ({resolved})"
    return said or resolved


def _quantity(quantity: dict[str, Any]) -> str | None:
    value = _number(quantity.get("value"))
    if value is None:
        return None
    shown = f"{value:g}"
    unit = _text(quantity.get("unit"))
    return f"{shown} {unit}" if unit else shown


def event_row(event: dict[str, Any]) -> dict[str, str | None]:
    """One row of the events table: type, actor -> target, where, when, quantity, confidence."""
    confidence = _number(event.get("confidence"))
    return {
        "type": _text(event.get("type")) or "?",
        "trigger": _text(event.get("trigger")),
        "actor": _text(event.get("actor")),
        "target": _text(event.get("target")),
        "location": _text(event.get("location")),
        "when": _when(_dict(event.get("date"))),
        "quantity": _quantity(_dict(event.get("quantity"))),
        "confidence": f"{confidence:.2f}" if confidence is not None else None,
    }


def _story(value: Any) -> dict[str, Any] | None:
    story = _dict(value)
    if not story:
        return None
    size = _number(story.get("size"))
    return {
        "id": _text(story.get("id")),
        "first_article_id": _text(story.get("first_article_id")),
        "size": int(size) if size is not None else None,
    }


def _tone(value: Any) -> dict[str, float | None] | None:
    tone = _dict(value)
    if not tone:
        return None
    return {name: _number(tone.get(name)) for name in ("score", "positive", "negative")}


def record_view(record: dict[str, Any], *, max_text_chars: int) -> Item:
    """What the page shows of one ArticleRecord (and its story and tone once it has them)."""
    text = _text(record.get("text")) or ""
    entities = _list(record.get("entities"))
    processing = _dict(record.get("processing"))
    article_id = _text(record.get("article_id"))
    return {
        "kind": "record",
        "key": "record:" + (_text(record.get("record_id")) or article_id or "?"),
        "article_id": article_id,
        "heading": _text(record.get("title")) or article_id or "(no title, no id)",
        "source": _text(record.get("source")),
        "url": _text(record.get("url")),
        "published_at": _text(record.get("published_at")),
        "processed_at": _text(processing.get("processed_at")),
        "language": _text(record.get("language")),
        "segments": mark_segments(text, entities, max_text_chars),
        "hidden_chars": max(len(text) - max_text_chars, 0),
        "entities": [
            {"name": _text(e.get("name")) or "", "label": _text(e.get("label")) or ""}
            for e in entities
            if isinstance(e, dict)
        ],
        "events": [event_row(e) for e in _list(record.get("events")) if isinstance(e, dict)],
        "story": _story(record.get("story")),
        "tone": _tone(record.get("tone")),
    }


def _original_head(letter: dict[str, Any]) -> str:
    """The first bytes of the refused message, readable: base64 originals are decoded first."""
    original = _text(letter.get("original")) or ""
    if letter.get("original_encoding") != "base64":
        return original.encode("utf-8")[:ORIGINAL_HEAD_BYTES].decode("utf-8", "ignore")
    try:
        raw = base64.b64decode(original[: (ORIGINAL_HEAD_BYTES // 3 + 1) * 4], validate=True)
    except (binascii.Error, ValueError):
        return original[:ORIGINAL_HEAD_BYTES]
    return raw[:ORIGINAL_HEAD_BYTES].decode("utf-8", "backslashreplace")


def dead_letter_view(letter: dict[str, Any]) -> Item:
    """What the page shows of one DeadLetter: the reason and the start of the original."""
    error = _dict(letter.get("error"))
    size = _number(letter.get("original_size"))
    where = [letter.get(name) for name in ("topic", "partition", "offset")]
    return {
        "kind": "dead_letter",
        "error_type": _text(error.get("type")) or "?",
        "error_message": _text(error.get("message")) or "",
        "article_id": _text(letter.get("article_id")),
        "failed_at": _text(letter.get("failed_at")),
        "original_head": _original_head(letter),
        "original_encoding": _text(letter.get("original_encoding")) or "utf-8",
        "original_size": int(size) if size is not None else None,
        "read_from": "/".join(str(part) for part in where) if all(
            part is not None for part in where
        ) else None,
    }


def item_from_message(
    *, topic: str, partition: int, offset: int, timestamp_ms: int, value: bytes | None,
    dead_letters: bool, max_text_chars: int,
) -> Item:
    """The page's item for one message of the output (or, with `dead_letters`, the DLQ) topic."""
    try:
        message = orjson.loads(value or b"")
        if not isinstance(message, dict):
            raise ValueError(f"a JSON {type(message).__name__}, not an object")
        if dead_letters:
            item = dead_letter_view(message)
        else:
            item = record_view(message, max_text_chars=max_text_chars)
    except (orjson.JSONDecodeError, ValueError, TypeError) as exc:
        item = {
            "kind": "unreadable",
            "error_type": "unreadable_message",
            "error_message": f"the page cannot read this message: {exc}",
            "original_head": (value or b"")[:ORIGINAL_HEAD_BYTES].decode("utf-8", "replace"),
        }
    position = f"{topic}/{partition}/{offset}"
    item.setdefault("key", f"message:{position}")
    item.update(topic=topic, position=position, timestamp_ms=timestamp_ms)
    return item
