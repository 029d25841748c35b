"""Plain aiokafka clients that publish to and read topics: one copy for the CLI, tests and bench.

The service itself consumes through FastStream (service/kafka/worker.py); these are the small
tools around it. Readers read from the start without a consumer group, so they neither wait for
a group join nor commit anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Any, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient

__all__ = [
    "KafkaUnreachable",
    "Message",
    "TopicReader",
    "answer",
    "publish",
    "read_until",
    "topic_exists",
]

#: (key, value) as published.
Message = tuple[bytes | None, bytes]

_T = TypeVar("_T")

#: Large enough for any dead letter (they keep up to 64 KiB of the original) or big record.
_FETCH_BYTES = 16 * 2**20


class KafkaUnreachable(Exception):
    """The cluster did not answer in time; the message says where and why."""


async def answer(call: Awaitable[_T], bootstrap: str, timeout_s: float) -> _T:
    """Await a client call, or say plainly that the cluster cannot be reached."""
    try:
        return await asyncio.wait_for(call, timeout_s)
    except Exception as exc:
        reason = str(exc) or "timed out"
        raise KafkaUnreachable(
            f"cannot connect to Kafka at {bootstrap}: {type(exc).__name__}: {reason}"
        ) from None


async def topic_exists(
    bootstrap: str, topic: str, *, timeout_s: float = 15.0, **options: Any
) -> bool:
    """Whether the cluster has `topic`; KafkaUnreachable when it does not answer."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap, request_timeout_ms=int(timeout_s * 1000), **options
    )
    try:
        await answer(admin.start(), bootstrap, timeout_s)
        topics = set(await answer(admin.list_topics(), bootstrap, timeout_s))
    finally:
        with contextlib.suppress(Exception):
            await admin.close()
    return topic in topics


async def publish(
    bootstrap: str,
    topic: str,
    messages: Sequence[Message],
    *,
    rate: float | None = None,
    progress: bool = False,
    timeout_s: float = 15.0,
    headers: Sequence[tuple[str, bytes]] | None = None,
    **options: Any,
) -> list[float]:
    """Publish every message and wait for the broker's acks; returns each one's send time.

    With `rate`, messages go out at that many per second (latency benchmarks). `options` go to
    the producer (TLS/SASL from `client_options`, `enable_idempotence`, `max_request_size`).
    """
    settings: dict[str, Any] = {
        "enable_idempotence": False,  # Tansu has no idempotent producer
        "max_request_size": _FETCH_BYTES,
        "linger_ms": 0 if rate else 5,
        **options,
    }
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, **settings)
    await answer(producer.start(), bootstrap, timeout_s)
    sent: list[float] = []
    try:
        from tqdm import tqdm

        futures = []
        disable = None if progress and len(messages) > 200 else True
        started = time.monotonic()
        with tqdm(total=len(messages), unit="msg", disable=disable, file=sys.stderr) as bar:
            for i, (key, value) in enumerate(messages):
                if rate:
                    delay = started + i / rate - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                sent.append(time.time())
                futures.append(await producer.send(topic, value, key=key, headers=headers))
                bar.update(1)
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return sent


class TopicReader:
    """Reads topics from their start, without a group; an async context manager."""

    def __init__(
        self, bootstrap: str, topics: Sequence[str], *, timeout_s: float = 15.0, **options: Any
    ) -> None:
        self.bootstrap = bootstrap
        self.topics = tuple(topics)
        self._timeout_s = timeout_s
        self._consumer = AIOKafkaConsumer(
            *self.topics,
            bootstrap_servers=bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            **{"max_partition_fetch_bytes": _FETCH_BYTES, **options},
        )

    async def __aenter__(self) -> TopicReader:
        await answer(self._consumer.start(), self.bootstrap, self._timeout_s)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._consumer.stop()

    async def poll(self, timeout_ms: int = 300) -> list[ConsumerRecord[bytes, bytes]]:
        """What arrived within `timeout_ms` (possibly nothing), partition by partition."""
        batch = await self._consumer.getmany(timeout_ms=timeout_ms)
        return [record for records in batch.values() for record in records]


async def read_until(
    bootstrap: str,
    topics: Sequence[str],
    parse: Callable[[ConsumerRecord[bytes, bytes]], _T],
    done: Callable[[list[_T]], bool],
    timeout_s: float,
    *,
    settle_s: float = 0.0,
    **options: Any,
) -> list[_T]:
    """Read from the start until `done(received)` holds (then `settle_s` more), or timeout.

    Each record is turned into what the caller wants once, by `parse`, as it arrives.
    """
    received: list[_T] = []
    deadline = time.monotonic() + timeout_s
    settle_until: float | None = None
    async with TopicReader(bootstrap, topics, **options) as reader:
        while time.monotonic() < deadline:
            if settle_until is not None and time.monotonic() > settle_until:
                break
            received.extend(parse(record) for record in await reader.poll())
            if settle_until is None and done(received):
                settle_until = time.monotonic() + settle_s
    return received
