"""The plain Kafka clients (service/kafka/clients.py) against the real broker."""

from __future__ import annotations

import asyncio

from support import Topics

from service.kafka.clients import TopicReader, publish, read_until, topic_exists


def test_published_messages_are_read_back_in_order(kafka: str, topics: Topics) -> None:
    """What publish sends (keys and values) read_until reads, per partition in order."""
    messages = [(f"k{i % 3}".encode(), f"v{i}".encode()) for i in range(30)]

    async def run() -> list[tuple[bytes | None, bytes]]:
        sent = await publish(kafka, topics.input, messages)
        assert len(sent) == len(messages)
        got = await read_until(
            kafka, [topics.input], lambda r: (r.key, r.value), lambda got: len(got) >= 30, 60
        )
        return got

    got = asyncio.run(run())
    assert sorted(got) == sorted(messages)
    for key in (b"k0", b"k1", b"k2"):  # one key, one partition: its order is kept
        assert [v for k, v in got if k == key] == [v for k, v in messages if k == key]


def test_reader_polls_and_topics_are_known(kafka: str, topics: Topics) -> None:
    """A reader sees nothing on an empty topic; topic_exists tells real from missing topics."""

    async def run() -> tuple[int, bool, bool]:
        async with TopicReader(kafka, [topics.dlq]) as reader:
            empty = len(await reader.poll(timeout_ms=500))
        return empty, await topic_exists(kafka, topics.dlq), await topic_exists(kafka, "nope-x")

    assert asyncio.run(run()) == (0, True, False)
