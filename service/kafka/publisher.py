"""Publishing a batch's outputs: headers, trace context, retries with capped backoff.

No endless retry: a record the broker or producer refuses for good becomes a dead letter at
once; other failures are retried up to a bound, then the partition is reported stalled.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aiokafka import TopicPartition
from aiokafka import errors as kafka_errors
from faststream.kafka.publisher.usecase import DefaultPublisher

from service.config import Settings
from service.deadletters import dead_letter_for
from service.errors import Rejected
from service.intake import RawMessage
from service.kafka.headers import dead_letter_headers, record_headers, redrive_count_header
from service.kafka.stall import StallWatcher
from service.kafka.telemetry import Tracing
from service.models import ArticleRecord
from service.outcomes import Outcome, serialize

__all__ = ["Output", "OutputPublisher", "unhealable"]

log = logging.getLogger("entity_service")


#: Broker and producer errors that the same message meets on every retry.
_TOO_LARGE = (kafka_errors.MessageSizeTooLargeError, kafka_errors.RecordListTooLargeError)
_REFUSED = (
    kafka_errors.CorruptRecordException,
    kafka_errors.InvalidTimestampError,
    kafka_errors.UnsupportedForMessageFormatError,
    kafka_errors.TopicAuthorizationFailedError,
    kafka_errors.ClusterAuthorizationFailedError,
    kafka_errors.TransactionalIdAuthorizationFailed,
)
_INVALID_RECORD = 87  # INVALID_RECORD: the broker's validation refused the record


def unhealable(error: BaseException) -> str | None:
    """The dead-letter type of a publish error that retrying cannot heal, else None."""
    if isinstance(error, _TOO_LARGE):
        return "record_too_large"
    if isinstance(error, _REFUSED) or getattr(error, "errno", None) == _INVALID_RECORD:
        return "publish_refused"
    return None


def _partitions(outputs: Iterable[Output]) -> set[TopicPartition]:
    """The input partitions the outputs were read from."""
    return {
        TopicPartition(o.raw.topic, o.raw.partition)
        for o in outputs
        if o.raw.topic is not None and o.raw.partition is not None
    }


@dataclass(frozen=True, slots=True)
class Output:
    """One outcome to publish, with the input it came from and that input's trace context."""

    raw: RawMessage
    outcome: Outcome
    trace: dict[str, str]


class OutputPublisher:
    """Records to one topic, dead letters to another; a failed publish is retried, not lost.

    An error that cannot heal by retrying (too large, an invalid record, no authorization)
    turns a record into a dead letter at once; any other is retried with capped backoff,
    and past the bound the input partitions of what failed are reported stalled.
    """

    def __init__(
        self,
        settings: Settings,
        records: DefaultPublisher,
        dead_letters: DefaultPublisher,
        tracing: Tracing,
        stalls: StallWatcher | None = None,
    ) -> None:
        self.settings = settings
        self._records = records
        self._dead_letters = dead_letters
        self._tracing = tracing
        self._stalls = stalls if stalls is not None else StallWatcher(float("inf"))
        self._failures = 0

    async def publish(self, outputs: Sequence[Output]) -> list[Outcome]:
        """Publish all outputs; returns what was published for each (a record or its dead letter).

        Transient failures are retried with capped exponential backoff. After
        ``max_poll_interval/2`` of them the partitions are reported stalled and it raises:
        FastStream then seeks back to the batch start without committing, and the next attempt
        waits first, so there is no hot loop.
        """
        if self._failures:
            await asyncio.sleep(self._backoff(self._failures))
        current = list(outputs)
        pending = list(range(len(current)))
        give_up_at = time.monotonic() + self.settings.max_poll_interval_ms / 2000
        while True:
            results = await asyncio.gather(
                *(self._publish_one(current[i]) for i in pending), return_exceptions=True
            )
            transient: list[tuple[int, BaseException]] = []
            rerouted: list[int] = []
            for i, result in zip(pending, results, strict=True):
                if not isinstance(result, BaseException):
                    continue
                instead = self._dead_letter_instead(current[i], result)
                if instead is None:
                    transient.append((i, result))
                else:
                    current[i] = instead
                    rerouted.append(i)
            pending = [i for i, _ in transient] + rerouted
            if not pending:
                self._failures = 0
                self._stalls.published(_partitions(outputs))
                return [output.outcome for output in current]
            if not transient:
                continue  # the dead letters that replace refused records go out at once
            self._failures += 1
            delay = self._backoff(self._failures)
            log.warning(
                "publishing %d of %d outputs failed (%s); retry %d in %.2fs",
                len(transient),
                len(outputs),
                transient[0][1],
                self._failures,
                delay,
            )
            if time.monotonic() > give_up_at:
                self._stalls.publish_failed(
                    _partitions(current[i] for i, _ in transient), transient[0][1]
                )
                raise RuntimeError("outputs could not be published; the batch will be re-read")
            await asyncio.sleep(delay)

    def _dead_letter_instead(self, output: Output, error: BaseException) -> Output | None:
        """The dead letter a record becomes when the broker or producer refuses it for good.

        None when retrying may help, or when what failed is a dead letter already (it has
        nowhere else to go: it is retried, and its partition reported stalled in the end).
        """
        record = output.outcome
        error_type = unhealable(error)
        if error_type is None or not isinstance(record, ArticleRecord):
            return None
        size = len(serialize(record))
        message = (
            f"the record of {size} bytes was refused: {type(error).__name__}: {error}"
            if error_type == "publish_refused"
            else f"the record is {size} bytes; the producer limit (ENTITY_KAFKA_MAX_REQUEST_SIZE) "
            f"is {self.settings.kafka_max_request_size} bytes with key and headers, or the "
            f"broker's max.message.bytes is lower: {type(error).__name__}: {error}"
        )
        log.error("article %s: %s; dead-lettered as %s", record.article_id, message, error_type)
        dead = dead_letter_for(
            output.raw,
            Rejected(error_type, message[:1000]),
            max_original_bytes=self.settings.dlq_original_max_bytes,
            article_id=record.article_id,
        )
        return Output(output.raw, dead, output.trace)

    def _backoff(self, failures: int) -> float:
        delay = min(
            self.settings.publish_retry_initial_s * 2 ** (failures - 1),
            self.settings.publish_retry_max_s,
        )
        return float(delay * random.uniform(0.8, 1.2))

    async def _publish_one(self, output: Output) -> None:
        """One output, under its input's trace context when tracing is on.

        Each call runs in its own task (gather), so the attached context is this output's only.
        """
        outcome = output.outcome
        with self._tracing.continued(output.trace):
            if isinstance(outcome, ArticleRecord):
                headers = record_headers(outcome, self.settings, output.trace)
                await self._records.publish(
                    serialize(outcome),
                    key=outcome.article_id.encode(),
                    headers=headers,
                    correlation_id=headers["ce_id"],
                )
            else:
                headers = dead_letter_headers(outcome, self.settings, output.trace)
                # so `dlq redrive` counts the round trips of a message (no redrive loops)
                headers.update(redrive_count_header(output.raw.headers))
                await self._dead_letters.publish(
                    serialize(outcome),
                    key=output.raw.key,
                    headers=headers,
                    correlation_id=headers["ce_id"],
                )
