"""The hostile-input catalogue through the real service: each a dead letter, the service serving.

(Not test_hostile_input.py: the unit tier has that module name, and the tiers share a namespace.)
"""

from __future__ import annotations

import orjson
import pytest
from fault_support import FAST, Ledger, read_all, report, wait_caught_up
from support import ServiceProcess, Topics, article, create_topics, publish

STORY = (
    "Finland and Estonia signed a maritime security agreement in Helsinki on Monday. "
    "The Finnish defence minister said the pact would guard undersea cables in the Baltic Sea."
)


def _raw(**fields: object) -> bytes:
    return orjson.dumps(fields)


# key, message, error.type
CATALOGUE: list[tuple[bytes, bytes, str]] = [
    (b"not-json", b"{this is not json", "not_json"),
    (b"not-utf8", b"\xff\xfe\xfa\x00 binary garbage \x80\x81", "not_utf8"),
    (b"binary", bytes(range(256)) * 4, "not_utf8"),
    (b"not-object", b'["an", "array"]', "not_object"),
    (b"no-id", _raw(text=STORY), "missing_id"),
    (b"id-too-long", _raw(id="x" * 257, text=STORY), "invalid_id"),
    (b"id-not-string", _raw(id={"a": 1}, text=STORY), "invalid_id"),
    (b"no-content", _raw(id="no-content", title="Only a title"), "missing_content"),
    (b"both-empty", _raw(id="both-empty", text="", html="  "), "empty_content"),
    (
        b"boilerplate",
        _raw(id="boilerplate", text="Download the app\nSign up to read"),
        "empty_after_cleaning",
    ),
    (b"wrong-types", _raw(id="wrong-types", text=STORY, url=["x"]), "invalid_field"),
    (b"too-large", _raw(id="too-large", text="word " * 420_000), "message_too_large"),
    (b"too-long", _raw(id="too-long", text="word " * 41_000), "text_too_long"),
    (b"nested", _raw(id="nested", html="<div>" * 3000 + STORY), "invalid_html"),
    (
        b"laughs",
        _raw(id="laughs", html='<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><p>&b;</p>'),
        "unsafe_html",
    ),
    (
        b"xxe",
        _raw(id="xxe", html='<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><p>&e;'),
        "unsafe_html",
    ),
    (b"nul", _raw(id="nul", text=f"{STORY}\x00\x00"), "control_characters"),
    (
        b"bad-date",
        _raw(id="bad-date", text=STORY, published_at="the day after"),
        "invalid_published_at",
    ),
    (
        b"french",
        _raw(
            id="french",
            text="Le gouvernement a annoncé mardi de nouvelles mesures "
            "pour soutenir les agriculteurs touchés par la sécheresse.",
        ),
        "unsupported_language",
    ),
]


class TestHostileInputThroughKafka:
    def test_catalogue_ends_as_typed_dead_letters(
        self, kafka: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Every hostile message is one dead letter of its type; the good one after is a record."""
        topics = Topics.fresh()
        create_topics(kafka, topics, partitions=1)  # one partition: "after" means after
        good = [article("good-before", STORY), article("good-after", STORY, title="After")]
        publish(kafka, topics.input, [good[0], *((k, v) for k, v, _ in CATALOGUE), good[1]])
        expected_dead = {key.decode(): kind for key, _, kind in CATALOGUE}
        ledger = Ledger(
            {"good-before", "good-after", *expected_dead}, topics, expected_dead=expected_dead
        )
        service = ServiceProcess(kafka, topics, extra_env=FAST).start()
        try:
            read_all(kafka, ledger, timeout=120)
            report(capsys, "hostile-input", ledger)
            ledger.check()
            offsets = wait_caught_up(kafka, topics)
            assert all((c or 0) == end for c, end in offsets.values()), offsets
            status, _ = service.get("/readyz")
            assert status == 200 and service.process is not None
            assert service.process.poll() is None
        finally:
            assert service.stop() == 0, service.log()
