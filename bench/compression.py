"""Bytes on the wire per codec for the service's own records (issue 14: the default codec).

Usage: compression.py [--input FILE ...] [--per-batch N ...]. Runs the pipeline on the given
Articles (JSON Lines; default samples/articles.jsonl), then builds Kafka v2 record batches of
the published records exactly as the producer does (aiokafka's batch builder, with the
service's headers) for each codec, and prints the batch bytes, the ratio to uncompressed, and
the median time to build one batch.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from aiokafka.record.default_records import DefaultRecordBatchBuilder  # noqa: E402

from service.config import Settings  # noqa: E402
from service.kafka.headers import record_headers  # noqa: E402
from service.models import ArticleRecord  # noqa: E402
from service.pipeline import Pipeline, RawMessage, serialize  # noqa: E402

__all__ = ["main"]

#: Kafka's codec ids (the `attributes` bits of a record batch).
CODECS = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}


def records_of(paths: list[Path]) -> list[tuple[bytes, bytes, list[tuple[str, bytes]]]]:
    """(key, value, headers) of every record the pipeline makes from the given articles."""
    settings = Settings()
    pipeline = Pipeline(settings)
    out = []
    for path in paths:
        lines = [line for line in path.read_bytes().splitlines() if line.strip()]
        result = pipeline.process([RawMessage(value=line) for line in lines])
        for outcome in result.outcomes:
            if isinstance(outcome, ArticleRecord):
                headers = [(k, v.encode()) for k, v in record_headers(outcome, settings).items()]
                out.append((outcome.article_id.encode(), serialize(outcome), headers))
    return out


def batch_bytes(
    records: list[tuple[bytes, bytes, list[tuple[str, bytes]]]], codec: int
) -> tuple[int, float]:
    """Size of the record batch and the seconds it took to build (compress) it."""
    builder = DefaultRecordBatchBuilder(2, codec, 0, -1, -1, -1, 16 * 1024 * 1024)
    started = time.perf_counter()
    for offset, (key, value, headers) in enumerate(records):
        builder.append(offset, 1_700_000_000_000, key, value, headers)
    size = len(builder.build())
    return size, time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", type=Path, action="append", default=None)
    parser.add_argument("--per-batch", type=int, action="append", default=None)
    args = parser.parse_args(argv)
    paths = args.input or [ROOT / "samples" / "articles.jsonl"]
    records = records_of(paths)
    raw = sum(len(value) for _, value, _ in records)
    print(
        f"{len(records)} records, {raw:,} bytes of JSON values, from {', '.join(map(str, paths))}"
    )
    print("| records per batch | codec | bytes | vs none | build ms per batch (median) |")
    print("|---:|---|---:|---:|---:|")
    for per_batch in args.per_batch or [1, 16]:
        groups = [records[i : i + per_batch] for i in range(0, len(records), per_batch)]
        sizes: dict[str, int] = {}
        for name, codec in CODECS.items():
            measured = [batch_bytes(group, codec) for group in groups for _ in range(3)]
            sizes[name] = sum(size for size, _ in measured) // 3
            ms = statistics.median(seconds for _, seconds in measured) * 1000
            ratio = sizes[name] / sizes["none"]
            print(f"| {per_batch} | {name} | {sizes[name]:,} | {ratio:.3f} | {ms:.3f} |")


if __name__ == "__main__":
    main()
