"""Kafka wiring of one worker: batch subscriber, publishers, offsets committed after publishing.

The pipeline child never waits for the broker: while it parses one poll, the outputs of the
polls before it go out, and their offsets are committed, through the output chain
(kafka/outputchain.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

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
from service.kafka.lag import LagSampler, RebalanceCounter
from service.kafka.outputchain import OutputChain, Poll
from service.kafka.publisher import Output, OutputPublisher
from service.kafka.security import kafka_security
from service.kafka.stall import StallWatcher
from service.kafka.telemetry import Tracing
from service.models import ArticleRecord, DeadLetter
from service.outcomes import PIPELINE_VERSION, BatchResult
from service.runtime.isolation import IsolatedPipeline, Runner, build_service_pipeline
from service.runtime.pool import Handout, HandsOut, PooledPipeline

__all__ = ["Worker", "service_pipeline"]

log = logging.getLogger("entity_service")

_T = TypeVar("_T")

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
    """The pipeline in its child process (or `pipelines_per_worker` of them), with the story
    index the settings name."""
    if settings.pipelines_per_worker > 1:
        return PooledPipeline(
            settings, children=settings.pipelines_per_worker, factory=build_service_pipeline
        )
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
            linger_ms=settings.kafka_linger_ms,
            # a batch no larger than a request may be (a larger single record still goes alone)
            max_batch_size=min(settings.kafka_max_batch_size, settings.kafka_max_request_size),
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
        self._idle = asyncio.Event()  # set while no batch is being handled
        self._idle.set()
        self._stopping = False  # drain() began: every batch settles before its handler returns
        self.stalls = StallWatcher(settings.stall_timeout_s, on_change=on_stall or (lambda _: None))
        self.publisher = OutputPublisher(
            settings, self.records_out, self.dead_out, self.tracing, stalls=self.stalls
        )
        self.lag = LagSampler(self._consumer, watcher=self.stalls)
        self.chain = OutputChain(self.publisher, self._consumer, self.lag)
        self._parsing: set[asyncio.Future[None]] = set()  # polls the pool still parses
        self._last_handout: tuple[Poll, asyncio.Future[None]] | None = None
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
            fetch_max_wait_ms=settings.fetch_max_wait_ms,
            auto_offset_reset=settings.auto_offset_reset,
            max_poll_interval_ms=settings.max_poll_interval_ms,
            session_timeout_ms=settings.session_timeout_ms,
            heartbeat_interval_ms=settings.heartbeat_interval_ms,
            rebalance_timeout_ms=settings.rebalance_timeout_ms,
            # The worker commits explicit offsets itself, after the outputs (the output chain),
            # and reads failed batches again itself. Not AckPolicy.ACK: FastStream 0.7.8 acks
            # (commits the consumer's position) with it even when the handler raised.
            ack_policy=AckPolicy.MANUAL,
            decoder=_raw_decoder,
            parser=_lenient_parser,
            listener=RebalanceCounter(self.lag, before_revoke=self._before_revoke),
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
        """One polled batch: parsed in the child while the previous batches' outputs go out.

        Each slice's outcomes are handed to the output chain as soon as the child reports them;
        the batch's offsets are committed by the chain after its last output is acknowledged
        (and after every earlier batch's commit). The handler returns once the child is done
        and the batch before it is committed, so the child parses the next poll while this
        one is published: it never waits for the broker, and at most two batches are open.
        """
        raw = message.raw_message
        records: Sequence[ConsumerRecord[bytes, bytes]] = (
            raw if isinstance(raw, tuple | list) else (raw,)
        )
        self._idle.clear()
        try:
            await self._handle(records)
        finally:
            self._idle.set()

    async def _handle(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> None:
        metrics.ARTICLES_CONSUMED.inc(len(records))
        metrics.BATCH_SIZE.observe(len(records))
        poll = self.chain.open(records)
        assert self.pipeline is not None, "the pipeline loads before the subscriber starts"
        if isinstance(self.pipeline, HandsOut):
            await self._hand_out(self.pipeline, poll, records)
        else:
            await self._parse(self.pipeline, poll, records)
        if self._stopping or not self.subscriber.running:  # commit before the consumer closes
            await self._settled()
        self.chain.recover()

    async def _parse(
        self, pipeline: Runner, poll: Poll, records: Sequence[ConsumerRecord[bytes, bytes]]
    ) -> None:
        """One child: the handler returns once it has parsed the poll (and the poll before
        this one is committed), so it parses the next poll while this one is published."""
        previous = self.chain.last_commit
        try:
            result = await self._in_nlp_thread(pipeline.process, poll)
        except Exception:
            # Nothing of this poll is committed: wait for the chain, then read it again.
            await self.chain.settled()
            self.chain.reread_open("the pipeline failed")
            raise
        self._parsed(poll, result)
        if len(result.outcomes) < len(records):
            self._rewind(records[len(result.outcomes) :])
        self.chain.close(poll, len(result.outcomes))
        # Back-pressure and failures: the poll before this one is committed by now, mostly.
        if previous is not None and not await self.chain.settled(previous):
            await self.chain.settled()

    async def _hand_out(
        self, pool: HandsOut, poll: Poll, records: Sequence[ConsumerRecord[bytes, bytes]]
    ) -> None:
        """Several children: the handler returns once every article of the poll is taken by
        one, so the next poll is fetched while the last pieces of this one are parsed and no
        child waits for another. The poll's commit follows its last outcome (the chain)."""
        loop = asyncio.get_running_loop()
        # A full poll: the consumer is behind, the next poll follows at once (`piece_size`).
        full = len(records) >= self.settings.batch_max_records
        handout = await self._in_nlp_thread(functools.partial(pool.submit, more=full), poll)
        if handout.taken < len(records):
            self._rewind(records[handout.taken :])
        self.chain.close(poll, handout.taken)
        ended: asyncio.Future[None] = loop.create_future()
        self._parsing.add(ended)
        ended.add_done_callback(self._parsing.discard)

        def end(done: Handout) -> None:  # on the event loop, after the poll's outcomes
            if done.error is not None:
                if not poll.abandoned:
                    self.chain.fail(done.error)
            else:
                self._parsed(poll, done.result())
            ended.set_result(None)

        def ended_in_pool(done: Handout) -> None:  # in a pool thread
            loop.call_soon_threadsafe(end, done)

        pool.when_ended(handout, ended_in_pool)
        # Back-pressure: at most the poll before this one is still being parsed or published.
        previous, self._last_handout = self._last_handout, (poll, ended)
        if previous is not None:
            before, before_ended = previous
            await before_ended
            if before.commit is not None and not await self.chain.settled(before.commit):
                await self.chain.settled()

    async def _in_nlp_thread(self, call: Callable[..., _T], poll: Poll) -> _T:
        """`call(poll's messages)` under the time budget, off the event loop; the chain hears
        each outcome as the runner reports it."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._nlp_thread,
            functools.partial(
                call,
                poll.raws,
                budget_s=self.settings.batch_time_budget_s,
                progress=self.chain.progress(poll, loop),
            ),
        )

    def _parsed(self, poll: Poll, result: BatchResult) -> None:
        """A poll's parse is over: its stage times, and the outcomes a runner did not report
        as it went (the in-process runner of the tests)."""
        for stage, seconds in result.stage_seconds.items():
            metrics.STAGE_SECONDS.labels(stage).observe(seconds)
        if poll.abandoned:
            return
        for index, outcome in enumerate(result.outcomes):
            if poll.outputs[index] is None:
                self.chain.finished(poll, index, outcome)

    async def _settled(self, timeout: float | None = None) -> bool:
        """Every poll parsed, then every output acknowledged and every commit made."""
        if self._parsing:
            await asyncio.wait(set(self._parsing), timeout=timeout)
        return await self.chain.settled(timeout=timeout)

    async def drain(self) -> None:
        """A stopping worker: wait for the batch being handled, then until every output in
        flight is acknowledged and committed; from now on each batch settles before its
        handler returns (FastStream waits for that handler before it closes the consumer)."""
        self._stopping = True
        timeout = self.settings.drain_timeout_s
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)
        await self._settled(timeout=timeout)

    async def _before_revoke(self) -> None:
        """Commit what is published before the partitions go, within the rebalance's time."""
        await self._settled(timeout=self.settings.rebalance_timeout_ms / 2000)

    def _rewind(self, unprocessed: Sequence[ConsumerRecord[bytes, bytes]]) -> None:
        """Seek back to the first record the time budget left over, so the next poll reads it.

        The batch lists each partition's records in order, so the left-over part of a partition
        is a suffix of it: the commit (of the done records' offsets) stops right before it.
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
        The fetch guard commits past the batch on return, so the outputs of the records before
        it are acknowledged and committed first (the output chain settles).
        """
        if not await self.chain.settled():
            raise RuntimeError("earlier outputs are not acknowledged; the batch waits")
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
        if isinstance(self.pipeline, IsolatedPipeline | PooledPipeline):
            self.pipeline.close()  # the child processes that hold the model
        self.tracing.shutdown()
        if self.pipeline.stories is not None:
            self.pipeline.stories.close()

    async def started(self) -> None:
        """Guard the consumer's reads, sample lag and stalls, then say the worker is ready."""
        consumer = self.subscriber.consumer
        assert consumer is not None, "started after the subscriber"
        guarded = FetchGuard(consumer, self.stalls, on_undecodable=self.dead_letter_batch)
        guarded.install()

        async def getmany(*partitions: TopicPartition, **options: Any) -> Any:
            self.chain.recover()  # a poll that failed while no handler ran is read again first
            return await guarded.getmany(*partitions, **options)

        consumer.getmany = getmany
        self._sampling = asyncio.create_task(self.lag.run(also=self._process_sampler.sample))
        if self._on_ready is not None:
            self._on_ready()
