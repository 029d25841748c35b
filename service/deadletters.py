"""Build the DeadLetter for a message that cannot become a record."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal

import orjson

from service.errors import Rejected
from service.intake import RawMessage
from service.models import DeadLetter, ErrorInfo, MessageHeader, is_article_id

__all__ = ["dead_letter", "dead_letter_for", "peek_article_id"]


def dead_letter(
    raw: bytes,
    error: Rejected,
    *,
    max_original_bytes: int,
    topic: str | None = None,
    partition: int | None = None,
    offset: int | None = None,
    article_id: str | None = None,
    headers: Sequence[tuple[str, bytes | None]] = (),
) -> DeadLetter:
    """Keep enough of the original to debug it, and its size and hash to identify it."""
    cut = raw[:max_original_bytes]
    encoding: Literal["utf-8", "base64"]
    try:
        original, encoding = cut.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(cut) - 3 and _is_utf8(raw):
            # The cut fell inside a multi-byte character of valid UTF-8: drop the partial one.
            original, encoding = cut[: exc.start].decode("utf-8"), "utf-8"
        else:
            original, encoding = base64.b64encode(cut).decode("ascii"), "base64"
    # Headers are kept whole or not at all (a half set could not be sent again as it was).
    headers_fit = sum(len(k) + len(v or b"") for k, v in headers) <= max_original_bytes
    return DeadLetter(
        error=ErrorInfo(type=error.error_type, message=error.message),
        article_id=article_id if article_id is not None else peek_article_id(raw),
        original=original,
        original_encoding=encoding,
        original_truncated=len(raw) > max_original_bytes,
        original_size=len(raw),
        original_sha256=hashlib.sha256(raw).hexdigest(),
        topic=topic,
        partition=partition,
        offset=offset,
        failed_at=datetime.now(UTC),
        original_headers=[_header(k, v) for k, v in headers] if headers_fit else [],
        original_headers_truncated=not headers_fit,
    )


def dead_letter_for(
    message: RawMessage,
    error: Rejected,
    *,
    max_original_bytes: int,
    article_id: str | None = None,
) -> DeadLetter:
    """The dead letter of one consumed message: where it was read from, and its headers."""
    return dead_letter(
        message.value,
        error,
        max_original_bytes=max_original_bytes,
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        article_id=article_id,
        headers=message.headers,
    )


def _header(key: str, value: bytes | None) -> MessageHeader:
    if value is None:
        return MessageHeader(key=key, value=None)
    try:
        return MessageHeader(key=key, value=value.decode("utf-8"))
    except UnicodeDecodeError:
        return MessageHeader(
            key=key, value=base64.b64encode(value).decode("ascii"), encoding="base64"
        )


def peek_article_id(raw: bytes) -> str | None:
    """The id of a rejected message when it can be read, so publishers can find their article."""
    if len(raw) > 10_000_000:
        return None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if isinstance(data, dict):
        value = data.get("id")
        if is_article_id(value):
            return value
    return None


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
