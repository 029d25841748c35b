"""Tests for service.events.phrases: the entities a noun phrase names (literal trees)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from service.events.index import EntityIndex
from service.events.lexicon import load_lexicon
from service.events.phrases import PhraseEntities
from service.models import Entity

Tree = Callable[..., Any]  # the `tree` fixture of tests/unit/conftest.py


def _entity(doc: Any, i: int, label: str = "GPE", country: str | None = None) -> Entity:
    token = doc[i]
    return Entity(name=token.text, label=label, count=1,
                  mentions=[(token.idx, token.idx + len(token))], country=country)  # fmt: skip


def _of_chain(tree: Tree, links: int, last: str, prep: str = "of") -> Any:
    """'son of son of ... of <last>': each preposition hangs from the noun before it."""
    words = ["son"]
    for _ in range(links - 1):
        words += [prep, "son"]
    words += [prep, last]
    heads = [0] + [i - 1 for i in range(1, len(words))]
    deps = ["ROOT"] + ["prep" if i % 2 else "pobj" for i in range(1, len(words))]
    return tree(" ".join(words), heads=heads, deps=deps)


class TestPhraseEntities:
    """PhraseEntities.of / .group: the phrase's own entities first, then its prepositions."""

    phrases = PhraseEntities(load_lexicon().roles)

    def test_own_country_first(self, tree: Tree) -> None:
        """'Spain and Italy': the head names Spain; a group gives both."""
        doc = tree("Spain and Italy", heads=[0, 0, 0], deps=["ROOT", "cc", "conj"])
        spain, italy = _entity(doc, 0, country="ES"), _entity(doc, 2, country="IT")
        index = EntityIndex(doc, [spain, italy])
        assert self.phrases.of(doc[0], index) == [spain]
        assert self.phrases.group([doc[0]], index) == [spain, italy]

    def test_actor_place_says_who(self, tree: Tree) -> None:
        """'rebels in Chad': for an actor the place says who; for a target it is only where."""
        doc = _of_chain(tree, 1, "Chad", prep="in")
        chad = _entity(doc, 2, country="TD")
        index = EntityIndex(doc, [chad])
        assert self.phrases.of(doc[0], index, actor=True) == [chad]
        assert self.phrases.of(doc[0], index) == []

    def test_of_chain_deeper_than_the_stack(self, tree: Tree) -> None:
        """An 'of' chain longer than Python's recursion limit still reaches its entity."""
        doc = _of_chain(tree, sys.getrecursionlimit() * 2, "Spain")
        spain = _entity(doc, len(doc) - 1, country="ES")
        index = EntityIndex(doc, [spain])
        assert self.phrases.of(doc[0], index, actor=True) == [spain]
        assert self.phrases.group([doc[0]], index, deep=True) == [spain]
