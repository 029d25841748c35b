"""The redrive-count header: how often a message has been sent back by `dlq redrive`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

__all__ = ["REDRIVE_COUNT_HEADER", "redrive_count", "redrive_count_header"]

REDRIVE_COUNT_HEADER: Final = "entity-redrive-count"

#: What a malformed or absurd count reads as: more than any ENTITY_MAX_REDRIVES.
_TOO_MANY = 1_000_000


def redrive_count(headers: Iterable[tuple[str, bytes | None]]) -> int:
    """The count a message carries (0 without the header); the last header wins, as in Kafka."""
    count = 0
    for key, value in headers:
        if key == REDRIVE_COUNT_HEADER:
            count = _parse(value)
    return count


def redrive_count_header(headers: Iterable[tuple[str, bytes | None]]) -> dict[str, str]:
    """The header to carry from an input onto its dead letter, so the count survives the trip."""
    pairs = list(headers)
    if not any(key == REDRIVE_COUNT_HEADER for key, _ in pairs):
        return {}
    return {REDRIVE_COUNT_HEADER: str(redrive_count(pairs))}


def _parse(value: bytes | None) -> int:
    """A malformed count counts as "too many": a message of unknown history is not sent again."""
    text = bytes(value or b"").strip()
    if not text.isdigit() or len(text) > len(str(_TOO_MANY)):
        return _TOO_MANY
    return min(int(text), _TOO_MANY)
