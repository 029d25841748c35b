"""The exact bytes a broker stores for a partition from an offset on: one Fetch request.

aiokafka keeps the bytes it fetched inside its compiled MemoryRecords, out of reach, and
decodes them lazily; to judge the batch a partition is stuck at (`badbatch`), the fetch guard
asks the partition's leader again, through the consumer's own client (same connection, TLS and
SASL), and reads the message set unparsed. Any failure gives None: the caller then does not
skip anything.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from aiokafka import TopicPartition
from aiokafka.errors import KafkaError
from aiokafka.protocol.fetch import FetchRequest

__all__ = ["FETCH_MAX_BYTES", "fetch_raw"]

log = logging.getLogger("entity_service.fetch")

#: Enough for the batch at the offset and the good ones before it (brokers return the first
#: batch whole even when it is larger, KIP-74); a batch cut off at the end is left unjudged.
FETCH_MAX_BYTES: Final = 8 * 1024 * 1024
_READ_UNCOMMITTED: Final = 0
#: The data is there (the consumer just failed on it), so a broker answers at once; a wait of
#: 0 is not safe: the embedded Tansu then answers with no partitions at all.
_MAX_WAIT_MS: Final = 500


async def fetch_raw(
    consumer: Any, tp: TopicPartition, offset: int, *, max_bytes: int = FETCH_MAX_BYTES
) -> bytes | None:
    """The partition's message set from `offset` as stored, or None when it cannot be had."""
    client = getattr(consumer, "_client", None)
    if client is None:
        return None
    node = client.cluster.leader_for_partition(tp)
    if node is None or node < 0:
        return None
    request = FetchRequest(
        _MAX_WAIT_MS,
        1,
        max_bytes,
        _READ_UNCOMMITTED,
        [(tp.topic, [(tp.partition, offset, max_bytes)])],
    )
    try:
        response = await client.send(node, request)
    except (KafkaError, OSError) as exc:
        log.warning("fetching %s partition %d at %d again failed: %s", *tp, offset, exc)
        return None
    for topic, partitions in response.topics:
        for partition, error_code, _highwater, *data in partitions:
            if (topic, partition) != (tp.topic, tp.partition):
                continue
            if error_code != 0 or not data or not data[-1]:
                return None
            return bytes(data[-1])
    return None
