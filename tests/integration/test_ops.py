"""Issue 16 over the real broker: `dlq stats`, `dlq redrive`, `replay`, run as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime

import orjson
from support import (
    PROJECT_ROOT,
    Received,
    ServiceProcess,
    Topics,
    article,
    collect,
    publish,
)

PARAGRAPH = (
    "The port authority of Valdora said on Monday that its new container terminal would open "
    "in the spring, after three years of building work on the northern quay. Officials from "
    "the transport ministry visited the site and met the engineers who designed the cranes. "
    "Local traders welcomed the project but asked the city council to repair the old road to "
    "the market, which floods every winter. The mayor promised to present a plan next month. "
)

#: Over 1,000 characters once cleaned: a dead letter under ENTITY_MAX_TEXT_CHARS=1000 only.
LONG = [
    article(f"long-{i}", f"Report {i}. " + PARAGRAPH * 4, published_at="2026-11-30T09:00:00Z")
    for i in range(3)
]
SHORT = [
    article(f"short-{i}", f"Report {i}. " + PARAGRAPH, published_at="2026-11-30T09:00:00Z")
    for i in range(2)
]
HEADERS = [("traceparent", b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]


def cli(
    kafka: str, topics: Topics, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`entity-service ARGS` as a real child process, on the test's topics and group."""
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        env={**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka, **topics.env(), **(env or {})},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )


def records_by_article(received: list[Received]) -> Counter[str]:
    return Counter(str(r.value["article_id"]) for r in received)


class TestDeadLetterStatsAndRedrive:
    def test_text_too_long_counted_then_redriven_once(self, kafka: str, topics: Topics) -> None:
        """Dead letters are counted by type; one redrive makes one record each, the next none."""
        strict = ServiceProcess(kafka, topics, extra_env={"ENTITY_MAX_TEXT_CHARS": "1000"})
        strict.start()
        try:
            publish(kafka, topics.input, [*LONG, *SHORT], headers=HEADERS)
            publish(kafka, topics.input, [(b"empty", b'{"id": "empty"}')])
            outputs = collect(kafka, [topics.output, topics.dlq], 6, timeout=120)
        finally:
            strict.stop()
        assert len(outputs) == 6, strict.log()

        stats = cli(kafka, topics, "dlq", "stats", "--json")
        assert stats.returncode == 0, stats.stderr
        counted = orjson.loads(stats.stdout)
        assert {k: v["count"] for k, v in counted["types"].items()} == {
            "text_too_long": 3,
            "missing_content": 1,
        }
        assert counted["total"] == 4

        unknown = cli(kafka, topics, "dlq", "redrive", "--error-type", "text_too_lon")
        assert unknown.returncode == 2
        assert "unknown error type 'text_too_lon'" in unknown.stderr
        assert "text_too_long" in unknown.stderr

        dry = cli(kafka, topics, "dlq", "redrive", "--error-type", "text_too_long", "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert "3 sent" in dry.stderr

        service = ServiceProcess(kafka, topics).start()
        try:
            first = cli(kafka, topics, "dlq", "redrive", "--error-type", "text_too_long")
            assert first.returncode == 0, first.stderr
            assert "3 sent" in first.stderr and "1 other type" in first.stderr
            records = collect(kafka, [topics.output], 5, timeout=120, settle=3)
            assert records_by_article(records) == Counter(
                {"short-0": 1, "short-1": 1, "long-0": 1, "long-1": 1, "long-2": 1}
            ), service.log()

            second = cli(kafka, topics, "dlq", "redrive", "--error-type", "text_too_long")
            assert second.returncode == 0, second.stderr
            assert "0 sent" in second.stderr
            again = collect(kafka, [topics.output], 6, timeout=8)
            assert len(again) == 5
        finally:
            service.stop()

        inputs = collect(kafka, [topics.input], 9, timeout=30)
        redriven = [r for r in inputs if r.headers.get("entity-redrive-count") == b"1"]
        assert sorted(r.key or b"" for r in redriven) == [b"long-0", b"long-1", b"long-2"]
        assert all(r.headers["traceparent"] == HEADERS[0][1] for r in redriven)

        after = orjson.loads(cli(kafka, topics, "dlq", "stats", "--json").stdout)
        assert after["types"]["text_too_long"]["count"] == 3  # the dead letters stay

    def test_refusals_and_the_redrive_loop_guard(self, kafka: str, topics: Topics) -> None:
        """Cut and base64 originals are refused; a message failing again stops at the limit."""
        limits = {"ENTITY_MAX_TEXT_CHARS": "1000", "ENTITY_DLQ_ORIGINAL_MAX_BYTES": "3000"}
        strict = ServiceProcess(kafka, topics, extra_env=limits).start()
        env = {"ENTITY_MAX_REDRIVES": "2"}
        try:
            fits, cut = article("fits", PARAGRAPH * 4), article("cut", PARAGRAPH * 12)
            publish(kafka, topics.input, [fits, cut, (b"bin", b"\xff\xfe binary")])
            collect(kafka, [topics.dlq], 3, timeout=120)
            first = cli(kafka, topics, "dlq", "redrive", "--error-type", "text_too_long", env=env)
            assert first.returncode == 1, first.stderr  # partial: one refused
            assert "1 sent" in first.stderr and "1 refused: original cut" in first.stderr
            collect(kafka, [topics.dlq], 4, timeout=120)  # rejected again: count 1
            second = cli(kafka, topics, "dlq", "redrive", "--error-type", "text_too_long", env=env)
            assert second.returncode == 0 and "1 sent" in second.stderr, second.stderr
            letters = collect(kafka, [topics.dlq], 5, timeout=120)  # rejected again: count 2
            third = cli(kafka, topics, "dlq", "redrive", "--error-type", "text_too_long", env=env)
            assert third.returncode == 1, third.stderr
            assert "0 sent" in third.stderr and "1 refused: redriven ENTITY_MAX_REDRIVES" in (
                third.stderr
            )
        finally:
            strict.stop()
        counts = [r.headers.get("entity-redrive-count") for r in letters if r.key == b"fits"]
        assert sorted(counts, key=str) == [None, b"1", b"2"]
        binary = cli(kafka, topics, "dlq", "redrive", "--error-type", "not_utf8")
        assert binary.returncode == 1 and "1 refused: original stored as base64" in binary.stderr


class TestReplay:
    def test_replay_recodes_what_came_after_with_same_record_ids(
        self, kafka: str, topics: Topics
    ) -> None:
        """Replay re-codes exactly the articles published after T, with their record_ids."""
        before = [article(f"before-{i}", f"Report {i}. " + PARAGRAPH) for i in range(3)]
        after = [article(f"after-{i}", f"Report {i}. " + PARAGRAPH) for i in range(4)]
        service = ServiceProcess(kafka, topics).start()
        try:
            publish(kafka, topics.input, before)
            collect(kafka, [topics.output], len(before), timeout=120)
            time.sleep(1.0)
            since = datetime.now(UTC)
            time.sleep(1.0)
            publish(kafka, topics.input, after)
            first = collect(kafka, [topics.output], len(before) + len(after), timeout=120)
            assert len(first) == len(before) + len(after), service.log()

            refused = cli(kafka, topics, "replay", "--since", since.isoformat())
            assert refused.returncode == 3, refused.stderr
            assert "active member" in refused.stderr
        finally:
            service.stop()

        plan = cli(kafka, topics, "replay", "--since", since.isoformat(), "--dry-run")
        assert plan.returncode == 0, plan.stderr
        assert f"{len(after)} messages to re-code" in plan.stderr
        done = cli(kafka, topics, "replay", "--since", since.isoformat())
        assert done.returncode == 0, done.stderr
        assert f"{len(after)} messages to re-code" in done.stderr and "committed" in done.stderr

        service = ServiceProcess(kafka, topics).start()
        try:
            total = len(before) + 2 * len(after)
            records = collect(kafka, [topics.output], total, timeout=120, settle=3)
        finally:
            service.stop()
        counts = records_by_article(records)
        assert counts == Counter(
            {**{f"before-{i}": 1 for i in range(3)}, **{f"after-{i}": 2 for i in range(4)}}
        )
        ids: dict[str, set[object]] = {}
        for r in records:
            ids.setdefault(str(r.value["article_id"]), set()).add(r.value["record_id"])
        assert all(len(v) == 1 for v in ids.values())


class TestClearErrors:
    def test_missing_topics_exit_2(self, kafka: str, topics: Topics) -> None:
        """A dead-letter or input topic that does not exist is named, with exit 2."""
        missing = Topics(
            input="no-such-input", output=topics.output, dlq="no-such-dlq", group=topics.group
        )
        stats = cli(kafka, missing, "dlq", "stats")
        assert stats.returncode == 2 and "no such topic 'no-such-dlq'" in stats.stderr
        replay = cli(kafka, missing, "replay", "--since", "2026-12-01T00:00Z")
        assert replay.returncode == 2 and "no such topic 'no-such-input'" in replay.stderr

    def test_nothing_to_redrive_exits_0(self, kafka: str, topics: Topics) -> None:
        """An empty dead-letter topic: nothing sent, exit 0, a summary line."""
        run = cli(kafka, topics, "dlq", "redrive", "--error-type", "not_json")
        assert run.returncode == 0, run.stderr
        assert "scanned 0 dead letters; 0 sent" in run.stderr
