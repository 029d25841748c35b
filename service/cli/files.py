"""Files the commands read and write: `-` is stdin/stdout, a folder is .txt/.html articles."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import IO

import orjson

from service.cli import CliError
from service.deadletters import peek_article_id
from service.intake import read_json_lines
from service.kafka.clients import Message

__all__ = ["close_or_flush", "open_in", "open_out", "read_messages"]

_STANDARD = (sys.stdin.buffer, sys.stdout.buffer, sys.stderr.buffer)


def open_in(path: str) -> IO[bytes]:
    """The file to read (closed by the caller), stdin for `-`; a CliError when it cannot be."""
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from None


def open_out(path: str | None, default: IO[bytes]) -> IO[bytes]:
    """The file to write (closed by the caller), `default` for `-` or no path."""
    if path is None or path == "-":
        return default
    try:
        return open(path, "wb")
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from None


def close_or_flush(*handles: IO[bytes]) -> None:
    """Close what `open_in`/`open_out` opened; only flush stdin/stdout/stderr."""
    for handle in handles:
        if handle in _STANDARD:
            handle.flush()
        else:
            handle.close()


def read_messages(path: str) -> list[Message]:
    """(key, value) pairs: JSON Lines as they are (bad lines too), or a folder of .txt/.html."""
    folder = Path(path)
    if path != "-" and folder.is_dir():
        return _folder_messages(folder)
    with contextlib.ExitStack() as stack:
        source = open_in(path)
        if source is not sys.stdin.buffer:
            stack.enter_context(source)
        pairs: list[Message] = []
        for _, value in read_json_lines(source):
            article_id = peek_article_id(value)
            pairs.append((article_id.encode() if article_id else None, value))
        return pairs


def _folder_messages(folder: Path) -> list[Message]:
    messages: list[Message] = []
    for file in sorted(folder.iterdir()):
        if file.suffix.lower() not in (".txt", ".html", ".htm"):
            continue
        field = "text" if file.suffix.lower() == ".txt" else "html"
        body = file.read_text(encoding="utf-8", errors="replace")
        messages.append((file.stem.encode(), orjson.dumps({"id": file.stem, field: body})))
    if not messages:
        raise CliError(f"{folder} holds no .txt or .html files")
    return messages
