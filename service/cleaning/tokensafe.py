"""The text spaCy reads: the record's text with punctuation floods blanked, offsets unchanged.

spaCy's tokenizer peels prefixes and suffixes off a whitespace-free chunk one at a time, each
time re-reading the rest of the chunk, so a chunk of n punctuation marks (")" * 20000,
"a" + "'s" * 5000, emoji) costs n squared. Past the first `MAX_MARKS` marks of a chunk the
rest of it becomes spaces of the same length: every offset into the record's text stays valid,
ordinary words, URLs and numbers (a handful of marks each) are untouched.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["MAX_MARKS", "bound_mark_runs"]

#: Punctuation or symbol characters one chunk keeps; the tokenizer's cost per chunk grows with
#: this times the chunk's length, so the whole text costs at most this times its length.
MAX_MARKS: Final = 32

# A whitespace-free chunk long enough to hold more marks than allowed; the look-behind starts
# it at the chunk's first character, so each chunk is matched once.
_LONG_CHUNK: Final = re.compile(rf"(?<!\S)\S{{{MAX_MARKS + 1},}}")
_MARK: Final = re.compile(r"[^\w\s]")


def bound_mark_runs(text: str) -> str:
    """`text` with each chunk cut (to spaces) after its `MAX_MARKS`-th mark; same length."""
    pieces: list[str] = []
    done = 0
    for chunk in _LONG_CHUNK.finditer(text):
        marks = _MARK.finditer(text, chunk.start(), chunk.end())
        last = None
        for count, mark in enumerate(marks, start=1):
            if count == MAX_MARKS:
                last = mark
            elif count > MAX_MARKS:
                break
        else:
            continue  # MAX_MARKS or fewer: the chunk stays as it is
        assert last is not None
        cut = last.end()
        pieces.append(text[done:cut])
        pieces.append(" " * (chunk.end() - cut))
        done = chunk.end()
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)
