"""Issue 2 over a real broker: every input ends once, offline equals Kafka, restarts resume."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import jsonschema
import orjson
import psutil
import pytest
from support import PROJECT_ROOT, Received, ServiceProcess, Topics, article, collect, publish

SCHEMAS = PROJECT_ROOT / "schemas"

STORIES = [
    "Finland and Estonia signed a maritime security agreement in Helsinki on Monday. "
    "The Finnish defence minister said the pact would guard undersea cables in the Baltic Sea.",
    "Protesters gathered outside the parliament in Nairobi on Tuesday to demand lower fuel "
    "prices. Kenyan police fired tear gas at the crowd, witnesses said.",
    "The European Union imposed new sanctions on Belarus over the detention of opposition "
    "figures. Officials in Minsk rejected the measures as interference.",
    "Brazil sent 40 tonnes of food aid to Haiti after floods destroyed crops near Port-au-Prince, "
    "the foreign ministry in Brasilia said.",
    "Japanese Prime Minister Fumio Kishida met Australian leader Anthony Albanese in Tokyo to "
    "discuss trade and security in the Pacific.",
    "India and China agreed to resume border talks after a meeting of their foreign ministers "
    "in New Delhi, according to a statement released on Friday.",
]

BAD = [
    (b"bad-utf8", b"\xff\xfe\xfa binary \x00 garbage", "not_utf8"),
    (b"bad-json", b"{this is not json", "not_json"),
    (b"bad-array", b"[1, 2, 3]", "not_object"),
    (b"bad-noid", orjson.dumps({"text": "An article without an id."}), "missing_id"),
    (b"bad-idtype", orjson.dumps({"id": 12, "text": "Numeric id."}), "invalid_id"),
    (b"bad-empty", orjson.dumps({"id": "bad-empty", "text": "  ", "html": ""}), "empty_content"),
    (b"bad-date", orjson.dumps({"id": "bad-date", "text": STORIES[0], "published_at": "soon"}),
     "invalid_published_at"),
]


def _good(prefix: str, count: int) -> list[tuple[bytes, bytes]]:
    return [
        article(
            f"{prefix}-{i}",
            f"{STORIES[i % len(STORIES)]} Report number {i} from {prefix}.",
            source="wire",
            title=f"Story {i}",
            published_at="2024-10-18T08:00:00Z",
        )
        for i in range(count)
    ]


def _spawned(process: psutil.Process) -> list[psutil.Process]:
    """The processes `process` started with multiprocessing's spawn (not its resource tracker)."""
    return [
        child for child in process.children() if "spawn_main" in " ".join(child.cmdline())
    ]


def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    )


def _by_id(received: list[Received], topics: Topics) -> tuple[dict[str, dict], dict[bytes, dict]]:
    records = {str(r.value["article_id"]): r.value for r in received if r.topic == topics.output}
    dead = {r.key or b"": r.value for r in received if r.topic == topics.dlq}
    return records, dead


def _without_timing(record: dict) -> dict:
    copy = json.loads(json.dumps(record))
    copy["processing"].pop("processed_at")
    copy["processing"].pop("duration_ms")
    return copy


def _one_output_each(
    received: list[Received],
    topics: Topics,
    good: list[tuple[bytes, bytes]],
    bad: list[tuple[bytes, bytes, str]],
) -> None:
    """Good articles became records keyed by id, bad ones dead letters keyed as sent, each
    once, every output valid by its schema."""
    records, dead = _by_id(received, topics)
    assert len(received) == len(good) + len(bad), "one output per input, no duplicates"
    assert set(records) == {key.decode() for key, _ in good}
    assert {r.key for r in received if r.topic == topics.output} == {k for k, _ in good}
    assert {key: letter["error"]["type"] for key, letter in dead.items()} == {
        key: error_type for key, _, error_type in bad
    }
    record_schema, dead_schema = _validator("article_record"), _validator("dead_letter")
    for record in records.values():
        record_schema.validate(record)
        assert record["entities"], "every story names somebody or somewhere"
    for letter in dead.values():
        dead_schema.validate(letter)


class TestEndToEnd:
    def test_every_message_ends_as_exactly_one_output(self, kafka: str, topics: Topics) -> None:
        """Good articles become records keyed by id, bad ones dead letters keyed as sent."""
        good = _good("e2e", 30)
        publish(kafka, topics.input, good + [(key, value) for key, value, _ in BAD])
        service = ServiceProcess(kafka, topics, workers=2).start()
        try:
            received = collect(kafka, [topics.output, topics.dlq], len(good) + len(BAD), settle=2)
        finally:
            assert service.stop() == 0, service.log()
        _one_output_each(received, topics, good, BAD)

    def test_one_consumer_feeding_two_pipelines(self, kafka: str, topics: Topics) -> None:
        """ENTITY_WORKER_PIPELINES=2: one group member, two pipeline processes behind it, and
        still exactly one output per input, records as the schema says."""
        good = _good("pool", 40)
        publish(kafka, topics.input, good + [(key, value) for key, value, _ in BAD[:3]])
        service = ServiceProcess(
            kafka, topics, workers=1, extra_env={"ENTITY_WORKER_PIPELINES": "2"}
        ).start()
        try:
            assert service.process is not None
            workers = _spawned(psutil.Process(service.process.pid))
            assert len(workers) == 1, "one worker process: one consumer"
            assert len(_spawned(workers[0])) == 2, "two pipeline processes behind it"
            received = collect(kafka, [topics.output, topics.dlq], len(good) + 3, settle=2)
        finally:
            assert service.stop() == 0, service.log()
        _one_output_each(received, topics, good, BAD[:3])

    def test_offline_process_equals_kafka_path(
        self, kafka: str, topics: Topics, tmp_path: Path
    ) -> None:
        """`entity-service process` gives the same record as the service (timing aside)."""
        good = _good("same", 6)
        source = tmp_path / "in.jsonl"
        source.write_bytes(b"\n".join(value for _, value in good) + b"\n")
        output = tmp_path / "out.jsonl"
        subprocess.run(
            [sys.executable, "-m", "service.cli", "process", "--input", str(source),
             "--output", str(output), "--workers", "1"],
            check=True, cwd=PROJECT_ROOT, capture_output=True,
        )
        offline = {
            r["article_id"]: r for r in map(orjson.loads, output.read_bytes().splitlines())
        }
        publish(kafka, topics.input, good)
        service = ServiceProcess(kafka, topics, workers=1).start()
        try:
            received = collect(kafka, [topics.output, topics.dlq], len(good))
        finally:
            service.stop()
        online, _ = _by_id(received, topics)
        assert set(online) == set(offline)
        for article_id, record in online.items():
            assert _without_timing(record) == _without_timing(offline[article_id])

    def test_restarted_group_does_not_reprocess_committed(
        self, kafka: str, topics: Topics
    ) -> None:
        """After a clean stop, a restarted group resumes after its committed offsets."""
        first, second = _good("first", 12), _good("second", 8)
        publish(kafka, topics.input, first)
        service = ServiceProcess(kafka, topics, workers=1).start()
        try:
            collect(kafka, [topics.output], len(first), timeout=120)
        finally:
            assert service.stop() == 0, service.log()
        publish(kafka, topics.input, second)
        service = ServiceProcess(kafka, topics, workers=1).start()
        try:
            received = collect(kafka, [topics.output], len(first) + len(second), settle=3)
        finally:
            service.stop()
        counts = Counter(str(r.value["article_id"]) for r in received)
        assert len(counts) == len(first) + len(second)
        duplicated = [article_id for article_id, n in counts.items() if n > 1]
        assert not duplicated, f"reprocessed after restart: {duplicated}"


@pytest.mark.parametrize("command", ["tail", "publish", "run"])
def test_cli_names_unreachable_broker(command: str, tmp_path: Path) -> None:
    """A CLI command pointed at no broker says so clearly instead of hanging or tracing back."""
    source = tmp_path / "one.jsonl"
    source.write_bytes(article("x", STORIES[0])[1] + b"\n")
    args = {
        "publish": ["--input", str(source)],
        "tail": ["--count", "1"],
        "run": ["--connect-timeout", "3", "--workers", "1"],
    }[command]
    done = subprocess.run(
        [sys.executable, "-m", "service.cli", command, *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        env={"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1", "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert done.returncode == 2
    assert b"cannot connect to Kafka at 127.0.0.1:1" in done.stderr
