"""Which dead letters `dlq redrive` sends back, which it refuses, and how far its position moves.

Pure (no Kafka): it sees the dead-letter topic one message at a time, in offset order per
partition, and keeps per partition the offset a later run starts from. Everything before that
position has been decided for good: sent, refused (it can never be sent faithfully), of another
error type, or older than --since. A dead letter at or after --until ends its partition's run
without moving the position (dead letters arrive in time order per partition), and so does one
left over by --max (counted as left for a later run).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from service.kafka.headers import REDRIVE_COUNT_HEADER, redrive_count
from service.ops.letters import LetterMessage, header_pairs
from service.ops.window import TimeWindow

__all__ = ["Outgoing", "RedriveSelector", "Verdict"]


class Verdict(StrEnum):
    """What became of one message of the dead-letter topic."""

    SEND = "sent"
    OTHER_TYPE = "other type"
    BEFORE_WINDOW = "before --since"
    AFTER_WINDOW = "at or after --until"
    LEFT = "left for a later run"
    UNREADABLE = "unreadable"
    # refusals: these can never be sent back as they were
    TRUNCATED = "refused: original cut"
    NOT_UTF8 = "refused: original stored as base64"
    HEADERS_CUT = "refused: headers not kept"
    CHECKSUM = "refused: SHA-256 mismatch"
    MAX_REDRIVES = "refused: redriven ENTITY_MAX_REDRIVES times"

    @property
    def refused(self) -> bool:
        return self.value.startswith("refused")


#: Verdicts after which the partition's position stays put and its run ends.
_STOPS = frozenset({Verdict.AFTER_WINDOW, Verdict.LEFT})


@dataclass(frozen=True, slots=True)
class Outgoing:
    """An original as it is sent back: its key, its bytes, its headers with the new count."""

    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes | None]]
    source_partition: int
    source_offset: int


@dataclass
class RedriveSelector:
    """Judges each dead letter, counts the verdicts and keeps the positions to commit."""

    error_type: str
    max_redrives: int
    window: TimeWindow = field(default_factory=TimeWindow)
    max_sends: int | None = None
    counts: Counter[Verdict] = field(default_factory=Counter)
    positions: dict[int, int] = field(default_factory=dict)
    _stopped: set[int] = field(default_factory=set)

    def offer(self, message: LetterMessage) -> Outgoing | None:
        """The message to send for this dead letter, or None; the verdict is counted."""
        verdict = self.judge(message)
        if verdict is Verdict.SEND and (self.full or message.partition in self._stopped):
            verdict = Verdict.LEFT
        if message.partition in self._stopped:
            # decided by a later run; only what this run could have sent is counted now
            if verdict in _STOPS:
                self.counts[verdict] += 1
            return None
        self.counts[verdict] += 1
        if verdict in _STOPS:
            self._stopped.add(message.partition)
            return None
        self.positions[message.partition] = message.offset + 1
        return self.outgoing(message) if verdict is Verdict.SEND else None

    @property
    def full(self) -> bool:
        return self.max_sends is not None and self.counts[Verdict.SEND] >= self.max_sends

    @property
    def sent(self) -> int:
        return self.counts[Verdict.SEND]

    @property
    def refused(self) -> int:
        return sum(n for verdict, n in self.counts.items() if verdict.refused)

    @property
    def left(self) -> int:
        return self.counts[Verdict.LEFT]

    def judge(self, message: LetterMessage) -> Verdict:
        """The verdict on one dead letter, before --max is applied."""
        letter = message.letter
        if letter is None:
            return Verdict.UNREADABLE
        if letter.error.type != self.error_type:
            return Verdict.OTHER_TYPE
        if self.window.before(message.at):
            return Verdict.BEFORE_WINDOW
        if self.window.after(message.at):
            return Verdict.AFTER_WINDOW
        if letter.original_encoding == "base64":
            return Verdict.NOT_UTF8
        stored = letter.original.encode("utf-8")
        if letter.original_truncated or letter.original_size > len(stored):
            return Verdict.TRUNCATED
        if hashlib.sha256(stored).hexdigest() != letter.original_sha256:
            return Verdict.CHECKSUM
        if letter.original_headers_truncated:
            return Verdict.HEADERS_CUT
        if self._count(message) >= self.max_redrives:
            return Verdict.MAX_REDRIVES
        return Verdict.SEND

    @staticmethod
    def _count(message: LetterMessage) -> int:
        """Round trips so far: from the original's headers, else the dead letter's own header."""
        assert message.letter is not None
        original = header_pairs(message.letter)
        if any(key == REDRIVE_COUNT_HEADER for key, _ in original):
            return redrive_count(original)
        return redrive_count(message.headers)

    def outgoing(self, message: LetterMessage) -> Outgoing:
        assert message.letter is not None
        headers = [(k, v) for k, v in header_pairs(message.letter) if k != REDRIVE_COUNT_HEADER]
        headers.append((REDRIVE_COUNT_HEADER, str(self._count(message) + 1).encode()))
        return Outgoing(
            key=message.key,
            value=message.letter.original.encode("utf-8"),
            headers=headers,
            source_partition=message.partition,
            source_offset=message.offset,
        )

    def summary(self) -> str:
        parts = [f"{self.sent} sent"]
        parts += [
            f"{self.counts[verdict]} {verdict.value}"
            for verdict in Verdict
            if verdict is not Verdict.SEND and self.counts[verdict]
        ]
        return ", ".join(parts)
