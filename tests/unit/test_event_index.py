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


class TestPerDocLookups:
    """Children, places and conclusions about a token are worked out once per doc."""

    def test_children_read_once(self, tree: Tree) -> None:
        """The same list comes back for the same token."""
        doc = tree("Spain and Italy", heads=[0, 0, 0], deps=["ROOT", "cc", "conj"])
        index = EntityIndex(doc, [])
        assert [t.text for t in index.children(doc[0])] == ["and", "Italy"]
        assert index.children(doc[0]) is index.children(doc[0])

    def test_places_in_sentence(self, tree: Tree) -> None:
        """Places named as prepositional objects, first of each (place, preposition) pair."""
        doc = tree(
            "fought in Kyiv in Kyiv near Kyiv to Rome",
            heads=[0, 0, 1, 0, 3, 0, 5, 0, 7],
            deps=["ROOT", "prep", "pobj", "prep", "pobj", "prep", "pobj", "prep", "pobj"],
        )
        kyiv = Entity(name="Kyiv", label="GPE", count=3, mentions=[(10, 14), (18, 22), (28, 32)],
                      country="UA")  # fmt: skip
        rome = Entity(name="Rome", label="GPE", count=1, mentions=[(36, 40)], country="IT")
        index = EntityIndex(doc, [kyiv, rome])
        [sent] = list(doc.sents)
        assert index.places_in(sent) == [(kyiv, "in"), (kyiv, "near"), (rome, "to")]

    def test_cached_once_per_token(self, tree: Tree) -> None:
        """A fact about a token is computed once; another token or fact is computed anew."""
        doc = _flat(tree, "a b")
        index = EntityIndex(doc, [])
        calls: list[int] = []

        def fact(token: Any) -> int:
            calls.append(token.i)
            return token.i * 10

        assert [index.cached("f", doc[0], fact), index.cached("f", doc[0], fact)] == [0, 0]
        assert (index.cached("f", doc[1], fact), index.cached("g", doc[0], fact)) == (10, 0)
        assert calls == [0, 1, 0]
