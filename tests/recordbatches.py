"""Real Kafka v2 record batches for both test tiers, spoiled as a bad producer would."""

from __future__ import annotations

import struct

from aiokafka.record.default_records import DefaultRecordBatchBuilder
from aiokafka.record.util import calc_crc32c

__all__ = ["CODECS", "HEADER", "batch", "garbage_payload", "with_crc"]

CODECS = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}
HEADER = 61  # the v2 batch header: the payload (records, maybe compressed) starts here


def batch(base_offset: int, count: int = 3, codec: str = "none") -> bytes:
    """A v2 record batch of `count` records, placed at `base_offset`."""
    builder = DefaultRecordBatchBuilder(
        magic=2,
        compression_type=CODECS[codec],
        is_transactional=False,
        producer_id=-1,
        producer_epoch=-1,
        base_sequence=-1,
        batch_size=1 << 20,
    )
    for i in range(count):
        value = b"value %d " % i * 30
        builder.append(i, timestamp=1_700_000_000_000 + i, key=b"k%d" % i, value=value, headers=[])
    raw = bytearray(builder.build())
    struct.pack_into(">q", raw, 0, base_offset)
    return bytes(raw)


def with_crc(raw: bytearray) -> bytes:
    """The CRC32C recomputed over attributes..end, as a producer writing these bytes would."""
    struct.pack_into(">I", raw, 17, calc_crc32c(bytes(raw[21:])))
    return bytes(raw)


def garbage_payload(raw: bytes) -> bytes:
    """The payload replaced by bytes that are no record data under any codec; CRC fixed."""
    spoiled = bytearray(raw)
    for i in range(HEADER, len(spoiled)):
        spoiled[i] = (spoiled[i] * 7 + 13) & 0xFF
    return with_crc(spoiled)
