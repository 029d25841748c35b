"""The aiokafka clients of the ops commands: the cluster's TLS/SASL options, timeouts."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable
from typing import Any, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from service.config import Settings
from service.kafka import clients as kafka_clients
from service.kafka.security import client_options
from service.ops.exits import OpsError

__all__ = ["admin", "answer", "consumer", "input_partitions", "producer"]

T = TypeVar("T")

#: Dead letters keep up to 64 KiB of the original plus its headers; fetch whole batches of them.
_FETCH_BYTES = 8_000_000


async def answer(call: Awaitable[T], settings: Settings, timeout_s: float) -> T:
    """The shared `answer`: KafkaUnreachable when the cluster does not answer in time."""
    return await kafka_clients.answer(call, settings.kafka_bootstrap_servers, timeout_s)


@contextlib.asynccontextmanager
async def _started(client: Any, settings: Settings, timeout_s: float) -> AsyncIterator[Any]:
    try:
        await answer(client.start(), settings, timeout_s)
        yield client
    finally:
        with contextlib.suppress(Exception):
            await (client.close() if isinstance(client, AIOKafkaAdminClient) else client.stop())


def consumer(
    settings: Settings, timeout_s: float, group_id: str | None = None, **options: Any
) -> contextlib.AbstractAsyncContextManager[AIOKafkaConsumer]:
    """A consumer without subscription (partitions are assigned): it never joins a group."""
    client = AIOKafkaConsumer(
        *options.pop("topics", ()),
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=f"{settings.kafka_client_id}-ops",
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=_FETCH_BYTES,
        request_timeout_ms=int(timeout_s * 1000),
        **options,
        **client_options(settings),
    )
    return _started(client, settings, timeout_s)


def producer(
    settings: Settings, timeout_s: float
) -> contextlib.AbstractAsyncContextManager[AIOKafkaProducer]:
    """A producer that waits for every replica: a redriven message is acknowledged for good."""
    client = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=f"{settings.kafka_client_id}-ops",
        enable_idempotence=settings.kafka_enable_idempotence,
        acks="all",
        linger_ms=5,
        max_request_size=max(settings.max_message_bytes * 2, 1_048_576),
        request_timeout_ms=int(timeout_s * 1000),
        **client_options(settings),
    )
    return _started(client, settings, timeout_s)


def admin(
    settings: Settings, timeout_s: float
) -> contextlib.AbstractAsyncContextManager[AIOKafkaAdminClient]:
    client = AIOKafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=f"{settings.kafka_client_id}-ops",
        request_timeout_ms=int(timeout_s * 1000),
        **client_options(settings),
    )
    return _started(client, settings, timeout_s)


async def input_partitions(
    client: AIOKafkaConsumer, topic: str, settings: Settings, timeout_s: float
) -> list[TopicPartition]:
    """Every partition of `topic`, or a clear error when the topic does not exist (exit 2)."""
    topics = await answer(client.topics(), settings, timeout_s)
    if topic not in topics:
        raise OpsError(f"no such topic {topic!r} on {settings.kafka_bootstrap_servers}")
    return [TopicPartition(topic, p) for p in sorted(client.partitions_for_topic(topic) or ())]
