"""How fast `dlq stats` and `dlq redrive` read and send on the embedded broker.

Usage:
  python bench/ops_speed.py [--dead-letters 20000] [--repeat 3]
Publishes synthetic dead letters (half text_too_long with a 2 KiB original, half not_json) to a
fresh dead-letter topic, then times each command's work (as the CLI runs it, in-process) and
prints medians in messages per second.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid

import orjson

from service.config import Settings
from service.deadletters import dead_letter
from service.errors import Rejected
from service.kafka import clients
from service.kafka.broker import EmbeddedBroker, ensure_topics
from service.ops.dlq_stats import dlq_stats
from service.ops.redrive import redrive
from service.ops.window import TimeWindow

__all__ = ["main"]


def _letters(count: int) -> list[tuple[bytes | None, bytes]]:
    body = "The council met on Monday to discuss the harbour. " * 40
    messages: list[tuple[bytes | None, bytes]] = []
    for i in range(count):
        key = f"a{i}".encode()
        if i % 2:
            raw = orjson.dumps({"id": f"a{i}", "text": body})
            error = Rejected("text_too_long", "the text is longer than 1000 characters")
        else:
            raw = b"{not json " + key
            error = Rejected("not_json", "not JSON")
        letter = dead_letter(
            raw, error, max_original_bytes=65_536, headers=(("traceparent", b"00-ab-cd-01"),)
        )
        messages.append((key, orjson.dumps(letter.model_dump(mode="json"))))
    return messages


async def _run(bootstrap: str, count: int, repeat: int) -> None:
    tag = uuid.uuid4().hex[:8]
    settings = Settings(
        kafka_bootstrap_servers=bootstrap,
        input_topic=f"in-{tag}",
        dlq_topic=f"dlq-{tag}",
        group_id=f"g-{tag}",
    )
    await ensure_topics(bootstrap, [settings.input_topic, settings.dlq_topic], 4)
    await clients.publish(bootstrap, settings.dlq_topic, _letters(count))
    timings: dict[str, list[float]] = {"dlq stats": [], "dlq redrive --dry-run": []}

    async def redrive_half(name: str, *, dry_run: bool) -> None:
        """Redrive the text_too_long half, timed under `name`; it must select exactly that half."""
        started = time.perf_counter()
        run = await redrive(
            settings,
            "text_too_long",
            window=TimeWindow(),
            max_sends=None,
            dry_run=dry_run,
            timeout_s=30.0,
        )
        timings.setdefault(name, []).append(time.perf_counter() - started)
        assert run.selector.sent == count // 2

    for _ in range(repeat):
        started = time.perf_counter()
        stats = await dlq_stats(settings, TimeWindow(), 30.0)
        timings["dlq stats"].append(time.perf_counter() - started)
        assert stats.total == count
        await redrive_half("dlq redrive --dry-run", dry_run=True)
    await redrive_half("dlq redrive (sends half)", dry_run=False)
    for name, seconds in timings.items():
        median = statistics.median(seconds)
        print(
            f"{name:<36} {count:>7} dead letters  median {median:6.2f} s  "
            f"{count / median:>9,.0f} msg/s  (n={len(seconds)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dead-letters", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with EmbeddedBroker() as broker:
        asyncio.run(_run(broker.bootstrap_servers, args.dead_letters, args.repeat))


if __name__ == "__main__":
    main()
