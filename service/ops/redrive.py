"""`dlq redrive`: send the originals of chosen dead letters back to the input topic.

The position on the dead-letter topic lives in a consumer group of its own per error type
(`ENTITY_REDRIVE_GROUP_ID.<type>`), committed only after every message sent before it has been
acknowledged by the broker; so a second run over the same dead letters sends nothing again,
and a crash between sending and committing repeats a send (same record_id), never skips one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from service.config import Settings
from service.errors import ERROR_TYPES
from service.ops import clients
from service.ops.exits import Exit, OpsError
from service.ops.letters import LetterMessage
from service.ops.progress import progress
from service.ops.redrive_select import Outgoing, RedriveSelector
from service.ops.scan import TopicScan
from service.ops.window import TimeWindow

__all__ = ["RedriveRun", "check_error_type", "redrive", "redrive_group"]

#: Sends acknowledged (and the position committed) at least this often during a long run.
CHECKPOINT_EVERY = 500


def check_error_type(error_type: str) -> None:
    """Only the catalogue's types can be redriven; a typo is a usage error listing them."""
    if error_type not in ERROR_TYPES:
        known = ", ".join(sorted(ERROR_TYPES))
        raise OpsError(f"unknown error type {error_type!r}; known types: {known}")


def redrive_group(settings: Settings, error_type: str) -> str:
    return f"{settings.redrive_group_id}.{error_type}"


@dataclass
class RedriveRun:
    """What a run did: the verdict counts, and whether its position was committed."""

    selector: RedriveSelector
    group: str
    dry_run: bool
    scanned: int = 0
    committed: bool = False

    @property
    def exit_code(self) -> Exit:
        return Exit.PARTIAL if self.selector.refused or self.selector.left else Exit.OK

    def summary(self) -> str:
        verb = "would send" if self.dry_run else "redrive"
        return (
            f"{verb} {self.selector.error_type}: scanned {self.scanned} dead letters; "
            f"{self.selector.summary()}"
            + ("" if self.dry_run else f"; position {'kept' if self.committed else 'unchanged'}")
        )


class _Sender:
    """Sends to the input topic and commits the position once everything before it is acked."""

    def __init__(
        self,
        producer: AIOKafkaProducer | None,
        consumer: AIOKafkaConsumer,
        settings: Settings,
        timeout_s: float,
    ) -> None:
        self._producer = producer
        self._consumer = consumer
        self._settings = settings
        self._timeout_s = timeout_s
        self._pending: list[Awaitable[Any]] = []

    async def send(self, message: Outgoing) -> None:
        if self._producer is None:
            return
        future = await clients.answer(
            self._producer.send(
                self._settings.input_topic,
                message.value,
                key=message.key,
                headers=message.headers,
            ),
            self._settings,
            self._timeout_s,
        )
        self._pending.append(future)

    async def checkpoint(self, positions: dict[int, int]) -> bool:
        """Wait for every send's acknowledgement, then commit the positions; False on dry run."""
        if self._producer is None:
            return False
        pending, self._pending = self._pending, []
        results = await asyncio.gather(*pending, return_exceptions=True)
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            raise OpsError(
                f"{len(failed)} of {len(results)} redriven messages were not acknowledged "
                f"({type(failed[0]).__name__}: {failed[0]}); the position was not moved past "
                "them, so a rerun sends them again",
                Exit.UNAVAILABLE,
            )
        if positions:
            offsets = {TopicPartition(self._settings.dlq_topic, p): o for p, o in positions.items()}
            await clients.answer(self._consumer.commit(offsets), self._settings, self._timeout_s)
        return True


async def redrive(
    settings: Settings,
    error_type: str,
    *,
    window: TimeWindow,
    max_sends: int | None,
    dry_run: bool,
    timeout_s: float,
) -> RedriveRun:
    check_error_type(error_type)
    group = redrive_group(settings, error_type)
    selector = RedriveSelector(error_type, settings.max_redrives, window, max_sends)
    run = RedriveRun(selector, group, dry_run)
    async with clients.consumer(settings, timeout_s, group_id=group) as consumer:
        partitions = await clients.input_partitions(
            consumer, settings.dlq_topic, settings, timeout_s
        )
        await clients.input_partitions(consumer, settings.input_topic, settings, timeout_s)
        starts = await _starts(consumer, partitions, settings, timeout_s)
        scan = TopicScan(consumer, starts, idle_timeout_s=timeout_s)
        await scan.ends()
        if dry_run:
            await _select(scan, selector, run, _Sender(None, consumer, settings, timeout_s))
            return run
        async with clients.producer(settings, timeout_s) as producer:
            sender = _Sender(producer, consumer, settings, timeout_s)
            await _select(scan, selector, run, sender)
            run.committed = await sender.checkpoint(selector.positions)
    return run


async def _select(
    scan: TopicScan, selector: RedriveSelector, run: RedriveRun, sender: _Sender
) -> None:
    with progress(scan.total(), f"redrive {selector.error_type}") as bar:
        async for record in scan.records():
            run.scanned += 1
            bar.update()
            outgoing = selector.offer(LetterMessage.from_record(record))
            if outgoing is None:
                continue
            await sender.send(outgoing)
            if selector.sent % CHECKPOINT_EVERY == 0:
                await sender.checkpoint(dict(selector.positions))
                bar.set_postfix_str(f"{selector.sent} sent")


async def _starts(
    consumer: AIOKafkaConsumer,
    partitions: list[TopicPartition],
    settings: Settings,
    timeout_s: float,
) -> dict[TopicPartition, int]:
    """The group's committed position per partition, else the partition's beginning."""
    beginning = await clients.answer(consumer.beginning_offsets(partitions), settings, timeout_s)
    starts = {}
    for tp in partitions:
        committed = await clients.answer(consumer.committed(tp), settings, timeout_s)
        starts[tp] = max(committed, beginning[tp]) if committed is not None else beginning[tp]
    return starts
