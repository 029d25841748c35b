"""Which dead letters `dlq redrive` sends, which it refuses, and where its position stops."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from service.deadletters import dead_letter
from service.errors import Rejected
from service.ops.letters import LetterMessage
from service.ops.redrive_select import RedriveSelector, Verdict
from service.ops.window import TimeWindow

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ORIGINAL = b'{"id": "a1", "text": "Long text."}'


def message(
    offset: int = 0,
    *,
    raw: bytes = ORIGINAL,
    error_type: str = "text_too_long",
    at: datetime = T0,
    partition: int = 0,
    headers: tuple[tuple[str, bytes], ...] = (("traceparent", b"00-abc-01"),),
    max_bytes: int = 65_536,
    letter_headers: tuple[tuple[str, bytes], ...] = (),
) -> LetterMessage:
    letter = dead_letter(
        raw, Rejected(error_type, "too long"), max_original_bytes=max_bytes, headers=headers
    ).model_copy(update={"failed_at": at})
    return LetterMessage(partition, offset, 0, b"a1", letter_headers, letter)


def selector(**options: object) -> RedriveSelector:
    return RedriveSelector("text_too_long", max_redrives=3, **options)  # type: ignore[arg-type]


class TestJudge:
    def test_matching_letter_is_sent_with_key_headers_and_count(self) -> None:
        """A faithful original goes back with its key, its headers and a redrive count of 1."""
        chosen = selector()
        out = chosen.offer(message())
        assert out is not None
        assert (out.key, out.value) == (b"a1", ORIGINAL)
        assert out.headers == [("traceparent", b"00-abc-01"), ("entity-redrive-count", b"1")]
        assert chosen.sent == 1 and chosen.positions == {0: 1}

    def test_count_increments_from_original_header(self) -> None:
        """An original that was redriven before carries its count one further."""
        out = selector().offer(message(headers=(("entity-redrive-count", b"2"),)))
        assert out is not None
        assert out.headers == [("entity-redrive-count", b"3")]

    def test_count_read_from_dead_letter_header_without_original_headers(self) -> None:
        """Without the original's headers, the dead letter's own count header is used."""
        letter = message(headers=(), letter_headers=(("entity-redrive-count", b"3"),))
        assert selector().judge(letter) is Verdict.MAX_REDRIVES

    @pytest.mark.parametrize(
        ("kwargs", "verdict"),
        [
            ({"error_type": "not_json"}, Verdict.OTHER_TYPE),
            ({"raw": b"z" * 200, "max_bytes": 100}, Verdict.TRUNCATED),
            ({"raw": b"\xff\xfe binary"}, Verdict.NOT_UTF8),
            ({"headers": (("entity-redrive-count", b"3"),)}, Verdict.MAX_REDRIVES),
            ({"headers": (("entity-redrive-count", b"lots"),)}, Verdict.MAX_REDRIVES),
            (
                {"headers": (("big", b"h" * 200),), "max_bytes": 100, "raw": b"{}"},
                Verdict.HEADERS_CUT,
            ),
        ],
    )
    def test_refusals_and_skips(self, kwargs: dict[str, object], verdict: Verdict) -> None:
        """What cannot be sent back as it was is refused; other types are skipped."""
        assert selector().judge(message(**kwargs)) is verdict  # type: ignore[arg-type]

    def test_checksum_mismatch_refused(self) -> None:
        """A stored original whose SHA-256 differs from the recorded one is refused."""
        letter = message()
        assert letter.letter is not None
        bad = letter.letter.model_copy(update={"original_sha256": hashlib.sha256(b"x").hexdigest()})
        assert selector().judge(LetterMessage(0, 0, 0, None, (), bad)) is Verdict.CHECKSUM

    def test_unreadable_message(self) -> None:
        """A message on the topic that is no DeadLetter is counted as unreadable."""
        assert selector().judge(LetterMessage(0, 0, 0, None, (), None)) is Verdict.UNREADABLE

    def test_binary_header_round_trips(self) -> None:
        """A header value that is not UTF-8 is kept as base64 and sent back as the same bytes."""
        out = selector().offer(message(headers=(("bin", b"\xff\x00"),)))
        assert out is not None and out.headers[0] == ("bin", b"\xff\x00")
        letter = message(headers=(("bin", b"\xff\x00"),)).letter
        assert letter is not None
        assert letter.original_headers[0].value == base64.b64encode(b"\xff\x00").decode()


class TestPositions:
    def test_refusals_and_other_types_move_the_position(self) -> None:
        """Decided messages (sent, refused, other type) are behind the position afterwards."""
        chosen = selector()
        chosen.offer(message(0, error_type="not_json"))
        chosen.offer(message(1, raw=b"\xff"))
        chosen.offer(message(2))
        assert chosen.positions == {0: 3}
        assert chosen.counts == {Verdict.OTHER_TYPE: 1, Verdict.NOT_UTF8: 1, Verdict.SEND: 1}
        assert chosen.refused == 1

    def test_until_stops_the_partition_without_moving(self) -> None:
        """A dead letter at or after --until ends its partition; the position stays before it."""
        chosen = selector(window=TimeWindow(until=T0 + timedelta(minutes=1)))
        chosen.offer(message(0))
        chosen.offer(message(1, at=T0 + timedelta(minutes=2)))
        assert chosen.offer(message(2)) is None  # same partition, after the stop
        assert chosen.positions == {0: 1}
        assert chosen.counts[Verdict.AFTER_WINDOW] == 1
        assert chosen.left == 1

    def test_since_passes_older_letters(self) -> None:
        """Dead letters older than --since are passed over and counted."""
        chosen = selector(window=TimeWindow(since=T0))
        assert chosen.offer(message(0, at=T0 - timedelta(seconds=1))) is None
        assert chosen.offer(message(1, at=T0)) is not None
        assert chosen.counts[Verdict.BEFORE_WINDOW] == 1
        assert chosen.positions == {0: 2}

    def test_max_leaves_the_rest_for_a_later_run(self) -> None:
        """--max N sends N; the rest stay after the position, counted as left."""
        chosen = selector(max_sends=2)
        sent = [chosen.offer(message(i, partition=i % 2)) for i in range(5)]
        assert sum(out is not None for out in sent) == 2
        assert chosen.positions == {0: 1, 1: 2}
        assert chosen.left == 3
        assert "2 sent" in chosen.summary() and "3 left for a later run" in chosen.summary()

    def test_second_selector_from_positions_sends_nothing_again(self) -> None:
        """A run starting at the committed positions sees none of the sent letters again."""
        letters = [message(i) for i in range(3)]
        first = selector()
        for letter in letters:
            first.offer(letter)
        second = selector()
        for letter in letters[first.positions[0] :]:
            second.offer(letter)
        assert (first.sent, second.sent) == (3, 0)
