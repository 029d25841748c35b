"""Kafka wiring of one worker: batch subscriber, publishers, offsets committed after publishing."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from aiokafka import ConsumerRecord, TopicPartition
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from faststream.message import StreamMessage

from service import __version__, metrics
from service.config import Settings
from service.deadletters import dead_letter_for
from service.errors import Rejected
from service.intake import RawMessage
from service.kafka.badbatch import Undecodable
from service.kafka.compat import leave_group_in_generation_zero
from service.kafka.fetchguard import FetchGuard
from service.kafka.headers import trace_context
from service.kafka.lag import LagSampler, RebalanceCounter
from service.kafka.publisher import Output, OutputPublisher
from service.kafka.security import kafka_security
from service.kafka.stall import StallWatcher
from service.kafka.telemetry import Tracing
from service.models import ArticleRecord, DeadLetter
from service.outcomes import PIPELINE_VERSION
from service.runtime.isolation import IsolatedPipeline, Runner, build_service_pipeline

__all__ = ["Worker", "service_pipeline"]

log = logging.getLogger("entity_service")

#: Bytes a published record needs beyond its value: key, CloudEvents and trace headers, framing.
RECORD_HEADROOM = 8_192


async def _raw_decoder(message: Any) -> None:
    """Bodies stay bytes: the pipeline validates each message itself, one bad one fails alone."""
    return None


def _readable_headers(record: ConsumerRecord[bytes, bytes]) -> ConsumerRecord[bytes, bytes]:
    """Kafka header values are any bytes, or null; FastStream's parser `.decode()`s each one.

    A null or non-UTF-8 value (legal Kafka, and librdkafka sends both) would fail the parse of
    the whole batch; the null ones are dropped and undecodable bytes replaced here instead.
    """
    headers = record.headers
    if all(value is not None and value.isascii() for _, value in headers):
        return record
    clean = tuple(
        (name, value.decode("utf-8", "replace").encode())
        for name, value in headers
        if value is not None
    )
    return dataclasses.replace(record, headers=clean)


async def _lenient_parser(
    records: tuple[ConsumerRecord[bytes, bytes], ...],
    parse: Callable[[Any], Awaitable[StreamMessage[Any]]],
) -> StreamMessage[Any]:
    return await parse(tuple(_readable_headers(r) for r in records))


def service_pipeline(settings: Settings) -> Runner:
    """The pipeline in its child process, with the story index the settings name."""
    return IsolatedPipeline(settings, factory=build_service_pipeline)


class Worker:
    """One consumer-group member: its pipeline, its thread for spaCy, its publishing policy."""

    def __init__(
        self,
        settings: Settings,
        *,
        pipeline_factory: Callable[[Settings], Runner] = service_pipeline,
        on_ready: Callable[[], None] | None = None,
        on_stall: Callable[[bool], None] | None = None,
        index: int = 0,
    ) -> None:
        self.settings = settings
        leave_group_in_generation_zero()  # so a stopped worker leaves the group on Tansu too
        self._pipeline_factory = pipeline_factory
        self._on_ready = on_ready
        self.pipeline: Runner | None = None
        # One thread: spaCy holds the GIL anyway, and the event loop stays free for heartbeats.
        self._nlp_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlp")
        self.tracing = Tracing(settings)
        compression = settings.kafka_compression_type
        self.broker = KafkaBroker(
            settings.kafka_bootstrap_servers,
            security=kafka_security(settings),
            enable_idempotence=settings.kafka_enable_idempotence,
            client_id=settings.kafka_client_id,
            graceful_timeout=settings.drain_timeout_s,
            acks="all",
            compression_type=None if compression == "none" else compression,
            max_request_size=settings.kafka_max_request_size,
            logger=log,  # through logging, to stderr: stdout belongs to the CLI's output
            middlewares=[
                *self.tracing.middlewares,
                KafkaPrometheusMiddleware(registry=metrics.registry),
            ],
        )
        self.records_out = self.broker.publisher(
            settings.output_topic,
            title="records",
            description="One ArticleRecord per accepted article, keyed by article id.",
            schema=ArticleRecord,
        )
        self.dead_out = self.broker.publisher(
            settings.dlq_topic,
            title="dead-letters",
            description="One DeadLetter per rejected message, keyed by the input key.",
            schema=DeadLetter,
        )
        self.stalls = StallWatcher(settings.stall_timeout_s, on_change=on_stall or (lambda _: None))
        self.publisher = OutputPublisher(
            settings, self.records_out, self.dead_out, self.tracing, stalls=self.stalls
        )
        self.lag = LagSampler(self._consumer, watcher=self.stalls)
        self._process_sampler = metrics.ProcessSampler(index)
        self._sampling: asyncio.Task[None] | None = None
        self.subscriber = self.broker.subscriber(
            settings.input_topic,
            title="articles",
            description="Raw Articles (JSON), keyed by article id.",
            group_id=settings.group_id,
            batch=True,
            max_records=settings.batch_max_records,
            batch_timeout_ms=settings.batch_max_wait_ms,
            auto_offset_reset=settings.auto_offset_reset,
            max_poll_interval_ms=settings.max_poll_interval_ms,
            session_timeout_ms=settings.session_timeout_ms,
            heartbeat_interval_ms=settings.heartbeat_interval_ms,
            rebalance_timeout_ms=settings.rebalance_timeout_ms,
            # Commit only after the handler returned, i.e. after every output was acknowledged;
            # an exception seeks back to the batch start (after our own backoff, see _publish).
            # Not AckPolicy.ACK: FastStream 0.7.8 acks (commits) with it even when the handler
            # raised, which would skip a batch whose outputs were never published.
            ack_policy=AckPolicy.NACK_ON_ERROR,
            decoder=_raw_decoder,
            parser=_lenient_parser,
            listener=RebalanceCounter(self.lag),
        )
        self.subscriber(self.handle)
        if settings.max_record_bytes + RECORD_HEADROOM > settings.kafka_max_request_size:
            log.warning(
                "ENTITY_MAX_RECORD_BYTES (%d) leaves less than %d bytes of "
                "ENTITY_KAFKA_MAX_REQUEST_SIZE (%d) for key, headers and framing: the producer "
                "may refuse records near the limit (they become record_too_large dead letters)",
                settings.max_record_bytes,
                RECORD_HEADROOM,
                settings.kafka_max_request_size,
            )

    async def handle(self, message: KafkaMessage) -> None:
        """One batch: NLP off the loop, publish everything, then commit its offsets."""
        raw = message.raw_message
        records: Sequence[ConsumerRecord[bytes, bytes]] = (
            raw if isinstance(raw, tuple | list) else (raw,)
        )
        batch = [
            RawMessage(
                value=r.value if r.value is not None else b"",
                key=r.key,
                topic=r.topic,
                partition=r.partition,
                offset=r.offset,
                headers=tuple(r.headers or ()),
            )
            for r in records
        ]
        metrics.ARTICLES_CONSUMED.inc(len(batch))
        metrics.BATCH_SIZE.observe(len(batch))
        metrics.IN_FLIGHT.inc(len(batch))
        self.lag.batch_started(records)
        try:
            assert self.pipeline is not None, "the pipeline loads before the subscriber starts"
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(
                self._nlp_thread,
                functools.partial(
                    self.pipeline.process, batch, budget_s=self.settings.batch_time_budget_s
                ),
            )
            for stage, seconds in result.stage_seconds.items():
                metrics.STAGE_SECONDS.labels(stage).observe(seconds)
            done = len(result.outcomes)
            started = time.perf_counter()
            published = await self.publisher.publish(
                [
                    Output(raw, outcome, trace_context(record.headers))
                    for raw, outcome, record in zip(
                        batch[:done], result.outcomes, records[:done], strict=True
                    )
                ]
            )
            metrics.STAGE_SECONDS.labels("publish").observe(time.perf_counter() - started)
            metrics.observe_outcomes(published)
            if done < len(batch):
                self._rewind(records[done:])
            await self._commit(message)
        finally:
            metrics.IN_FLIGHT.dec(len(batch))

    def _rewind(self, unprocessed: Sequence[ConsumerRecord[bytes, bytes]]) -> None:
        """Seek back to the first record the time budget left over, so the commit stops there.

        The batch lists each partition's records in order, so the left-over part of a partition
        is a suffix of it: the commit (of positions) then covers exactly what was published.
        """
        consumer = self.subscriber.consumer
        assert consumer is not None, "a batch arrived, so the consumer runs"
        first: dict[TopicPartition, int] = {}
        for r in unprocessed:
            tp = TopicPartition(r.topic, r.partition)
            first[tp] = min(first.get(tp, r.offset), r.offset)
        for partition, offset in first.items():
            consumer.seek(partition, offset)
        log.warning(
            "batch over its %gs time budget: %d records left for the next poll",
            self.settings.batch_time_budget_s,
            len(unprocessed),
        )

    async def dead_letter_batch(self, tp: TopicPartition, bad: Undecodable) -> None:
        """One dead letter for a record batch no client can decode, acknowledged on return.

        Its key is none (the key is inside the undecodable payload), so are its trace headers.
        """
        raw = RawMessage(
            value=bad.batch.raw,
            topic=tp.topic,
            partition=tp.partition,
            offset=bad.batch.base_offset,
        )
        dead = dead_letter_for(
            raw,
            Rejected("undecodable_batch", bad.describe()),
            max_original_bytes=self.settings.dlq_original_max_bytes,
        )
        metrics.observe_outcomes(await self.publisher.publish([Output(raw, dead, {})]))

    def _consumer(self) -> Any:
        """The aiokafka consumer FastStream creates when the subscriber starts (None before)."""
        return self.subscriber.consumer

    async def _commit(self, message: KafkaMessage) -> None:
        """Commit here, not in FastStream's ack middleware, so commits are counted.

        The middleware's own ack after the handler then finds the message acknowledged.
        """
        try:
            await message.ack()
        except Exception:
            metrics.COMMITS.labels("failed").inc()
            raise
        metrics.COMMITS.labels("ok").inc()
        self.lag.batch_committed()

    @asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        """Load the model before consuming; shut the NLP thread down after draining."""
        loop = asyncio.get_running_loop()
        self.pipeline = await loop.run_in_executor(
            self._nlp_thread, self._pipeline_factory, self.settings
        )
        metrics.set_build_info(
            service_version=__version__,
            pipeline_version=PIPELINE_VERSION,
            model=self.pipeline.model_info.name,
            model_version=self.pipeline.model_info.version,
            entity_labels=self.pipeline.entity_labels,
        )
        yield
        if self._sampling is not None:
            self._sampling.cancel()
        self._nlp_thread.shutdown(wait=True)
        if isinstance(self.pipeline, IsolatedPipeline):
            self.pipeline.close()  # the child process that holds the model
        self.tracing.shutdown()
        if self.pipeline.stories is not None:
            self.pipeline.stories.close()

    async def started(self) -> None:
        """Guard the consumer's reads, sample lag and stalls, then say the worker is ready."""
        FetchGuard(
            self.subscriber.consumer, self.stalls, on_undecodable=self.dead_letter_batch
        ).install()
        self._sampling = asyncio.create_task(self.lag.run(also=self._process_sampler.sample))
        if self._on_ready is not None:
            self._on_ready()
