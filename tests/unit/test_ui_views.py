"""The page's view of records and dead letters: marked segments, event rows, first bytes."""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest

from service.ui.views import (
    ORIGINAL_HEAD_BYTES,
    dead_letter_view,
    event_row,
    item_from_message,
    mark_segments,
    mention_hover,
    record_view,
)

TEXT = "Rome and Paris met in Rome."
ENTITIES: list[Any] = [
    {"name": "Rome", "label": "GPE", "count": 2, "mentions": [[0, 4], [22, 26]], "country": "IT",
     "geo": {"lat": 41.89193, "lon": 12.51133}},
    {"name": "Paris", "label": "GPE", "count": 1, "mentions": [[9, 14]], "country": "FR"},
]


def _joined(segments: list[dict[str, str]]) -> str:
    return "".join(segment["text"] for segment in segments)


class TestMarkSegments:
    def test_marks_every_mention_in_order(self) -> None:
        """Each mention becomes a labelled segment; the plain text between stays plain."""
        segments = mark_segments(TEXT, ENTITIES, 1000)
        assert [(s["text"], s.get("label")) for s in segments] == [
            ("Rome", "GPE"), (" and ", None), ("Paris", "GPE"), (" met in ", None),
            ("Rome", "GPE"), (".", None),
        ]
        assert _joined(segments) == TEXT

    def test_markup_in_the_text_is_kept_as_text(self) -> None:
        """Article markup is neither escaped nor dropped here: the browser shows it as text."""
        text = "<script>alert(1)</script> in Rome <img src=x onerror=alert(2)>"
        entities = [{"name": "Rome", "label": "GPE", "mentions": [[29, 33]]}]
        segments = mark_segments(text, entities, 1000)
        assert _joined(segments) == text
        assert segments[0]["text"] == "<script>alert(1)</script> in "
        assert segments[1] == {"text": "Rome", "label": "GPE", "hover": "Rome (GPE)"}

    @pytest.mark.parametrize(
        "mentions",
        [[[-1, 3]], [[5, 3]], [[0, 999]], [[4, 4]], [["0", "4"]], [[0]], ["0-4"], [[0.0, 4.0]]],
    )
    def test_bad_offsets_are_left_unmarked(self, mentions: list[Any]) -> None:
        """An offset outside the text, reversed, empty or of the wrong type marks nothing."""
        segments = mark_segments(TEXT, [{"name": "x", "label": "GPE", "mentions": mentions}], 1000)
        assert segments == [{"text": TEXT}]

    def test_overlapping_mentions_keep_the_first_and_longest(self) -> None:
        """Where two mentions overlap, the earlier (then longer) one is marked, once."""
        entities = [
            {"name": "Paris met", "label": "EVENT", "mentions": [[9, 18]]},
            {"name": "Paris", "label": "GPE", "mentions": [[9, 14]]},
            {"name": "met in Rome", "label": "FAC", "mentions": [[15, 26]]},
        ]
        segments = mark_segments(TEXT, entities, 1000)
        assert [s.get("label") for s in segments] == [None, "EVENT", None]
        assert _joined(segments) == TEXT

    def test_cut_at_max_chars_drops_a_mention_across_the_cut(self) -> None:
        """Only the first max_chars are shown; a mention crossing the cut is not marked."""
        segments = mark_segments(TEXT, ENTITIES, 12)
        assert _joined(segments) == TEXT[:12]
        assert [s.get("label") for s in segments] == ["GPE", None]

    def test_unsorted_entities_and_non_dict_entries(self) -> None:
        """Mentions come out in text order whatever the entity order; junk entries are skipped."""
        segments = mark_segments(TEXT, ["junk", None, *reversed(ENTITIES)], 1000)
        assert [s["text"] for s in segments if "label" in s] == ["Rome", "Paris", "Rome"]


class TestMentionHover:
    def test_country_name_and_coordinates(self) -> None:
        """The tooltip gives the country (code and name) and the coordinates."""
        assert mention_hover(ENTITIES[0]) == "Rome (GPE) · country IT Italy · 41.8919, 12.5113"

    def test_unknown_country_code_is_kept(self) -> None:
        """A code pycountry does not know is shown as it is."""
        assert mention_hover({"name": "X", "label": "GPE", "country": "ZZ"}) == (
            "X (GPE) · country ZZ"
        )

    def test_missing_fields(self) -> None:
        """No name, no label, bad geo: still a tooltip, no exception."""
        assert mention_hover({"geo": {"lat": "1", "lon": 2}}) == "? (?)"


class TestEventRow:
    def test_full_event(self) -> None:
        """Type, trigger, actor, target, place, date as said and resolved, quantity, confidence."""
        row = event_row({
            "type": "MOBILIZE", "trigger": "sent", "actor": "Poland", "target": "Belarus",
            "location": "Warsaw", "date": {"text": "Monday", "start": "2025-04-07",
                                            "end": "2025-04-07"},
            "quantity": {"value": 2000.0, "unit": "troops"}, "confidence": 0.8123,
        })
        assert row == {
            "type": "MOBILIZE", "trigger": "sent", "actor": "Poland", "target": "Belarus",
            "location": "Warsaw", "when": "Monday (2025-04-07)", "quantity": "2000 troops",
            "confidence": "0.81",
        }

    def test_date_range_and_bare_quantity(self) -> None:
        """A date range shows both ends; a quantity without a unit shows the number."""
        row = event_row({"type": "X", "date": {"text": "last week", "start": "2025-03-03",
                                               "end": "2025-03-09"}, "quantity": {"value": 2.5}})
        assert row["when"] == "last week (2025-03-03 to 2025-03-09)"
        assert row["quantity"] == "2.5"

    def test_minimal_event(self) -> None:
        """Absent or mistyped fields become None, never an exception."""
        row = event_row({"quantity": {"value": "many"}, "confidence": True, "actor": 3})
        assert row["type"] == "?"
        assert row["actor"] is row["quantity"] is row["confidence"] is row["when"] is None


def _record(**extra: Any) -> dict[str, Any]:
    return {
        "record_id": "r1", "article_id": "a1", "title": "Talks", "source": "wire",
        "published_at": "2025-01-02T03:04:05Z", "text": TEXT, "entities": ENTITIES,
        "events": [{"type": "MEET", "trigger": "met", "sentence": [0, 27]}],
        "processing": {"processed_at": "2025-01-02T03:05:00Z"}, **extra,
    }


class TestRecordView:
    def test_record(self) -> None:
        """Title, source, times, marked text, entity names, event rows; no story, no tone yet."""
        view = record_view(_record(), max_text_chars=1000)
        assert view["kind"] == "record" and view["key"] == "record:r1"
        assert view["heading"] == "Talks" and view["source"] == "wire"
        assert view["processed_at"] == "2025-01-02T03:05:00Z"
        assert _joined(view["segments"]) == TEXT and view["hidden_chars"] == 0
        assert [e["name"] for e in view["entities"]] == ["Rome", "Paris"]
        assert [e["type"] for e in view["events"]] == ["MEET"]
        assert view["story"] is None and view["tone"] is None

    def test_story_and_tone_once_present(self) -> None:
        """The story and tone fields other stages add are shown when the record has them."""
        view = record_view(
            _record(story={"id": "s9", "first_article_id": "a0", "size": 3},
                    tone={"score": -0.4, "positive": 0.1, "negative": 0.5}),
            max_text_chars=1000,
        )
        assert view["story"] == {"id": "s9", "first_article_id": "a0", "size": 3}
        assert view["tone"] == {"score": -0.4, "positive": 0.1, "negative": 0.5}

    def test_heading_falls_back_to_the_id(self) -> None:
        """Without a title the article id heads the card."""
        assert record_view(_record(title=None), max_text_chars=1000)["heading"] == "a1"

    def test_long_text_says_how_much_is_hidden(self) -> None:
        """A text over the limit is cut and the page says how many characters are not shown."""
        view = record_view(_record(text="x" * 250), max_text_chars=100)
        assert _joined(view["segments"]) == "x" * 100 and view["hidden_chars"] == 150


class TestDeadLetterView:
    def test_utf8_original(self) -> None:
        """Reason, message, id, where it was read, and the start of the original."""
        view = dead_letter_view({
            "error": {"type": "not_json", "message": "bad"}, "article_id": None,
            "original": "é" * 400, "original_encoding": "utf-8", "original_size": 800,
            "topic": "in", "partition": 2, "offset": 7, "failed_at": "2025-01-01T00:00:00Z",
        })
        assert (view["error_type"], view["error_message"]) == ("not_json", "bad")
        assert view["read_from"] == "in/2/7" and view["original_size"] == 800
        assert view["original_head"] == "é" * (ORIGINAL_HEAD_BYTES // 2)

    def test_base64_original_is_decoded(self) -> None:
        """A binary original shows its first bytes, undecodable ones as escapes."""
        raw = b"\xff\xfeGIF89a" + bytes(range(256)) * 4
        view = dead_letter_view({
            "error": {"type": "not_utf8", "message": "m"},
            "original": base64.b64encode(raw).decode(), "original_encoding": "base64",
        })
        assert view["original_head"].startswith("\\xff\\xfeGIF89a")
        assert view["read_from"] is None

    def test_broken_base64_shows_the_text(self) -> None:
        """A base64 original that does not decode is shown as it is."""
        view = dead_letter_view({"error": {}, "original": "@@@", "original_encoding": "base64"})
        assert view["original_head"] == "@@@" and view["error_type"] == "?"


class TestItemFromMessage:
    def _item(self, value: bytes | None, *, dead_letters: bool = False) -> dict[str, Any]:
        return item_from_message(
            topic="t", partition=1, offset=5, timestamp_ms=1000, value=value,
            dead_letters=dead_letters, max_text_chars=1000,
        )

    def test_record_message(self) -> None:
        """A record on the output topic becomes a record item keyed by its record_id."""
        item = self._item(orjson.dumps(_record()))
        assert item["kind"] == "record" and item["key"] == "record:r1"
        assert item["position"] == "t/1/5" and item["timestamp_ms"] == 1000

    def test_dead_letter_message(self) -> None:
        """A message on the dead-letter topic becomes a dead-letter item keyed by its position."""
        item = self._item(orjson.dumps({"error": {"type": "x", "message": "y"}}),
                          dead_letters=True)
        assert item["kind"] == "dead_letter" and item["key"] == "message:t/1/5"

    @pytest.mark.parametrize("value", [b"{nope", b"[1, 2]", None, b"\xff\xfe", b'{"text": 5}'])
    def test_unreadable_message(self, value: bytes | None) -> None:
        """Anything the page cannot read becomes an 'unreadable' item, not an exception."""
        item = self._item(value)
        if value == b'{"text": 5}':  # an object with junk fields is still a (poor) record
            assert item["kind"] == "record" and item["heading"] == "(no title, no id)"
        else:
            assert item["kind"] == "unreadable"
            assert item["error_type"] == "unreadable_message"
