"""Kafka wiring of one worker: batch subscriber, publishers, offsets committed after publishing."""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from aiokafka import ConsumerRecord, TopicPartition
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.prometheus import KafkaPrometheusMiddleware

from service import __version__, metrics
from service.config import Settings
from service.kafka.lag import LagSampler, RebalanceCounter
from service.kafka.security import kafka_security
from service.models import ArticleRecord, DeadLetter
from service.pipeline import PIPELINE_VERSION, Outcome, Pipeline, RawMessage, serialize

__all__ = ["Worker"]

log = logging.getLogger("entity_service")


async def _raw_decoder(message: Any) -> None:
    """Bodies stay bytes: the pipeline validates each message itself, one bad one fails alone."""
    return None


class Worker:
    """One consumer-group member: its pipeline, its thread for spaCy, its publishing policy."""

    def __init__(
        self,
        settings: Settings,
        *,
        pipeline_factory: Callable[[Settings], Pipeline] = Pipeline,
        on_ready: Callable[[], None] | None = None,
        index: int = 0,
    ) -> None:
        self.settings = settings
        self._pipeline_factory = pipeline_factory
        self._on_ready = on_ready
        self.pipeline: Pipeline | None = None
        # One thread: spaCy holds the GIL anyway, and the event loop stays free for heartbeats.
        self._nlp_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlp")
        self.broker = KafkaBroker(
            settings.kafka_bootstrap_servers,
            security=kafka_security(settings),
            enable_idempotence=settings.kafka_enable_idempotence,
            client_id=settings.kafka_client_id,
            graceful_timeout=settings.drain_timeout_s,
            acks="all",
            logger=log,  # through logging, to stderr: stdout belongs to the CLI's output
            middlewares=[KafkaPrometheusMiddleware(registry=metrics.registry)],
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
        self.lag = LagSampler(self._consumer)
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
            listener=RebalanceCounter(self.lag),
        )
        self.subscriber(self.handle)
        self._publish_failures = 0

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
            await self._publish(batch[:done], result.outcomes)
            metrics.STAGE_SECONDS.labels("publish").observe(time.perf_counter() - started)
            metrics.observe_outcomes(result.outcomes)
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

    async def _publish(self, batch: Sequence[RawMessage], outcomes: Sequence[Outcome]) -> None:
        """Publish all outcomes; retry the failed ones with capped exponential backoff.

        After ``max_poll_interval/2`` of failures it raises: FastStream then seeks back to the
        batch start without committing, and the next attempt waits first, so there is no hot loop.
        """
        if self._publish_failures:
            await asyncio.sleep(self._backoff(self._publish_failures))
        pending = list(zip(batch, outcomes, strict=True))
        give_up_at = time.monotonic() + self.settings.max_poll_interval_ms / 2000
        while True:
            results = await asyncio.gather(
                *(self._publish_one(raw, outcome) for raw, outcome in pending),
                return_exceptions=True,
            )
            failed = [
                (item, result)
                for item, result in zip(pending, results, strict=True)
                if isinstance(result, BaseException)
            ]
            if not failed:
                self._publish_failures = 0
                return
            self._publish_failures += 1
            pending = [item for item, _ in failed]
            delay = self._backoff(self._publish_failures)
            log.warning(
                "publishing %d of %d outputs failed (%s); retry %d in %.2fs",
                len(failed),
                len(outcomes),
                failed[0][1],
                self._publish_failures,
                delay,
            )
            if time.monotonic() > give_up_at:
                raise RuntimeError("outputs could not be published; the batch will be re-read")
            await asyncio.sleep(delay)

    def _backoff(self, failures: int) -> float:
        delay = min(
            self.settings.publish_retry_initial_s * 2 ** (failures - 1),
            self.settings.publish_retry_max_s,
        )
        return float(delay * random.uniform(0.8, 1.2))

    async def _publish_one(self, raw: RawMessage, outcome: Outcome) -> None:
        if isinstance(outcome, ArticleRecord):
            await self.records_out.publish(
                serialize(outcome),
                key=outcome.article_id.encode(),
                headers={"content-type": "application/json"},
            )
        else:
            await self.dead_out.publish(
                serialize(outcome),
                key=raw.key,
                headers={
                    "content-type": "application/json",
                    "error-type": outcome.error.type,
                },
            )

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
            entity_labels=self.pipeline.nlp.pipe_labels.get("ner", ()),
        )
        yield
        if self._sampling is not None:
            self._sampling.cancel()
        self._nlp_thread.shutdown(wait=True)

    async def started(self) -> None:
        self._sampling = asyncio.create_task(self.lag.run(also=self._process_sampler.sample))
        if self._on_ready is not None:
            self._on_ready()
