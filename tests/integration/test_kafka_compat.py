"""A lone consumer leaves its group on stop on the embedded broker too (generation 0)."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from support import Topics

from service.kafka.compat import leave_group_in_generation_zero


class TestLeaveGroupInGenerationZero:
    async def test_group_empty_after_lone_member_stops(self, kafka: str, topics: Topics) -> None:
        """Without the patch Tansu would keep listing the member; with it the group is empty."""
        leave_group_in_generation_zero()
        member = AIOKafkaConsumer(
            topics.input, bootstrap_servers=kafka, group_id=topics.group, session_timeout_ms=10_000
        )
        await member.start()
        while not member.assignment():
            await member.getmany(timeout_ms=200)
        generation = member._coordinator.generation
        await member.stop()
        admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
        await admin.start()
        try:
            (described,) = await admin.describe_consumer_groups([topics.group])
        finally:
            await admin.close()
        (_error, _group, state, *_rest, members) = described.groups[0][:6]
        assert generation == 0  # Tansu's first generation, where aiokafka skips LeaveGroup
        assert (state, list(members)) == ("Empty", [])
