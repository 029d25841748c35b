"""Issue 13 over a real broker: an article past ENTITY_ARTICLE_TIMEOUT_S cannot hold its partition.

The slow article is genuinely slow, not rigged: the largest text the limits allow (190,000
characters of news prose, some 18 s of CPU for spaCy's parser) against a limit of 2 s.
"""

from __future__ import annotations

import time

from support import ServiceProcess, Topics, article, collect, create_topics, publish

LIMIT_S = 2.0
SENTENCES = [
    "Finland and Estonia signed a maritime security agreement in Helsinki on Monday.",
    "The Finnish defence minister said the pact would guard undersea cables in the Baltic Sea.",
    "Protesters gathered outside the parliament in Nairobi on Tuesday to demand lower prices.",
    "Brazil sent 40 tonnes of food aid to Haiti after floods destroyed crops near the capital.",
]


def _long_story(chars: int = 190_000) -> str:
    paragraphs: list[str] = []
    while sum(len(p) + 2 for p in paragraphs) < chars:
        i = len(paragraphs)
        paragraphs.append(" ".join(SENTENCES[(i + k) % 4] for k in range(4)) + f" Report {i}.")
    return "\n\n".join(paragraphs)


def test_slow_article_times_out_and_the_partition_moves_on(kafka: str, topics: Topics) -> None:
    """The slow article is a processing_timeout dead letter; the ones behind it are records."""
    create_topics(kafka, topics, partitions=1)  # one partition: the others queue behind it
    service = ServiceProcess(
        kafka, topics, extra_env={"ENTITY_ARTICLE_TIMEOUT_S": str(LIMIT_S)}
    ).start()
    try:
        before = [article("before", f"{SENTENCES[0]} {SENTENCES[1]}")]
        slow = [article("slow", _long_story())]
        after = [
            article(f"after-{i}", f"{SENTENCES[2]} {SENTENCES[3]} Number {i}.") for i in range(3)
        ]
        started = time.monotonic()
        publish(kafka, topics.input, before + slow + after)
        got = collect(kafka, [topics.output, topics.dlq], count=5, timeout=240, settle=3.0)
        elapsed = time.monotonic() - started
        by_key = {r.key: r for r in got}
        assert len(got) == 5, [(r.topic, r.key) for r in got]  # one outcome each, no repeats
        dead = by_key[b"slow"]
        assert dead.topic == topics.dlq
        error = dead.value["error"]
        assert isinstance(error, dict) and error["type"] == "processing_timeout"
        assert f"after {LIMIT_S:g}s" in str(error["message"])
        for key in (b"before", b"after-0", b"after-1", b"after-2"):
            assert by_key[key].topic == topics.output, key
            assert "Report" not in str(by_key[key].value["text"])
        # The worker stayed healthy: never restarted by the supervisor, still serving.
        assert service.get("/healthz")[0] == 200
        assert "exited with" not in service.log(200_000)
        print(f"\n5 outcomes in {elapsed:.1f}s after publishing, limit {LIMIT_S:g}s")  # noqa: T201
    finally:
        assert service.stop() == 0, service.log()
