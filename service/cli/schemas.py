"""`entity-service schemas`: regenerate the JSON Schemas and the AsyncAPI document."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from service.cli import PROJECT_ROOT

__all__ = ["register"]


def register(commands: Any) -> None:
    schemas = commands.add_parser("schemas", help="write the JSON Schemas and AsyncAPI document")
    schemas.add_argument("--output", default=str(PROJECT_ROOT / "schemas"))
    schemas.set_defaults(func=cmd_schemas)


def cmd_schemas(args: argparse.Namespace) -> int:
    from service.schemas import write_schemas

    for path in write_schemas(Path(args.output)):
        print(f"wrote {path}", file=sys.stderr)
    return 0
