"""Dead letters keep a bounded, faithful copy of what was rejected."""

from __future__ import annotations

import base64
import hashlib

from service.deadletters import dead_letter, peek_article_id
from service.errors import Rejected

ERROR = Rejected("not_json", "message is not JSON")


class TestDeadLetter:
    def test_utf8_original_kept_as_text(self) -> None:
        """A UTF-8 message is kept as text with its size and hash."""
        raw = b'{"id": "a1", "text": 5}'
        letter = dead_letter(raw, ERROR, max_original_bytes=1000, topic="t", partition=2, offset=7)
        assert letter.original == raw.decode()
        assert letter.original_encoding == "utf-8"
        assert not letter.original_truncated
        assert letter.original_size == len(raw)
        assert letter.original_sha256 == hashlib.sha256(raw).hexdigest()
        assert (letter.topic, letter.partition, letter.offset) == ("t", 2, 7)
        assert letter.article_id == "a1"
        assert letter.error.type == "not_json"

    def test_binary_original_base64(self) -> None:
        """Bytes that are not UTF-8 are kept as base64."""
        raw = b"\xff\xfe\x00\x01binary"
        letter = dead_letter(raw, ERROR, max_original_bytes=1000)
        assert letter.original_encoding == "base64"
        assert base64.b64decode(letter.original) == raw

    def test_oversized_original_cut_but_hashed_whole(self) -> None:
        """A huge message is cut to the limit; size and hash describe the whole."""
        raw = b"z" * 10_000
        letter = dead_letter(raw, ERROR, max_original_bytes=100)
        assert letter.original == "z" * 100
        assert letter.original_truncated
        assert letter.original_size == 10_000
        assert letter.original_sha256 == hashlib.sha256(raw).hexdigest()

    def test_headers_kept_in_order(self) -> None:
        """The original's headers are kept in order, binary values as base64."""
        headers = (("traceparent", b"00-ab-01"), ("bin", b"\xff"), ("traceparent", b"2"))
        letter = dead_letter(b"{}", ERROR, max_original_bytes=1000, headers=headers)
        assert [(h.key, h.value, h.encoding) for h in letter.original_headers] == [
            ("traceparent", "00-ab-01", "utf-8"),
            ("bin", base64.b64encode(b"\xff").decode(), "base64"),
            ("traceparent", "2", "utf-8"),
        ]
        assert not letter.original_headers_truncated

    def test_null_header_value_kept_as_null(self) -> None:
        """A header with a null value stays null (not an empty string)."""
        letter = dead_letter(b"{}", ERROR, max_original_bytes=1000, headers=(("x", None),))
        assert letter.original_headers[0].value is None

    def test_oversized_headers_dropped_whole(self) -> None:
        """Headers larger than the original's limit are not kept, and that is said."""
        letter = dead_letter(b"{}", ERROR, max_original_bytes=10, headers=(("h", b"x" * 20),))
        assert letter.original_headers == [] and letter.original_headers_truncated

    def test_cut_inside_multibyte_character_stays_text(self) -> None:
        """Cutting UTF-8 mid-character drops the partial character instead of going base64."""
        raw = ("é" * 100).encode()
        letter = dead_letter(raw, ERROR, max_original_bytes=51)
        assert letter.original_encoding == "utf-8"
        assert letter.original == "é" * 25


class TestPeekArticleId:
    def test_reads_id(self) -> None:
        """The id is recovered from any JSON object that has a valid one."""
        assert peek_article_id(b'{"id": "x", "text": 1}') == "x"

    def test_no_id(self) -> None:
        """No object, no string id, or an over-long id gives None."""
        assert peek_article_id(b"[1]") is None
        assert peek_article_id(b'{"id": 3}') is None
        assert peek_article_id(b'{"id": "' + b"a" * 300 + b'"}') is None
        assert peek_article_id(b"\xff") is None
