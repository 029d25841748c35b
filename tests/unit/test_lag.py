"""Consumer lag and rebalances (service/kafka/lag.py): how lag and age are derived and reported."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from aiokafka import TopicPartition
from prometheus_client import REGISTRY

from service.kafka.lag import LagSampler, RebalanceCounter


def value(name: str, **labels: str) -> float:
    """A sample of the default registry, 0 when the series does not exist yet."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def consumer_record(partition: int, offset: int, timestamp_ms: int) -> SimpleNamespace:
    return SimpleNamespace(topic="in", partition=partition, offset=offset, timestamp=timestamp_ms)


class FakeConsumer:
    """What LagSampler reads of an aiokafka consumer: assignment, high watermark, committed."""

    def __init__(self, highwater: dict[int, int | None], committed: dict[int, int | None]) -> None:
        self._highwater = highwater
        self._committed = committed

    def assignment(self) -> set[TopicPartition]:
        return {TopicPartition("in", p) for p in self._highwater}

    def highwater(self, tp: TopicPartition) -> int | None:
        return self._highwater[tp.partition]

    async def committed(self, tp: TopicPartition) -> int | None:
        return self._committed[tp.partition]

    async def beginning_offsets(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        return dict.fromkeys(tps, 0)


class TestLagSampler:
    async def test_lag_is_highwater_minus_committed_never_negative(self) -> None:
        """Lag is end minus committed, 0 if the end lags behind, absent before a fetch."""
        consumer = FakeConsumer({0: 20, 1: 5, 2: None, 3: 9}, {0: 7, 1: 8, 2: 3, 3: None})
        samples = await LagSampler(lambda: consumer).sample()
        assert {s.partition: s.messages for s in samples} == {0: 13, 1: 0, 3: 9}
        assert value("entity_consumer_lag", topic="in", partition="0") == 13
        assert value("entity_consumer_lag", topic="in", partition="1") == 0

    async def test_age_from_the_batch_in_flight_then_zero_when_caught_up(self) -> None:
        """The oldest record of the batch in flight sets the age; a caught-up partition is 0."""
        consumer = FakeConsumer({0: 10}, {0: 8})
        sampler = LagSampler(lambda: consumer)
        old_ms = int((datetime.now(UTC).timestamp() - 30) * 1000)
        sampler.batch_started([consumer_record(0, 8, old_ms), consumer_record(0, 9, old_ms + 5000)])
        (sample,) = await sampler.sample()
        assert sample.oldest_age_s is not None and 29 < sample.oldest_age_s < 60
        sampler.batch_committed()
        consumer._committed[0] = 10
        (sample,) = await sampler.sample()
        assert sample.oldest_age_s == 0.0
        assert (
            value("entity_consumer_oldest_unprocessed_age_seconds", topic="in", partition="0") == 0
        )

    async def test_no_consumer_yet_no_samples(self) -> None:
        """Before the subscriber started there is nothing to sample."""
        assert await LagSampler(lambda: None).sample() == []


class TestRebalanceCounter:
    async def test_assignments_are_counted_and_partitions_tracked(self) -> None:
        """Each assignment counts one rebalance; the gauge follows revocations."""
        before = value("entity_consumer_rebalances_total")
        listener = RebalanceCounter(LagSampler(lambda: None))
        await listener.on_partitions_revoked(set())
        await listener.on_partitions_assigned({TopicPartition("in", 0), TopicPartition("in", 1)})
        assert value("entity_consumer_assigned_partitions") == 2
        await listener.on_partitions_revoked({TopicPartition("in", 1)})
        assert value("entity_consumer_assigned_partitions") == 1
        assert value("entity_consumer_rebalances_total") - before == 1

    async def test_revoked_partitions_report_zero(self) -> None:
        """A revoked partition's lag drops to 0 here, so only its new owner reports it."""
        consumer = FakeConsumer({5: 40}, {5: 10})
        sampler = LagSampler(lambda: consumer)
        await sampler.sample()
        assert value("entity_consumer_lag", topic="in", partition="5") == 30
        await RebalanceCounter(sampler).on_partitions_revoked({TopicPartition("in", 5)})
        assert value("entity_consumer_lag", topic="in", partition="5") == 0
        assert (
            value("entity_consumer_oldest_unprocessed_age_seconds", topic="in", partition="5") == 0
        )
