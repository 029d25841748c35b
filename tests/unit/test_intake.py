"""Raw bytes -> Article, and the error type of every way input can be wrong."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.errors import ERROR_TYPES, Rejected
from service.intake import decode_article

LIMITS = {"max_bytes": 100_000, "max_chars": 5_000}


def _json(**fields: object) -> bytes:
    return orjson.dumps(fields)


class TestDecodeArticle:
    def test_valid_text_article(self) -> None:
        """A well-formed article comes back with its fields typed."""
        article = decode_article(
            _json(id="a1", text="Body.", published_at="2024-10-18T09:30:00Z", source="wire"),
            **LIMITS,
        )
        assert article.id == "a1"
        assert article.text == "Body."
        assert article.published_at is not None and article.published_at.year == 2024

    def test_html_only_article(self) -> None:
        """HTML without text is accepted."""
        assert decode_article(_json(id="h", html="<p>Hi</p>"), **LIMITS).html == "<p>Hi</p>"

    def test_unknown_fields_ignored(self) -> None:
        """Publishers may send more than the contract; extra fields do not reject."""
        assert decode_article(_json(id="x", text="t", extra={"a": 1}), **LIMITS).id == "x"

    @pytest.mark.parametrize(
        ("raw", "error_type"),
        [
            (b"\xff\xfe\x00garbage\x80", "not_utf8"),
            (bytes(range(256)), "not_utf8"),
            (b"{not json", "not_json"),
            (b"", "not_json"),
            (b"[1, 2, 3]", "not_object"),
            (b'"a string"', "not_object"),
            (b"null", "not_object"),
            (_json(text="no id"), "missing_id"),
            (_json(id=None, text="null id"), "missing_id"),
            (_json(id=42, text="numeric id"), "invalid_id"),
            (_json(id="", text="empty id"), "invalid_id"),
            (_json(id="x" * 257, text="long id"), "invalid_id"),
            (_json(id=["a"], text="list id"), "invalid_id"),
            (_json(id="a"), "missing_content"),
            (_json(id="a", text=None, html=None), "missing_content"),
            (_json(id="a", text="", html="  "), "empty_content"),
            (_json(id="a", text="   \n "), "empty_content"),
            (_json(id="a", text=123), "invalid_field"),
            (_json(id="a", text="ok", title=["not", "a", "string"]), "invalid_field"),
            (_json(id="a", text="ok", url=5), "invalid_field"),
            (_json(id="a", text="ok", published_at="last Tuesday-ish"), "invalid_published_at"),
            (_json(id="a", text="ok", published_at="2024-13-45T99:00:00"), "invalid_published_at"),
            (_json(id="a", text="nul \x00 byte"), "control_characters"),
            (_json(id="a", text="bell \x07 char"), "control_characters"),
            (_json(id="a", html="<p>esc \x1b[31m</p>"), "control_characters"),
            (_json(id="a", html="<p>start of heading \x01</p>"), "control_characters"),
            (_json(id="a", text="delete \x7f char"), "control_characters"),
            (_json(id="a", text="x" * 5_001), "text_too_long"),
            (b'{"id": "big", "text": "' + b"y" * 100_001 + b'"}', "message_too_large"),
        ],
    )
    def test_rejections(self, raw: bytes, error_type: str) -> None:
        """Each malformed message is rejected with its own documented error type."""
        with pytest.raises(Rejected) as caught:
            decode_article(raw, **LIMITS)
        assert caught.value.error_type == error_type
        assert error_type in ERROR_TYPES
        assert caught.value.message

    def test_tabs_and_newlines_allowed(self) -> None:
        """Ordinary whitespace controls are text, not garbage."""
        assert decode_article(_json(id="a", text="a\tb\r\nc\fd"), **LIMITS).text == "a\tb\r\nc\fd"

    @given(st.binary(max_size=300))
    def test_arbitrary_bytes_never_crash(self, raw: bytes) -> None:
        """Any bytes give an Article or a Rejected, never another exception."""
        try:
            decode_article(raw, **LIMITS)
        except Rejected as exc:
            assert exc.error_type in ERROR_TYPES
