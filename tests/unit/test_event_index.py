"""Tests for service.events.index: which entity each token belongs to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from service.events.index import EntityIndex
from service.models import Entity

Tree = Callable[..., Any]  # the `tree` fixture of tests/unit/conftest.py


def _flat(tree: Tree, text: str) -> Any:
    words = text.split()
    return tree(text, heads=[0] * len(words), deps=["ROOT"] + ["dep"] * (len(words) - 1))


class TestEntityIndex:
    """EntityIndex maps tokens to the actor-like entities whose mentions cover them."""

    def test_tokens_of_every_mention(self, tree: Tree) -> None:
        """Each token of each mention points at its entity; others at nothing."""
        doc = _flat(tree, "North Korea sent troops to North Korea")
        korea = Entity(name="North Korea", label="GPE", count=2, mentions=[(0, 11), (26, 37)],
                       country="KP")  # fmt: skip
        index = EntityIndex(doc, [korea])
        assert [index.of(t) is korea for t in doc] == [True, True, False, False, False, True,
                                                       True]  # fmt: skip

    def test_non_actor_labels_are_left_out(self, tree: Tree) -> None:
        """Dates and numbers act on no one."""
        doc = _flat(tree, "Tuesday 12 Iran")
        date = Entity(name="Tuesday", label="DATE", count=1, mentions=[(0, 7)])
        number = Entity(name="12", label="CARDINAL", count=1, mentions=[(8, 10)])
        iran = Entity(name="Iran", label="GPE", count=1, mentions=[(11, 15)], country="IR")
        index = EntityIndex(doc, [date, number, iran])
        assert [index.of(t) for t in doc] == [None, None, iran]

    def test_first_entity_wins_and_mentions_expand(self, tree: Tree) -> None:
        """Overlapping mentions keep the first entity; a partial token is taken whole."""
        doc = _flat(tree, "Kenyan police")
        kenya = Entity(name="Kenyan", label="NORP", count=1, mentions=[(0, 4)], country="KE")
        police = Entity(name="Kenyan police", label="ORG", count=1, mentions=[(0, 13)])
        index = EntityIndex(doc, [kenya, police])
        assert (index.of(doc[0]), index.of(doc[1])) == (kenya, police)
