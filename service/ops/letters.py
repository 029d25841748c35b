"""A dead-letter message as the ops commands read it: the DeadLetter, or why it is unreadable."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from service.models import DeadLetter

__all__ = ["UNREADABLE", "LetterMessage", "header_pairs"]

#: The error type reported for a message on the dead-letter topic that is not a DeadLetter.
UNREADABLE = "(unreadable)"


@dataclass(frozen=True, slots=True)
class LetterMessage:
    """One message of the dead-letter topic with its Kafka coordinates."""

    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    headers: tuple[tuple[str, bytes | None], ...]
    letter: DeadLetter | None

    @classmethod
    def from_record(cls, record: Any) -> LetterMessage:
        """From an aiokafka ConsumerRecord; a value that is no DeadLetter gives letter=None."""
        try:
            letter = DeadLetter.model_validate_json(record.value or b"")
        except ValidationError:
            letter = None
        return cls(
            partition=record.partition,
            offset=record.offset,
            timestamp_ms=record.timestamp,
            key=record.key,
            headers=tuple(record.headers or ()),
            letter=letter,
        )

    @property
    def error_type(self) -> str:
        return self.letter.error.type if self.letter is not None else UNREADABLE

    @property
    def at(self) -> datetime:
        """When it failed: the dead letter's failed_at, else the Kafka record timestamp."""
        if self.letter is not None:
            failed = self.letter.failed_at
            return failed if failed.tzinfo is not None else failed.replace(tzinfo=UTC)
        return datetime.fromtimestamp(self.timestamp_ms / 1000, UTC)


def header_pairs(letter: DeadLetter) -> list[tuple[str, bytes | None]]:
    """The original's headers as Kafka pairs again."""
    return [(h.key, _header_bytes(h.value, h.encoding)) for h in letter.original_headers]


def _header_bytes(value: str | None, encoding: str) -> bytes | None:
    if value is None:
        return None
    return base64.b64decode(value) if encoding == "base64" else value.encode("utf-8")
