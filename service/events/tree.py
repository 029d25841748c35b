"""Walks over a spaCy dependency tree, iterative so no input can exhaust Python's stack."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Final

from service.entities.gazetteer import PERSON_TITLES

__all__ = [
    "CLAUSE_DEPS",
    "OBJECT_DEPS",
    "SUBJECT_DEPS",
    "Span",
    "Token",
    "children",
    "doers_above",
    "np_tokens",
    "passive_participle",
    "phrase_tokens",
    "preorder",
    "with_conjuncts",
]

Token = Any  # spaCy ships no type information
Span = Any

SUBJECT_DEPS: Final = frozenset({"nsubj", "csubj"})
OBJECT_DEPS: Final = frozenset({"dobj", "dative", "attr", "oprd"})
#: what a phrase leaves out: the clauses and conjuncts attached to it
CLAUSE_DEPS: Final = frozenset({"relcl", "advcl", "ccomp", "parataxis", "conj", "appos"})
#: what a noun phrase leaves out at its head, and below it
_NP_HEAD_SKIP: Final = frozenset(
    {"prep", "relcl", "acl", "advcl", "punct", "cc", "conj", "appos", "case"}
)
_NP_INNER_SKIP: Final = frozenset({"prep", "relcl", "acl", "advcl", "punct"})
#: what is not a conjunct's own words: the conjuncts, "and" and commas hung on it
_OWN: Final = frozenset({"conj", "cc", "punct"})


def children(token: Token, deps: Collection[str]) -> list[Token]:
    """The children of a token attached by one of the given relations."""
    return [c for c in token.children if c.dep_ in deps]


def _preorder(root: Token, skip: Collection[str]) -> list[Token]:
    """Tokens under `root` in depth-first pre-order (the order a recursion would give), not
    entering children attached by a relation in `skip`; the explicit stack bounds nothing but
    memory, so no tree is too deep for it."""
    out: list[Token] = []
    stack = [root]
    while stack:
        token = stack.pop()
        out.append(token)
        below = [c for c in token.children if c.dep_ not in skip]
        if below:
            below.reverse()
            stack += below
    return out


def preorder(root: Token, skip: Collection[str]) -> list[Token]:
    """Tokens under `root` in depth-first pre-order, not entering relations in `skip`."""
    return _preorder(root, skip)


def with_conjuncts(token: Token) -> list[Token]:
    """A head and the heads coordinated with it ("X, Y and Z"), in reading order of the tree.
    A title the parser split from the name after it ("X and Pakistani President | Pervez
    Musharraf": a conjunct ending in a title, with no comma or "and" before the next) is
    part of that name, not a side of its own, and is left out."""
    out: list[Token] = []
    stack = [token]
    while stack:
        head = stack.pop()
        out.append(head)
        below = [c for c in head.children if c.dep_ == "conj"]
        if below:
            below.reverse()
            stack += below
    if len(out) > 2 and any(c.lower_ in PERSON_TITLES for c in out[1:-1]):
        edges = [(min(ids), max(ids)) for c in out if (ids := [t.i for t in _preorder(c, _OWN)])]
        out = [
            c for i, c in enumerate(out)
            if i == 0 or i + 1 == len(out) or edges[i][1] + 1 != edges[i + 1][0]
            or c.lower_ not in PERSON_TITLES
        ]  # fmt: skip
    return out


def np_tokens(head: Token) -> list[Token]:
    """The tokens of a noun phrase without its clauses, prepositions and coordinated heads."""
    out = [head]
    for child in head.children:
        if child.dep_ not in _NP_HEAD_SKIP:
            out += _preorder(child, _NP_INNER_SKIP)
    return out


def phrase_tokens(token: Token, skip: frozenset[str] = CLAUSE_DEPS) -> list[Token]:
    """A subtree without the clauses and conjuncts attached to it."""
    return _preorder(token, skip)


def passive_participle(verb: Token) -> bool:
    """'a pact signed by ...' (the noun is acted upon), not a misparsed 'strikes killed 30'."""
    return bool(
        verb.dep_ == "acl"
        and verb.tag_ == "VBN"
        and not any(c.dep_ == "dobj" for c in verb.children)
    )


def doers_above(token: Token, hops: int) -> list[Token]:
    """Who does what the nearest verb above `token` (at most `hops` heads up) says: that
    verb's subject, or its passive agent; the nearest verb that has one."""
    for _ in range(hops):
        if token.head.i == token.i:
            return []
        token = token.head
        if not token.tag_.startswith("VB"):
            continue
        doers = children(token, ("nsubj",)) or [
            o for a in children(token, ("agent",)) for o in children(a, ("pobj",))
        ]  # fmt: skip
        if doers:
            return doers
    return []
