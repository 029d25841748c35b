"""Progress of a long run: a bar on a terminal; elsewhere only the command's summary line."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Protocol

from tqdm import tqdm

__all__ = ["Progress", "progress"]


class Progress(Protocol):
    def update(self, n: int = 1) -> object: ...

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> object: ...


@contextmanager
def progress(
    total: int | None, what: str, stream: IO[str] | None = None, unit: str = "msg"
) -> Iterator[Progress]:
    """A tqdm bar on stderr when it is a terminal; silent (disable=None) when it is not.

    Without a `total` it shows the count and rate, but no time left.
    """
    out = stream if stream is not None else sys.stderr
    with tqdm(total=total, desc=what, unit=unit, file=out, disable=None, leave=False) as bar:
        yield bar
