"""`entity-service publish` and `tail`: articles onto the input topic, outputs off the others."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Sequence
from typing import IO, Any

from service.cli import settings_from
from service.cli.files import read_messages
from service.config import Settings
from service.kafka.clients import Message, TopicReader, publish
from service.kafka.security import client_options

__all__ = ["publish_articles", "register", "tail"]


def register(commands: Any) -> None:
    publish_ = commands.add_parser("publish", help="publish Articles to the input topic")
    publish_.add_argument("--input", required=True, help="JSON Lines file, -, or a folder")
    publish_.add_argument("--topic", default=None, help="default: the input topic")
    publish_.set_defaults(func=cmd_publish)

    tail_ = commands.add_parser("tail", help="print records (or dead letters) as JSON Lines")
    tail_.add_argument("--count", type=int, default=None, help="stop after N messages")
    tail_.add_argument("--topic", default=None, help="default: the output topic")
    tail_.add_argument("--timeout", type=float, default=30.0, help="stop after this many seconds")
    tail_.set_defaults(func=cmd_tail)


async def publish_articles(settings: Settings, messages: Sequence[Message]) -> None:
    """Publish to the input topic with the cluster's options; a progress bar past 200."""
    await publish(
        settings.kafka_bootstrap_servers,
        settings.input_topic,
        messages,
        progress=True,
        enable_idempotence=settings.kafka_enable_idempotence,
        max_request_size=max(settings.max_message_bytes * 2, 1_048_576),
        **client_options(settings),
    )


def cmd_publish(args: argparse.Namespace) -> int:
    settings = settings_from(input_topic=args.topic)
    messages = read_messages(args.input)
    asyncio.run(publish_articles(settings, messages))
    print(f"published {len(messages)} messages to {settings.input_topic}", file=sys.stderr)
    return 0


async def tail(
    settings: Settings, topics: Sequence[str], count: int | None, timeout_s: float, out: IO[bytes]
) -> int:
    """Write each message's value as a line until `count` arrived or time ran out; the count."""
    seen = 0
    deadline = time.monotonic() + timeout_s
    bootstrap = settings.kafka_bootstrap_servers
    async with TopicReader(bootstrap, topics, **client_options(settings)) as reader:
        while (count is None or seen < count) and time.monotonic() < deadline:
            for record in await reader.poll(timeout_ms=500):
                out.write((record.value or b"") + b"\n")
                seen += 1
            out.flush()
    return seen


def cmd_tail(args: argparse.Namespace) -> int:
    settings = settings_from()
    topic = args.topic or settings.output_topic
    seen = asyncio.run(tail(settings, [topic], args.count, args.timeout, sys.stdout.buffer))
    if args.count is not None and seen < args.count:
        print(f"tail: only {seen} of {args.count} messages within {args.timeout}s", file=sys.stderr)
        return 1
    return 0
