"""Digests of the records a pipeline makes, timing removed: proof that a refactor changed nothing.

Each output line (record or dead letter) is hashed without the fields that differ on every run
(processing.duration_ms, processing.processed_at, a dead letter's failed_at); everything else
must be byte-identical.

Usage:
  record_digest.py --input NAME=ARTICLES.jsonl ... --save FILE     run the pipeline, save digests
  record_digest.py --input NAME=ARTICLES.jsonl ... --check FILE    run it, compare with FILE
  record_digest.py --outputs NAME=RECORDS.jsonl[,DEAD.jsonl] ... --save FILE
                                                                   digests of saved outputs
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

__all__ = ["digest", "main"]

#: (parent field or None, field): what differs between two runs of the same pipeline.
TIMING_FIELDS = (("processing", "duration_ms"), ("processing", "processed_at"), (None, "failed_at"))

#: Per set: "records" and "dead_letters", each the list of digests in output order (hashes
#: only: the file holds nothing of the inputs).
Digests = dict[str, dict[str, list[str]]]
#: The same with each output's article id, for saying which one differs.
Found = dict[str, dict[str, list[tuple[str | None, str]]]]


def digest(line: bytes) -> tuple[str | None, str]:
    """(article id, SHA-256 of the output without its timing fields, serialised as it was)."""
    output = orjson.loads(line)
    for parent, name in TIMING_FIELDS:
        holder = output.get(parent) if parent else output
        if isinstance(holder, dict):
            holder.pop(name, None)
    return output.get("article_id"), hashlib.sha256(orjson.dumps(output)).hexdigest()


def digest_lines(lines: Iterable[bytes]) -> list[tuple[str | None, str]]:
    return [digest(line) for line in lines if line.strip()]


def run_pipeline(path: Path) -> tuple[list[bytes], list[bytes]]:
    """Records and dead letters of `entity-service process --workers 1` on one input file."""
    from service.config import Settings
    from service.models import ArticleRecord
    from service.pipeline import Pipeline, iter_lines, serialize

    settings = Settings(workers=1)
    pipeline = Pipeline(settings)  # a fresh pipeline per set, as one `process` run has
    messages = list(iter_lines(path.open("rb")))
    records: list[bytes] = []
    dead: list[bytes] = []
    size = settings.batch_max_records
    for start in range(0, len(messages), size):
        for outcome in pipeline.process(messages[start : start + size]).outcomes:
            (records if isinstance(outcome, ArticleRecord) else dead).append(serialize(outcome))
    return records, dead


def _pairs(values: Sequence[str]) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not name or not path:
            raise SystemExit(f"expected NAME=PATH, got {value!r}")
        pairs.append((name, path))
    return pairs


def collect(args: argparse.Namespace) -> Found:
    found: Found = {}
    for name, path in _pairs(args.outputs):
        records, _, dead = path.partition(",")
        found[name] = {
            "records": digest_lines(Path(records).read_bytes().splitlines()),
            "dead_letters": digest_lines(Path(dead).read_bytes().splitlines()) if dead else [],
        }
    for name, path in _pairs(args.input):
        outputs, dead_letters = run_pipeline(Path(path))
        found[name] = {"records": digest_lines(outputs), "dead_letters": digest_lines(dead_letters)}
    return found


def compare(expected: Digests, found: Found) -> bool:
    """Print 'N/M identical' per set and kind, and the ids that differ; True when all match."""
    same = True
    for name, kinds in found.items():
        if name not in expected:
            print(f"{name}: not in the digest file")
            same = False
            continue
        for kind, entries in kinds.items():
            wanted = expected[name].get(kind, [])
            differ = [
                f"#{i} {article_id}"
                for i, ((article_id, got), want) in enumerate(zip(entries, wanted, strict=False))
                if got != want
            ]
            total = max(len(entries), len(wanted))
            equal = min(len(entries), len(wanted)) - len(differ)
            print(f"{name} {kind}: {equal}/{total} identical")
            if equal != total:
                same = False
                print(f"  differ: {differ[:10]} (counts {len(entries)} now, {len(wanted)} saved)")
    return same


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", action="append", default=[], metavar="NAME=PATH")
    parser.add_argument("--outputs", action="append", default=[], metavar="NAME=OUT[,DLQ]")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--save", type=Path, help="write the digests to this file")
    mode.add_argument("--check", type=Path, help="compare with the digests in this file")
    args = parser.parse_args(argv)
    if not args.input and not args.outputs:
        parser.error("give at least one --input or --outputs")
    found = collect(args)
    if args.save:
        saved: Digests = orjson.loads(args.save.read_bytes()) if args.save.exists() else {}
        for name, kinds in found.items():
            saved[name] = {kind: [d for _, d in entries] for kind, entries in kinds.items()}
        options = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
        args.save.write_bytes(orjson.dumps(saved, option=options) + b"\n")
        print(f"wrote digests of {len(found)} sets to {args.save} ({len(saved)} in all)")
        return 0
    return 0 if compare(orjson.loads(args.check.read_bytes()), found) else 1


if __name__ == "__main__":
    sys.exit(main())
