"""Publishing a batch's outputs: headers, trace context, retries with capped backoff."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

from faststream.kafka.publisher.usecase import DefaultPublisher

from service.config import Settings
from service.intake import RawMessage
from service.kafka.headers import dead_letter_headers, record_headers, redrive_count_header
from service.kafka.telemetry import Tracing
from service.models import ArticleRecord
from service.outcomes import Outcome, serialize

__all__ = ["Output", "OutputPublisher"]

log = logging.getLogger("entity_service")


@dataclass(frozen=True, slots=True)
class Output:
    """One outcome to publish, with the input it came from and that input's trace context."""

    raw: RawMessage
    outcome: Outcome
    trace: dict[str, str]


class OutputPublisher:
    """Records to one topic, dead letters to another; a failed publish is retried, not lost."""

    def __init__(
        self,
        settings: Settings,
        records: DefaultPublisher,
        dead_letters: DefaultPublisher,
        tracing: Tracing,
    ) -> None:
        self.settings = settings
        self._records = records
        self._dead_letters = dead_letters
        self._tracing = tracing
        self._failures = 0

    async def publish(self, outputs: Sequence[Output]) -> None:
        """Publish all outputs; retry the failed ones with capped exponential backoff.

        After ``max_poll_interval/2`` of failures it raises: FastStream then seeks back to the
        batch start without committing, and the next attempt waits first, so there is no hot loop.
        """
        if self._failures:
            await asyncio.sleep(self._backoff(self._failures))
        pending = list(outputs)
        give_up_at = time.monotonic() + self.settings.max_poll_interval_ms / 2000
        while True:
            results = await asyncio.gather(
                *(self._publish_one(output) for output in pending), return_exceptions=True
            )
            failed = [
                (output, result)
                for output, result in zip(pending, results, strict=True)
                if isinstance(result, BaseException)
            ]
            if not failed:
                self._failures = 0
                return
            self._failures += 1
            pending = [output for output, _ in failed]
            delay = self._backoff(self._failures)
            log.warning(
                "publishing %d of %d outputs failed (%s); retry %d in %.2fs",
                len(failed),
                len(outputs),
                failed[0][1],
                self._failures,
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
