"""Lag as the service measures it, checked against the real embedded broker's offsets."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from support import Topics, publish_async

from service.kafka.lag import LagSampler, partition_lag

# The consumer fixture lives on the session loop (asyncio_default_fixture_loop_scope).
pytestmark = pytest.mark.asyncio(loop_scope="session")

PRODUCED = 20
READ = 7


@pytest.fixture
async def consumer(kafka: str, topics: Topics) -> AsyncIterator[AIOKafkaConsumer]:
    """A group member that read the first 7 of 20 messages of partition 0 and committed them."""
    await publish_async(kafka, topics.input, [(b"k", b"m%d" % i) for i in range(PRODUCED)])
    member = AIOKafkaConsumer(
        bootstrap_servers=kafka,
        group_id=topics.group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await member.start()
    try:
        member.assign([TopicPartition(topics.input, p) for p in range(4)])
        read = 0
        deadline = time.monotonic() + 30
        while read < READ and time.monotonic() < deadline:
            batch = await member.getmany(timeout_ms=500, max_records=READ - read)
            read += sum(len(records) for records in batch.values())
        assert read == READ
        await member.commit()
        yield member
    finally:
        await member.stop()


def keyed_partition(member: AIOKafkaConsumer) -> TopicPartition:
    """The one partition the single key hashed to (the one with a high watermark above 0)."""
    (tp,) = [tp for tp in member.assignment() if (member.highwater(tp) or 0) > 0]
    return tp


class TestPartitionLag:
    async def test_lag_is_produced_minus_committed(self, consumer: AIOKafkaConsumer) -> None:
        """20 produced and 7 committed leave a lag of 13 on the real broker."""
        tp = keyed_partition(consumer)
        assert await consumer.committed(tp) == READ
        assert await partition_lag(consumer, tp) == PRODUCED - READ

    async def test_empty_partitions_have_no_lag(self, consumer: AIOKafkaConsumer) -> None:
        """Partitions that hold nothing report 0, not a negative number."""
        busy = keyed_partition(consumer)
        for tp in consumer.assignment() - {busy}:
            assert await partition_lag(consumer, tp) in (0, None)

    async def test_lag_drops_to_zero_once_all_committed(self, consumer: AIOKafkaConsumer) -> None:
        """After reading and committing the rest, the lag is 0."""
        tp = keyed_partition(consumer)
        deadline = time.monotonic() + 30
        while await consumer.position(tp) < PRODUCED and time.monotonic() < deadline:
            await consumer.getmany(tp, timeout_ms=500)
        await consumer.commit()
        assert await partition_lag(consumer, tp) == 0


class TestLagSampler:
    async def test_sample_reports_lag_and_age_of_the_batch(
        self, consumer: AIOKafkaConsumer
    ) -> None:
        """The sampler reports 13 behind, aged from the in-flight batch's record timestamps."""
        tp = keyed_partition(consumer)
        sampler = LagSampler(lambda: consumer)
        batch = await consumer.getmany(tp, timeout_ms=2000, max_records=3)
        records = batch[tp]
        sampler.batch_started(records)
        samples = {s.partition: s for s in await sampler.sample()}
        here = samples[tp.partition]
        assert here.messages == PRODUCED - READ
        assert here.oldest_age_s is not None
        assert 0 <= here.oldest_age_s < 60
        assert here.oldest_age_s >= time.time() - records[0].timestamp / 1000 - 1
