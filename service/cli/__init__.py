"""The `entity-service` command: the parser, `main`, and the one way a command fails.

Each command group is a module with `register(subparsers)`; `COMMAND_GROUPS` lists them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from service.config import Settings
from service.kafka.clients import KafkaUnreachable

__all__ = ["COMMAND_GROUPS", "PROJECT_ROOT", "CliError", "build_parser", "main", "settings_from"]

PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: Modules with a `register(subparsers)`, in the order `--help` lists them; one line each.
COMMAND_GROUPS = (
    "service.cli.run",
    "service.cli.process",
    "service.cli.topics",
    "service.cli.broker",
    "service.cli.demo",
    "service.cli.schemas",
    "service.cli.ui",
    "service.cli.ops",
)


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def settings_from(**overrides: Any) -> Settings:
    """Settings from the environment with the command's options on top, all validated."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        # Not str(exc): pydantic quotes the input values, and they hold the SASL password.
        reasons = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}"
            for e in exc.errors(include_input=False, include_url=False)
        )
        raise CliError(f"invalid configuration: {reasons}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="entity-service",
        description="Raw news articles in; entities and PLOVER events out, over Kafka.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_GROUPS:
        importlib.import_module(name).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except (CliError, KafkaUnreachable) as exc:
        print(f"entity-service {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
