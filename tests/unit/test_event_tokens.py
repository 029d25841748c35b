"""Tests for service.events.tokens: the doc's tokens read once, answering as spaCy's do."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from service.events.tokens import DocTokens, doc_tokens

if TYPE_CHECKING:
    from spacy.language import Language

Tree = Callable[..., Any]  # the `tree` fixture of tests/unit/conftest.py

_TEXT = (
    "KYIV, Oct. 18 (Reuters) - Russian forces shelled Kharkiv on Tuesday, officials said.  "
    "The talks between France and Spain, held from Oct. 8 to Oct. 13, ended without a deal.\n"
    "Germany sent 1,500 troops to Lithuania."
)


def _token(t: Any) -> tuple[Any, ...]:
    links = ([c.i for c in t.children], [s.i for s in t.subtree], t.sent.start, t.sent.end)
    return (t.i, t.text, t.lower_, t.tag_, t.dep_, t.ent_type_, t.is_alpha, t.head.i, *links)


def _sent(s: Any) -> tuple[Any, ...]:
    return (s.start, s.end, s.start_char, s.end_char, s.text, s.root.i, len(s),
            [(e.start, e.end, e.label_, e.text) for e in s.ents])  # fmt: skip


class TestDocTokens:
    """DocTokens gives the attributes, links and sentences spaCy's own objects give."""

    def test_parsed_doc(self, nlp: Language) -> None:
        """Every token and sentence of a parsed doc, spaces and entities included."""
        doc = nlp(_TEXT)
        tokens = DocTokens(doc)
        assert [_token(t) for t in tokens.tokens] == [_token(t) for t in doc]
        assert [_sent(s) for s in tokens.sents] == [_sent(s) for s in doc.sents]
        assert len(list(doc.sents)) == 3

    def test_literal_tree(self, tree: Tree) -> None:
        """A tree built from words and heads: children in document order, on both sides."""
        doc = tree("Spain , Italy and Greece condemned the attack on Cyprus",
                   heads=[5, 0, 0, 2, 2, 5, 7, 5, 7, 8],
                   deps=["nsubj", "punct", "conj", "cc", "conj", "ROOT", "det", "dobj", "prep",
                         "pobj"])  # fmt: skip
        tokens = DocTokens(doc)
        assert [_token(t) for t in tokens.tokens] == [_token(t) for t in doc]
        assert [c.text for c in tokens.tokens[5].children] == ["Spain", "attack"]

    def test_root_head_is_another_object(self, tree: Tree) -> None:
        """As with spaCy, a root's head is equal to the root but never the same object, so a
        walk up the heads that tests `token.head is token` behaves as it does on spaCy's."""
        doc = tree("troops crossed", heads=[1, 1], deps=["nsubj", "ROOT"])
        root = DocTokens(doc).tokens[1]
        assert root.head is not root and root.head.head is not root.head
        assert (root.head.i, root.head.text, root.head.dep_) == (1, "crossed", "ROOT")
        assert doc[1].head is not doc[1]

    def test_close_lets_go(self, tree: Tree) -> None:
        """After close() nothing is left for the cycle collector."""
        doc = tree("troops crossed the river", heads=[1, 1, 3, 1],
                   deps=["nsubj", "ROOT", "det", "dobj"])  # fmt: skip
        gc.collect()
        tokens = DocTokens(doc)
        tokens.close()
        del tokens
        assert gc.collect() == 0


class TestDocTokensBlock:
    """doc_tokens() pauses the cycle collector for the block and restores it after."""

    def test_collector_paused_and_restored(self, tree: Tree) -> None:
        """Enabled again after the block, paused inside it, left off if it was off."""
        doc = tree("a b", heads=[0, 0], deps=["ROOT", "dep"])
        assert gc.isenabled()
        with doc_tokens(doc) as tokens:
            assert not gc.isenabled()
            assert [t.text for t in tokens.tokens] == ["a", "b"]
        assert gc.isenabled()
        gc.disable()
        try:
            with doc_tokens(doc):
                pass
            assert not gc.isenabled()
        finally:
            gc.enable()

    def test_restored_on_error(self, tree: Tree) -> None:
        """An exception in the block still turns the collector back on."""
        doc = tree("a b", heads=[0, 0], deps=["ROOT", "dep"])
        try:
            with doc_tokens(doc):
                raise KeyError("boom")
        except KeyError:
            pass
        assert gc.isenabled()
