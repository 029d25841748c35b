"""Which record batch a partition is stuck at, and whether it can be skipped as a dead letter.

A Kafka v2 record batch keeps its header outside the compressed payload: base offset, length,
magic, a CRC32C over everything after the CRC field, attributes (the codec in bits 0-2) and the
last offset delta. So even when the payload is garbage the batch is known by its offsets, and
its CRC tells whether these are the bytes the producer wrote: a batch whose CRC checks but that
the client cannot decode (a payload that does not decompress under its codec, record framing
that does not parse) is the same on every fetch, on every client, forever, and skipping it as
one dead letter is the only way the partition moves.

What is not judged here, and so keeps stalling the partition visibly (see `fetchguard`):
- a CRC mismatch: the bytes may have been damaged on the way, a fetch again may cure it;
- a known codec (gzip, snappy, lz4, zstd) whose library is missing: installing it cures it;
- legacy (v0/v1) message sets, a batch cut off at the end of the fetched bytes, a batch that
  decodes fine (the failure was elsewhere), and running out of memory while decoding.

An unknown codec id (5-7 in the attribute bits) counts as garbage: Kafka defines ids 0-4 only,
its brokers refuse other ids on produce, and a codec added later is served only to clients
that ask with a newer Fetch version (as zstd was gated behind Fetch v10), so a CRC-checked
batch with such an id that reached this client is a producer's bug that no installed library
or upgrade of ours will read.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from aiokafka import codec as codecs
from aiokafka.errors import UnsupportedCodecError
from aiokafka.record.default_records import DefaultRecordBatch

__all__ = ["RawBatch", "ReadableFirst", "Undecodable", "find_undecodable", "raw_batches"]

# BaseOffset, Length, PartitionLeaderEpoch, Magic, CRC, Attributes, LastOffsetDelta,
# FirstTimestamp, MaxTimestamp, ProducerId, ProducerEpoch, BaseSequence, RecordCount
_HEADER: Final = struct.Struct(">qiibIhiqqqhii")
_LOG_OVERHEAD: Final = 12  # base offset and length: the length counts the bytes after them
_CODECS: Final = {0: "none", 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd"}
_LIBRARIES: Final = {1: "has_gzip", 2: "has_snappy", 3: "has_lz4", 4: "has_zstd"}
_CODEC_MASK: Final = 0x07
_CONTROL: Final = 0x20
_CAUSE_CHARS: Final = 300


@dataclass(frozen=True, slots=True)
class RawBatch:
    """One complete record batch as the broker stores it, with what its header says."""

    raw: bytes
    base_offset: int
    last_offset: int
    magic: int
    codec_id: int
    record_count: int
    control: bool

    @property
    def next_offset(self) -> int:
        return self.last_offset + 1

    @property
    def codec(self) -> str:
        return _CODECS.get(self.codec_id, f"unknown codec id {self.codec_id}")


@dataclass(frozen=True, slots=True)
class Undecodable:
    """The batch the partition is stuck at: its CRC checks, its content cannot be decoded."""

    batch: RawBatch
    cause: str  # the decoder's exception, "Type: message"

    def describe(self) -> str:
        """The dead letter's `error.message`: codec, offset range, record count, cause."""
        b = self.batch
        count = f"{b.record_count} records" if b.record_count >= 0 else "record count unknown"
        return (
            f"record batch at offsets {b.base_offset}..{b.last_offset} ({count}, {b.codec}) "
            f"cannot be decoded although its CRC32C checks (the broker's bytes; every fetch "
            f"gives the same): {self.cause}"
        )


@dataclass(frozen=True, slots=True)
class ReadableFirst:
    """Decodable records come before the undecodable batch: read exactly these first."""

    records: int


def raw_batches(buffer: bytes) -> Iterator[RawBatch]:
    """The complete batches of a fetched message set, in order; a cut-off last one is left out.

    Legacy (magic 0/1) entries are yielded too (their header fields other than the offsets and
    magic mean something else), so that the caller can refuse to judge them.
    """
    position = 0
    while position + _LOG_OVERHEAD <= len(buffer):
        base_offset, length = struct.unpack_from(">qi", buffer, position)
        end = position + _LOG_OVERHEAD + length
        if length < 0 or end > len(buffer):
            return
        raw = bytes(buffer[position:end])
        position = end
        if len(raw) < _HEADER.size:
            magic = raw[16] if len(raw) > 16 else -1
            yield RawBatch(raw, base_offset, base_offset, magic, 0, -1, control=False)
            continue
        _, _, _, magic, _, attributes, last_delta, _, _, _, _, _, count = _HEADER.unpack_from(raw)
        yield RawBatch(
            raw,
            base_offset,
            base_offset + last_delta if magic >= 2 else base_offset,
            magic,
            attributes & _CODEC_MASK,
            count if magic >= 2 else -1,
            control=bool(attributes & _CONTROL) and magic >= 2,
        )


def find_undecodable(buffer: bytes, position: int) -> Undecodable | ReadableFirst | None:
    """Judge the bytes fetched at `position`: the batch that cannot be decoded, or None.

    Walks the batches from `position` on and decodes each with aiokafka's own decoder (the one
    that failed in the consumer). The first that fails is the culprit. When records of good
    batches precede it (or precede a batch this module does not judge, which then stalls at its
    own offset), those must be read first: `ReadableFirst`. None means "do not skip": no
    culprit found, or one this module does not judge (see the module docstring).
    """
    readable = 0
    for batch in raw_batches(buffer):
        if batch.next_offset <= position:
            continue  # wholly before the position (a fetch starts at the batch holding it)
        try:
            records = _readable_records(batch, position)
        except MemoryError:
            return _unjudged(readable)
        except Exception as exc:  # any decoder failure on CRC-checked bytes is deterministic
            return _culprit(batch, exc, readable)
        if records is None:
            return _unjudged(readable)
        readable += records
    return None


def _readable_records(batch: RawBatch, position: int) -> int | None:
    """How many records the batch yields from `position` on; None: not ours to judge.

    Raises what aiokafka's decoder raises for a batch that is garbage.
    """
    if batch.magic != 2 or len(batch.raw) < _HEADER.size:
        return None
    decoder = DefaultRecordBatch(batch.raw)
    if not decoder.validate_crc() or not _library_present(batch.codec_id):
        return None
    try:
        return 0 if batch.control else sum(1 for r in decoder if r.offset >= position)
    except UnsupportedCodecError:
        if batch.codec_id in _CODECS:
            return None  # a known codec without its library: fixable, not garbage
        raise


def _unjudged(readable: int) -> ReadableFirst | None:
    """A batch this module does not skip: let the records before it through, then it stalls."""
    return ReadableFirst(readable) if readable else None


def _library_present(codec_id: int) -> bool:
    """Whether aiokafka can decompress this known codec here (unknown ids: no library helps)."""
    check = _LIBRARIES.get(codec_id)
    return check is None or bool(getattr(codecs, check)())


def _culprit(batch: RawBatch, exc: Exception, readable: int) -> Undecodable | ReadableFirst:
    if readable:
        return ReadableFirst(readable)
    cause = f"{type(exc).__name__}: {exc}"
    if len(cause) > _CAUSE_CHARS:
        cause = cause[: _CAUSE_CHARS - 3] + "..."
    return Undecodable(batch, cause)
