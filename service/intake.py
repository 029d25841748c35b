"""Raw message bytes -> a validated Article, or a Rejected with the precise reason."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import ValidationError

from service.errors import Rejected
from service.models import MAX_ID_CHARS, Article, is_article_id

__all__ = ["RawMessage", "decode_article", "iter_lines", "read_json_lines"]

#: C0 controls other than tab, newline, carriage return and form feed, plus DEL: checked here
#: only, before any stage sees the text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTENT_FIELDS = ("text", "html")


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One message as read from Kafka (or one line of a JSON Lines file)."""

    value: bytes
    key: bytes | None = None
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    headers: tuple[tuple[str, bytes | None], ...] = ()


def decode_article(raw: bytes, *, max_bytes: int, max_chars: int) -> Article:
    """Parse one input message; every way it can be wrong has its own error type."""
    if len(raw) > max_bytes:
        raise Rejected(
            "message_too_large", f"message is {len(raw)} bytes, the limit is {max_bytes}"
        )
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Rejected(
            "not_utf8", f"message is not UTF-8: {exc.reason} at byte {exc.start}"
        ) from None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise Rejected("not_json", f"message is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise Rejected("not_object", f"message is a JSON {type(data).__name__}, not an object")
    _check_id(data)
    _check_content(data, max_chars)
    try:
        return Article.model_validate(data)
    except ValidationError as exc:
        raise _rejection_from(exc) from None


def _check_id(data: dict[str, Any]) -> None:
    if "id" not in data or data["id"] is None:
        raise Rejected("missing_id", "the article has no 'id'")
    article_id = data["id"]
    if not is_article_id(article_id):
        shown = type(article_id).__name__ if not isinstance(article_id, str) else "string"
        size = f" of {len(article_id)} characters" if isinstance(article_id, str) else ""
        raise Rejected(
            "invalid_id",
            f"'id' must be a string of 1..{MAX_ID_CHARS} characters, got {shown}{size}",
        )


def _check_content(data: dict[str, Any], max_chars: int) -> None:
    present = [f for f in _CONTENT_FIELDS if data.get(f) is not None]
    if not present:
        raise Rejected("missing_content", "the article needs 'text' or 'html'")
    for field in present:
        value = data[field]
        if not isinstance(value, str):
            raise Rejected("invalid_field", f"'{field}' must be a string")
        if len(value) > max_chars * 10:
            # Raw HTML is bulkier than its text; a tenfold margin still bounds the parser.
            raise Rejected(
                "text_too_long", f"'{field}' has {len(value)} characters, the limit is {max_chars}"
            )
        if field == "text" and len(value) > max_chars:
            raise Rejected(
                "text_too_long", f"'text' has {len(value)} characters, the limit is {max_chars}"
            )
        match = _CONTROL.search(value)
        if match:
            raise Rejected(
                "control_characters",
                f"'{field}' holds control character U+{ord(match.group()):04X} "
                f"at position {match.start()}",
            )
    if all(not data[f].strip() for f in present):
        raise Rejected("empty_content", "'text' and 'html' are empty")


def _rejection_from(exc: ValidationError) -> Rejected:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "article"
    if field == "published_at":
        return Rejected(
            "invalid_published_at",
            f"'published_at' is not an ISO-8601 date-time: {first['msg']}",
        )
    return Rejected("invalid_field", f"'{field}': {first['msg']}")


def read_json_lines(lines: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """(line number, line) of JSON Lines input, line ends stripped and blank lines skipped.

    Lines are not parsed here: a bad line becomes a dead letter like a bad Kafka message.
    """
    for number, line in enumerate(lines, start=1):
        stripped = line.rstrip(b"\r\n")
        if stripped.strip():
            yield number, stripped


def iter_lines(lines: Iterable[bytes]) -> Iterator[RawMessage]:
    """JSON Lines input, one message a non-blank line, for the offline path."""
    for number, value in read_json_lines(lines):
        yield RawMessage(value=value, offset=number)
