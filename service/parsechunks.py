"""Long texts parsed in pieces and joined again: the same offsets, less time and memory.

spaCy's models look a few tokens around each one, so a text cut where a line or a sentence
ends parses as it would whole; but one very long Doc costs its components a fifth to a half
more time per token than the same text in pieces (large arrays; BENCHMARKS.md, issue 23), and
holds all of that memory at once. Texts up to `PARSE_CHUNK_CHARS` are parsed whole as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from service.entities.doctext import keep_text

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["PARSE_BATCH_PIECES", "PARSE_CHUNK_CHARS", "join_docs", "split_for_parse"]

#: Longer texts are parsed in pieces of about this many characters.
PARSE_CHUNK_CHARS: Final = 10_000
#: Pieces of one long text parsed together: 40,000 characters at a time cost the kernel a
#: tenth of the page faults of one batch of 200,000, and the same user time.
PARSE_BATCH_PIECES: Final = 4

_LINE_END = re.compile(r"\n\s*")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+")
_SPACE = re.compile(r"\s+")


def split_for_parse(text: str, size: int = PARSE_CHUNK_CHARS) -> list[str]:
    """Pieces whose concatenation is `text`, each at most about `size` characters.

    Each cut is after the last line break in the second half of the window, else after the
    last sentence end there, else after the last whitespace, else at `size` (one long word).
    """
    pieces: list[str] = []
    start = 0
    while len(text) - start > size:
        cut = _cut(text, start + size // 2, start + size)
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def _cut(text: str, low: int, high: int) -> int:
    for pattern in (_LINE_END, _SENTENCE_END, _SPACE):
        last = None
        for last in pattern.finditer(text, low, high):  # noqa: B007  # the last one is wanted
            pass
        if last is not None:
            return last.end()
    return high


def join_docs(docs: Sequence[Doc], text: str) -> Doc | None:
    """The pieces' Docs as one Doc of `text` (entities, parse and sentences kept), holding
    `text` for `doc_text`.

    None when the joined text is not `text` (then the caller parses it whole).
    """
    if len(docs) == 1:
        # spaCy's tokenizer keeps every character of what it read, so a Doc read from `text`
        # ends where `text` does (rebuilding Doc.text to compare costs 0.1 ms an article)
        doc = docs[0]
        end = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
        return keep_text(doc, text) if end == len(text) else None
    from spacy.tokens import Doc

    joined = Doc.from_docs(list(docs), ensure_whitespace=False)
    return keep_text(joined, text) if joined.text == text else None
