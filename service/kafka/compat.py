"""aiokafka leaves a consumer group on stop only in generation > 0; the embedded Tansu's is 0.

Kafka numbers a group's first generation 1, so aiokafka's `generation > 0` test means "joined".
Tansu numbers it 0: a worker that never saw a rebalance then stops without LeaveGroup, and Tansu
(which does not expire sessions on its own) keeps listing it as a member until another one joins,
so `replay` would refuse forever and an outside offset commit is rejected. The patch sends the
same LeaveGroup for generation 0; for generations above 0 aiokafka's own code runs unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from aiokafka.consumer.group_coordinator import GroupCoordinator
from aiokafka.errors import KafkaError
from aiokafka.protocol.group import LeaveGroupRequest

__all__ = ["leave_group_in_generation_zero"]

log = logging.getLogger(__name__)

_Leave = Callable[[Any], Coroutine[Any, Any, None]]


def leave_group_in_generation_zero() -> None:
    """Patch GroupCoordinator once per process (idempotent)."""
    original: _Leave = GroupCoordinator._maybe_leave_group
    if getattr(original, "_entity_service_patched", False):
        return

    async def _maybe_leave_group(self: Any) -> None:
        if self.generation != 0 or self._group_instance_id is not None:
            await original(self)
            return
        try:
            await self._send_req(LeaveGroupRequest(self.group_id, self.member_id))
        except KafkaError as err:
            log.error("LeaveGroup request failed: %s", err)
        self.reset_generation()

    _maybe_leave_group._entity_service_patched = True  # type: ignore[attr-defined]
    GroupCoordinator._maybe_leave_group = _maybe_leave_group
