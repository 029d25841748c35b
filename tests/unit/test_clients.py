"""The plain Kafka clients' one failure mode: a cluster that does not answer, said plainly."""

from __future__ import annotations

import asyncio

import pytest

from service.kafka.clients import KafkaUnreachable, answer


async def _never() -> None:
    await asyncio.Event().wait()


async def _refused() -> None:
    raise ConnectionRefusedError("connection refused")


class TestAnswer:
    async def test_timeout_names_the_cluster(self) -> None:
        """A call that never returns becomes 'cannot connect ... timed out' after the limit."""
        with pytest.raises(KafkaUnreachable, match=r"cannot connect to Kafka at h:1: .*timed out"):
            await answer(_never(), "h:1", 0.05)

    async def test_error_names_its_type(self) -> None:
        """A failing call keeps its reason in the one-line message."""
        with pytest.raises(KafkaUnreachable, match="ConnectionRefusedError: connection refused"):
            await answer(_refused(), "h:1", 5)

    async def test_result_passes_through(self) -> None:
        """A call that answers in time returns its result."""
        assert await answer(asyncio.sleep(0, result=7), "h:1", 5) == 7
