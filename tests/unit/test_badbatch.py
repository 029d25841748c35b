"""Locating and describing the record batch a partition is stuck at, from the raw bytes."""

from __future__ import annotations

import struct

import pytest
from recordbatches import CODECS, HEADER, batch, garbage_payload, with_crc

from service.kafka.badbatch import ReadableFirst, Undecodable, find_undecodable, raw_batches


class TestRawBatches:
    def test_header_fields_are_read_even_from_a_garbage_payload(self) -> None:
        """Base offset, last offset, record count and codec come from the header alone."""
        raw = garbage_payload(batch(40, count=5, codec="snappy"))
        (found,) = raw_batches(raw)
        assert (found.base_offset, found.last_offset, found.next_offset) == (40, 44, 45)
        assert (found.record_count, found.codec, found.magic) == (5, "snappy", 2)
        assert found.raw == raw

    def test_batches_are_split_and_a_cut_off_last_one_left_out(self) -> None:
        """A fetch response ends wherever max_bytes cut it; only complete batches count."""
        first, second = batch(0, 2), batch(2, 3)
        found = list(raw_batches(first + second[:-10]))
        assert [b.base_offset for b in found] == [0]
        assert [b.raw for b in raw_batches(first + second)] == [first, second]


class TestFindUndecodable:
    @pytest.mark.parametrize("codec", list(CODECS))
    def test_garbage_under_each_codec_is_the_culprit(self, codec: str) -> None:
        """CRC checks, payload does not decompress (or frame): one Undecodable, described."""
        raw = garbage_payload(batch(7, count=3, codec=codec))
        verdict = find_undecodable(raw, 7)
        assert isinstance(verdict, Undecodable)
        assert verdict.batch.raw == raw
        message = verdict.describe()
        assert f"offsets 7..9 (3 records, {codec})" in message
        assert "CRC32C checks" in message and verdict.cause in message

    def test_bad_record_framing_is_the_culprit(self) -> None:
        """Records claiming more bytes than the batch holds: the framing does not parse."""
        spoiled = bytearray(batch(0, count=2))
        spoiled[HEADER] = 0x7E  # the first record's length varint: 63, past its real end
        verdict = find_undecodable(with_crc(spoiled), 0)
        assert isinstance(verdict, Undecodable)
        assert "CorruptRecordException" in verdict.cause

    def test_an_unknown_codec_id_is_garbage(self) -> None:
        """Codec id 5 is no Kafka codec: dead-lettered, not waited for."""
        spoiled = bytearray(batch(3, count=1))
        struct.pack_into(">h", spoiled, 21, 5)
        verdict = find_undecodable(with_crc(spoiled), 3)
        assert isinstance(verdict, Undecodable)
        assert "unknown codec id 5" in verdict.describe()

    def test_a_crc_mismatch_is_not_judged(self) -> None:
        """Bytes damaged on the way may read fine on the next fetch: never dead-lettered."""
        spoiled = bytearray(garbage_payload(batch(0, codec="lz4")))
        spoiled[17] ^= 0xFF
        assert find_undecodable(bytes(spoiled), 0) is None

    def test_a_known_codec_without_its_library_is_not_judged(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Installing the codec cures it: the partition waits, visibly."""
        import aiokafka.codec

        raw = garbage_payload(batch(0, codec="snappy"))
        monkeypatch.setattr(aiokafka.codec, "has_snappy", lambda: False)
        assert find_undecodable(raw, 0) is None

    def test_good_batches_are_not_judged(self) -> None:
        """Everything decodes: the failure was elsewhere, so nothing is skipped."""
        assert find_undecodable(batch(0) + batch(3, codec="zstd"), 0) is None

    def test_readable_records_before_the_culprit_come_first(self) -> None:
        """Good batch, then garbage: read the good records (those at or after the position)."""
        good, bad = batch(10, count=4), garbage_payload(batch(14, count=2, codec="gzip"))
        assert find_undecodable(good + bad, 10) == ReadableFirst(4)
        assert find_undecodable(good + bad, 12) == ReadableFirst(2)  # 10, 11 already read
        verdict = find_undecodable(good + bad, 14)
        assert isinstance(verdict, Undecodable) and verdict.batch.base_offset == 14

    def test_records_before_a_crc_mismatch_come_first(self) -> None:
        """The good records pass; the damaged batch then stalls at its own offset."""
        spoiled = bytearray(garbage_payload(batch(3, codec="zstd")))
        spoiled[17] ^= 0xFF
        assert find_undecodable(batch(0) + bytes(spoiled), 0) == ReadableFirst(3)
        assert find_undecodable(batch(0) + bytes(spoiled), 3) is None

    def test_a_legacy_message_set_is_not_judged(self) -> None:
        """Magic 0/1 batches have another header: left to the stall, never skipped."""
        spoiled = bytearray(garbage_payload(batch(0)))
        spoiled[16] = 1
        assert find_undecodable(bytes(spoiled), 0) is None
