"""A parsed doc's tokens and sentences as plain Python objects, read from spaCy's arrays once.

spaCy makes a new Token object on every access (`doc[i]`, `.head`, `.children`, iterating a
sentence) and looks each string up again, and the event coder's tree walks read the same few
hundred tokens thousands of times per article. `DocTokens` reads every attribute the coder uses
once per doc (`Doc.to_array`) and links the tokens to their head, children and sentence; `Tok`
and `Sent` answer to the names of spaCy's Token and Span, so every walk runs unchanged on either.
"""

from __future__ import annotations

import gc
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Final

import numpy as np

__all__ = ["DocTokens", "Sent", "Tok", "doc_tokens"]

#: the columns read: five strings (as hashes), then the head's offset, trailing space, is_alpha
_ATTRS: Final = ["ORTH", "LOWER", "TAG", "DEP", "ENT_TYPE", "HEAD", "SPACY", "IS_ALPHA"]
_STRINGS: Final = 5
#: spaCy string hash -> string, shared by every doc (a hash names the same string in any vocab)
_NAMES: dict[int, str] = {}
_NAMES_LIMIT: Final = 1 << 18  # words seen; beyond it the table starts again


class Tok:
    """One token: the attributes the coder reads, its head, its children (in document order,
    as spaCy gives them) and its sentence."""

    __slots__ = ("children", "dep_", "ent_type_", "head", "i", "is_alpha", "lower_", "sent",
                 "tag_", "text")  # fmt: skip

    head: Tok

    def __init__(  # one argument per column: map() builds the tokens from the columns
        self, i: int, text: str, lower: str, tag: str, dep: str, ent_type: str, alpha: bool,
        sent: Sent,
    ) -> None:  # fmt: skip
        self.i = i
        self.text = text
        self.lower_ = lower
        self.tag_ = tag
        self.dep_ = dep
        self.ent_type_ = ent_type
        self.is_alpha = alpha
        self.sent = sent
        self.children: list[Tok] = []

    @property
    def subtree(self) -> Iterator[Any]:
        """spaCy's own subtree (rarely read: the words of a number)."""
        return self.sent.doc[self.i].subtree  # type: ignore[no-any-return]

    def twin(self) -> Tok:
        """A copy standing for a root's head: spaCy's `root.head` is a new object equal to the
        root, never the root itself, and the walks' `token.head is token` tests rely on that."""
        twin = Tok(self.i, self.text, self.lower_, self.tag_, self.dep_, self.ent_type_,
                   self.is_alpha, self.sent)  # fmt: skip
        twin.children = self.children
        twin.head = self
        return twin


class Sent:
    """One sentence: its token range, characters, text, tokens and entities."""

    __slots__ = ("_ents", "doc", "end", "end_char", "start", "start_char", "text", "tokens")

    def __init__(self, span: Any, text: str, ents: _Ents) -> None:
        self.doc = span.doc
        self.start: int = span.start
        self.end: int = span.end
        self.start_char: int = span.start_char
        self.end_char: int = span.end_char
        self.text = text
        self.tokens: list[Tok] = []
        self._ents = ents

    def __iter__(self) -> Iterator[Tok]:
        return iter(self.tokens)

    def __len__(self) -> int:
        return len(self.tokens)

    @property
    def ents(self) -> list[Any]:
        """The doc's entities that fall within the sentence (spaCy's `Span.ents`)."""
        return self._ents.within(self.start, self.end)

    @property
    def root(self) -> Tok:
        """The sentence's root token (spaCy's `Span.root`)."""
        for token in self.tokens:
            if token.head.i == token.i:
                return token
        root: int = self.doc[self.start : self.end].root.i
        return self.tokens[root - self.start]


class _Ents:
    """The doc's entity spans, read once when a sentence first asks for its own."""

    __slots__ = ("_doc", "_ends", "_spans", "_starts")

    def __init__(self, doc: Any) -> None:
        self._doc = doc
        self._spans: tuple[Any, ...] | None = None
        self._starts: list[int] = []
        self._ends: list[int] = []

    def within(self, start: int, end: int) -> list[Any]:
        """The spans from the first that starts at `start` or later, up to the first that ends
        after `end` (as spaCy's `Span.ents` walks the doc's: in order, non-overlapping)."""
        if self._spans is None:
            self._spans = tuple(self._doc.ents)
            self._starts = [ent.start for ent in self._spans]
            self._ends = [ent.end for ent in self._spans]
        out = []
        for k in range(bisect_left(self._starts, start), len(self._spans)):
            if self._ends[k] > end:
                break
            out.append(self._spans[k])
        return out


class DocTokens:
    """Every token and sentence of a doc, built once per doc the coder reads; `close()` unlinks
    them (heads and children are cycles), so they are freed at once, not by the collector."""

    def __init__(self, doc: Any) -> None:
        table = doc.to_array(_ATTRS)  # uint64: hashes, and a head's offset as two's complement
        strings = table[:, :_STRINGS].T.tolist()
        columns = [_names(doc.vocab.strings, hashes) for hashes in strings]
        spaces = table[:, _STRINGS + 1].tolist()
        with_ws = [t + " " if s else t for t, s in zip(columns[0], spaces, strict=True)]
        ents = _Ents(doc)
        self.sents: list[Sent] = []
        of_token: list[Sent] = []
        for span in doc.sents:
            text = "".join(with_ws[span.start : span.end])
            if span.end > span.start and spaces[span.end - 1]:
                text = text[:-1]  # spaCy's Span.text leaves out the last token's space
            self.sents.append(Sent(span, text, ents))
            of_token += [self.sents[-1]] * (span.end - span.start)
        alpha = list(map(bool, table[:, _STRINGS + 2].tolist()))
        self.tokens = list(map(Tok, range(len(alpha)), *columns, alpha, of_token))
        self._roots = _link(self.tokens, table[:, _STRINGS].astype(np.int64).tolist())
        for sent in self.sents:
            sent.tokens = self.tokens[sent.start : sent.end]

    def close(self) -> None:
        """Unlinks the tokens from their children, sentences and twins and lets them go: they
        are freed here, by their reference counts."""
        for sent in self.sents:
            sent.tokens.clear()
        for token in self.tokens:
            token.children.clear()
        for root in self._roots:
            del root.head  # its twin's head is the root: a cycle
        self.tokens.clear()
        self.sents.clear()
        self._roots.clear()


@contextmanager
def doc_tokens(doc: Any) -> Iterator[DocTokens]:
    """The doc's tokens for the length of a with-block, freed at its end, with the cycle
    collector paused meanwhile: the table is a thousand linked objects that `close()` frees at
    once, and a collection while they live only moves them towards the full passes that, in a
    process holding a loaded model, cost more than coding the doc (about 1 ms an article)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        tokens = DocTokens(doc)
        try:
            yield tokens
        finally:
            tokens.close()
    finally:
        if enabled:
            gc.enable()


def _names(strings: Any, hashes: list[int]) -> list[str]:
    """The strings of a column of hashes, looked up in the vocab only the first time."""
    found = list(map(_NAMES.get, hashes))
    if None not in found:
        return found  # type: ignore[return-value]
    if len(_NAMES) > _NAMES_LIMIT:
        _NAMES.clear()
    for h in set(hashes).difference(_NAMES):
        _NAMES[h] = strings[h]
    return list(map(_NAMES.__getitem__, hashes))


def _link(tokens: list[Tok], offsets: Iterable[int]) -> list[Tok]:
    """Sets each token's head and children; a root's head is its twin. Returns the roots."""
    roots: list[Tok] = []
    for token, offset in zip(tokens, offsets, strict=True):
        if offset:
            head = tokens[token.i + offset]
            token.head = head
            head.children.append(token)
        else:
            token.head = token.twin()
            roots.append(token)
    return roots
