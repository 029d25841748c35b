"""Tests for service.events.tree: dependency-tree walks, on literal trees (no model)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from service.events.tree import (
    children,
    np_tokens,
    passive_participle,
    phrase_tokens,
    with_conjuncts,
)

Tree = Callable[..., Any]  # the `tree` fixture of tests/unit/conftest.py

_CONJ: dict[str, Any] = {
    "text": "Spain , Italy and Greece condemned the attack on Cyprus",
    "heads": [5, 0, 0, 2, 2, 5, 7, 5, 7, 8],
    "deps": ["nsubj", "punct", "conj", "cc", "conj", "ROOT", "det", "dobj", "prep", "pobj"],
}


def _texts(tokens: list[Any]) -> list[str]:
    return [t.text for t in tokens]


class TestChildren:
    """children() keeps the children attached by the given relations, in order."""

    def test_by_relation(self, tree: Tree) -> None:
        """Only the named relations, left to right."""
        doc = tree(**_CONJ)
        assert _texts(children(doc[5], ("nsubj", "dobj"))) == ["Spain", "attack"]
        assert children(doc[5], ("agent",)) == []


class TestWithConjuncts:
    """with_conjuncts() gives a head and every head coordinated with it."""

    def test_coordinated_heads(self, tree: Tree) -> None:
        """'Spain, Italy and Greece' are three heads, in reading order."""
        doc = tree(**_CONJ)
        assert _texts(with_conjuncts(doc[0])) == ["Spain", "Italy", "Greece"]

    def test_nested_conjuncts_in_preorder(self, tree: Tree) -> None:
        """A conjunct of a conjunct follows its own head, as a recursion would order it."""
        doc = tree("A B C D", heads=[0, 0, 1, 0], deps=["ROOT", "conj", "conj", "conj"])
        assert _texts(with_conjuncts(doc[0])) == ["A", "B", "C", "D"]

    def test_a_title_split_from_its_name_is_no_conjunct(self, tree: Tree) -> None:
        """'Singh and Pakistani President Pervez Musharraf' misparsed as three heads is two
        sides: the title runs straight into the name after it."""
        doc = tree(
            "Singh and Pakistani President Pervez Musharraf met",
            heads=[6, 0, 3, 0, 5, 0, 6],
            deps=["nsubj", "cc", "compound", "conj", "compound", "conj", "ROOT"],
        )
        assert _texts(with_conjuncts(doc[0])) == ["Singh", "Musharraf"]
        doc = tree(
            "Singh , President and Musharraf met",
            heads=[5, 0, 0, 2, 0, 5],
            deps=["nsubj", "punct", "conj", "cc", "conj", "ROOT"],
        )
        assert _texts(with_conjuncts(doc[0])) == ["Singh", "President", "Musharraf"]


class TestNpTokens:
    """np_tokens() is a noun phrase without its prepositions, clauses and conjuncts."""

    def test_leaves_out_prepositions(self, tree: Tree) -> None:
        """'the attack on Cyprus' is 'the attack'."""
        doc = tree(**_CONJ)
        assert _texts(np_tokens(doc[7])) == ["attack", "the"]

    def test_leaves_out_conjuncts_at_the_head_only(self, tree: Tree) -> None:
        """Coordinated heads are left out; coordinated modifiers stay."""
        doc = tree(
            "Hungarian and Romanian officials",
            heads=[3, 0, 0, 3],
            deps=["amod", "cc", "conj", "ROOT"],
        )
        assert _texts(np_tokens(doc[3])) == ["officials", "Hungarian", "and", "Romanian"]
        assert _texts(np_tokens(doc[0])) == ["Hungarian"]


class TestPhraseTokens:
    """phrase_tokens() is a subtree without the clauses attached to it."""

    def test_skips_clauses(self, tree: Tree) -> None:
        """A relative clause is not part of the phrase; a preposition is."""
        doc = tree(
            "rebels who fled in Chad",
            heads=[0, 2, 0, 0, 3],
            deps=["ROOT", "nsubj", "relcl", "prep", "pobj"],
        )
        assert _texts(phrase_tokens(doc[0])) == ["rebels", "in", "Chad"]
        assert _texts(phrase_tokens(doc[0], frozenset())) == [
            "rebels", "fled", "who", "in", "Chad",
        ]  # fmt: skip


class TestPassiveParticiple:
    """passive_participle() tells 'a pact signed by' from a misparsed active verb."""

    def test_participle_without_object(self, tree: Tree) -> None:
        """A VBN clause on a noun with no object of its own is passive."""
        doc = tree("a pact signed", heads=[1, 1, 1], deps=["det", "ROOT", "acl"],
                   tags=["DT", "NN", "VBN"])  # fmt: skip
        assert passive_participle(doc[2])

    def test_participle_with_object(self, tree: Tree) -> None:
        """A VBN with a direct object acts ('strikes killed 30')."""
        doc = tree("strikes killed 30", heads=[1, 1, 1], deps=["nsubj", "acl", "dobj"],
                   tags=["NNS", "VBN", "CD"])  # fmt: skip
        assert not passive_participle(doc[1])


class TestDepth:
    """No walk recurses, so a tree deeper than Python's stack limit is walked whole."""

    DEPTH = sys.getrecursionlimit() * 3

    def _chain(self, tree: Tree, dep: str) -> Any:
        """'w0 w1 ... wN' where each word hangs from the one before it by `dep`."""
        n = self.DEPTH
        return tree(
            " ".join(f"w{i}" for i in range(n)),
            heads=[0, *range(n - 1)],
            deps=["ROOT"] + [dep] * (n - 1),
        )

    def test_deep_conjuncts(self, tree: Tree) -> None:
        """A chain of conjuncts thousands deep is listed in order."""
        doc = self._chain(tree, "conj")
        assert len(with_conjuncts(doc[0])) == self.DEPTH

    def test_deep_noun_phrase(self, tree: Tree) -> None:
        """A chain of modifiers thousands deep is one noun phrase."""
        doc = self._chain(tree, "compound")
        tokens = np_tokens(doc[0])
        assert [t.i for t in tokens] == list(range(self.DEPTH))

    def test_deep_phrase(self, tree: Tree) -> None:
        """A chain of prepositions thousands deep is one phrase."""
        doc = self._chain(tree, "prep")
        assert len(phrase_tokens(doc[0])) == self.DEPTH
