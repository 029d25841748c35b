"""Imports point down the tree: the transport and process management never reach up."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICE = Path(__file__).resolve().parents[2] / "service"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth of its code (lazy imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("kafka", ("service.ops", "service.cli", "service.app")),
        ("runtime", ("service.app", "service.cli", "service.kafka")),
    ],
)
def test_lower_layers_do_not_import_higher_ones(package: str, forbidden: tuple[str, ...]) -> None:
    """service/kafka/ and service/runtime/ import nothing from the layers that use them."""
    offenders = {
        f"{path.name}: {module}"
        for path in sorted((SERVICE / package).glob("*.py"))
        for module in imported_modules(path)
        if module.startswith(forbidden)
    }
    assert offenders == set()
