"""Follow the output and dead-letter topics with a consumer of our own: no group, no commits.

The page must never take partitions (or offsets) from the service, so it assigns every
partition itself. It starts `recent` messages before each partition's end, and that end is
the high watermark of a first fetch: the embedded Tansu broker answers ListOffsets (so
``end_offsets``, and a ``seek_to_end`` + ``position``) with the base offset of its last batch
plus one, while its fetch responses carry the true high watermark.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from service.config import Settings
from service.kafka.security import client_options
from service.ui.store import RecentStore
from service.ui.views import item_from_message

__all__ = ["Follower", "start_offset"]

log = logging.getLogger("entity_service.ui")


def start_offset(beginning: int, highwater: int | None, recent: int) -> int:
    """Where to start reading a partition so that its last `recent` messages are read."""
    if highwater is None:
        return beginning
    return max(beginning, highwater - recent)


class Follower:
    """Reads both topics into a RecentStore until cancelled."""

    def __init__(
        self, settings: Settings, store: RecentStore, *, first_fetch_timeout_s: float = 5.0
    ) -> None:
        self._settings = settings
        self._store = store
        self._first_fetch_timeout_s = first_fetch_timeout_s
        self._topics = (settings.output_topic, settings.dlq_topic)
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            client_id=f"{settings.kafka_client_id}-ui",
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            # Dead letters keep up to 64 KiB of their original; records can be larger still.
            max_partition_fetch_bytes=max(8_000_000, settings.max_message_bytes * 4),
            **client_options(settings),
        )

    async def start(self) -> None:
        """Connect to the cluster (raises when it cannot be reached)."""
        await self._consumer.start()

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            await self._consumer.stop()

    async def run(self) -> None:
        """Assign, position at the last `recent` messages, then follow; until cancelled."""
        partitions = await self._wait_for_partitions()
        self._consumer.assign(partitions)
        starts = await self._position(partitions)
        self._following(starts)
        log.info("following %s from offsets %s", ", ".join(self._topics), starts)
        while True:
            try:
                batch = await self._consumer.getmany(timeout_ms=500)
            except KafkaError as exc:  # the consumer keeps its positions: carry on from there
                self._store.set_status(state="error", message=f"{type(exc).__name__}: {exc}")
                log.warning("fetch failed, retrying: %s: %s", type(exc).__name__, exc)
                await asyncio.sleep(2.0)
                continue
            if self._store.status.get("state") != "following":
                self._following(starts)
            for records in batch.values():
                for record in records:
                    self._store.add(record.topic, self._item(record))

    def _following(self, starts: dict[str, int]) -> None:
        self._store.set_status(
            state="following", topics=list(self._topics),
            bootstrap=self._settings.kafka_bootstrap_servers, partitions=len(starts),
            started_at=starts,
        )

    def _item(self, record: Any) -> dict[str, Any]:
        return item_from_message(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            timestamp_ms=record.timestamp,
            value=record.value,
            dead_letters=record.topic == self._settings.dlq_topic,
            max_text_chars=self._settings.ui_max_text_chars,
        )

    async def _wait_for_partitions(self) -> list[TopicPartition]:
        """Every partition of both topics, waiting (and saying so) while one does not exist."""
        while True:
            await self._consumer.topics()  # refreshes the metadata
            found = {t: self._consumer.partitions_for_topic(t) for t in self._topics}
            missing = [topic for topic, parts in found.items() if not parts]
            if not missing:
                return [TopicPartition(t, p) for t, parts in found.items() for p in sorted(parts)]
            self._store.set_status(state="waiting", missing=missing)
            log.warning("waiting for topic(s) %s to exist", ", ".join(missing))
            await asyncio.sleep(2.0)

    async def _position(self, partitions: list[TopicPartition]) -> dict[str, int]:
        """Seek each partition to `recent` messages before the high watermark of a first fetch."""
        beginning = await self._consumer.beginning_offsets(partitions)
        for tp in partitions:
            self._consumer.seek(tp, beginning[tp])
        deadline = time.monotonic() + self._first_fetch_timeout_s
        while time.monotonic() < deadline and any(
            self._consumer.highwater(tp) is None for tp in partitions
        ):
            await self._consumer.getmany(timeout_ms=200)  # only for the watermarks: re-read below
        starts = {}
        for tp in partitions:
            start = start_offset(beginning[tp], self._consumer.highwater(tp), self._store.recent)
            self._consumer.seek(tp, start)
            starts[f"{tp.topic}/{tp.partition}"] = start
        return starts
