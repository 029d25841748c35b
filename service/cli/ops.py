"""`entity-service dlq stats | dlq redrive` and `entity-service replay`: the operator's tools."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

import orjson

from service.config import Settings
from service.kafka.clients import KafkaUnreachable
from service.ops.exits import Exit, OpsError

__all__ = ["register"]

_TIMEOUT_HELP = "seconds to wait for Kafka at each step (default 15)"


def register(commands: Any) -> None:
    """Add `dlq` (stats, redrive) and `replay` to the top-level subparsers."""
    dlq = commands.add_parser("dlq", help="dead letters: counts by error type, redrive")
    actions = dlq.add_subparsers(dest="dlq_command", required=True)

    stats = actions.add_parser("stats", help="dead letters by error.type: count, oldest, newest")
    stats.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    _window_options(stats)
    stats.set_defaults(func=cmd_dlq_stats)

    redrive = actions.add_parser(
        "redrive", help="send the originals of one error type back to the input topic"
    )
    redrive.add_argument("--error-type", required=True, help="the error.type to redrive")
    _window_options(redrive)
    redrive.add_argument("--dry-run", action="store_true", help="count only; send nothing")
    redrive.add_argument("--max", type=int, default=None, help="send at most N messages")
    redrive.set_defaults(func=cmd_dlq_redrive)

    replay = commands.add_parser(
        "replay", help="move the service's group back to a time, so articles are coded again"
    )
    replay.add_argument("--since", required=True, help="ISO-8601 time, e.g. 2026-12-01T21:30Z")
    replay.add_argument("--dry-run", action="store_true", help="print the plan; change nothing")
    replay.add_argument("--timeout", type=float, default=15.0, help=_TIMEOUT_HELP)
    replay.set_defaults(func=cmd_replay)


def _window_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", default=None, help="from this ISO-8601 time (failed_at)")
    parser.add_argument("--until", default=None, help="before this ISO-8601 time (failed_at)")
    parser.add_argument("--timeout", type=float, default=15.0, help=_TIMEOUT_HELP)


def _settings() -> Settings:
    from service.cli import settings_from

    return settings_from()


def _fail(args: argparse.Namespace, exc: OpsError | KafkaUnreachable) -> int:
    name = " ".join(filter(None, (args.command, getattr(args, "dlq_command", None))))
    print(f"entity-service {name}: error: {exc}", file=sys.stderr)
    return int(exc.code if isinstance(exc, OpsError) else Exit.UNAVAILABLE)


def cmd_dlq_stats(args: argparse.Namespace) -> int:
    from service.ops.dlq_stats import dlq_stats
    from service.ops.window import TimeWindow

    settings = _settings()
    try:
        window = TimeWindow.parse(args.since, args.until)
        stats = asyncio.run(dlq_stats(settings, window, args.timeout))
    except (OpsError, KafkaUnreachable) as exc:
        return _fail(args, exc)
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(stats.as_json()) + b"\n")
        sys.stdout.buffer.flush()
    else:
        print(stats.table())
    print(
        f"dlq stats: {stats.total} dead letters of {stats.scanned} on {settings.dlq_topic}",
        file=sys.stderr,
    )
    return int(Exit.OK)


def cmd_dlq_redrive(args: argparse.Namespace) -> int:
    from service.ops.redrive import check_error_type, redrive
    from service.ops.window import TimeWindow

    settings = _settings()
    try:
        if args.max is not None and args.max < 1:
            raise OpsError("--max must be at least 1")
        check_error_type(args.error_type)
        window = TimeWindow.parse(args.since, args.until)
        run = asyncio.run(
            redrive(
                settings,
                args.error_type,
                window=window,
                max_sends=args.max,
                dry_run=args.dry_run,
                timeout_s=args.timeout,
            )
        )
    except (OpsError, KafkaUnreachable) as exc:
        return _fail(args, exc)
    print(run.summary(), file=sys.stderr)
    return int(run.exit_code)


def cmd_replay(args: argparse.Namespace) -> int:
    from service.ops.replay import replay
    from service.ops.replay_plan import plan_table
    from service.ops.window import parse_instant

    settings = _settings()
    try:
        since = parse_instant(args.since, "--since")
        run = asyncio.run(replay(settings, since, dry_run=args.dry_run, timeout_s=args.timeout))
    except (OpsError, KafkaUnreachable) as exc:
        return _fail(args, exc)
    print(plan_table(run.plans))
    if args.dry_run:
        outcome = "dry run, nothing changed"
    elif run.committed_by is None:
        outcome = "nothing to move"
    else:
        outcome = f"committed ({run.committed_by})"
    print(
        f"replay {settings.group_id} since {since.isoformat()}: {run.recode} messages to "
        f"re-code on {len(run.plans)} partitions of {settings.input_topic}; {outcome}",
        file=sys.stderr,
    )
    return int(Exit.OK)
