"""The Dockerfile read as instructions, for the deployment tests of both tiers."""

from __future__ import annotations

import shlex
from pathlib import Path

__all__ = ["DOCKERFILE", "copy_sources", "dockerfile_instructions"]

DOCKERFILE = Path(__file__).resolve().parents[1] / "Dockerfile"


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    joined: list[str] = []
    current = ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        joined.append(current + stripped)
        current = ""
    assert not current, "the Dockerfile ends in a continuation line"
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1]) for text in joined]


def copy_sources() -> list[str]:
    """The build-context paths the Dockerfile copies (COPY without --from)."""
    sources: list[str] = []
    for name, args in dockerfile_instructions():
        words = shlex.split(args)
        if name == "COPY" and not any(word.startswith("--from") for word in words):
            sources += [word for word in words[:-1] if not word.startswith("--")]
    return sources
