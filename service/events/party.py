"""A party to an event: what the text calls it, and the entity that names it or that it
belongs to. An actor or target is not always a named entity ("Burundian militiamen", "security
forces in Guinea", "protesters"), so a party keeps its phrase as written; its `entity` is what a
resolver needs to give it a country (the NORP of "Burundian militiamen", the owner of "Israel's
militia ally")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from service.events.tree import Token, preorder
from service.models import Entity

__all__ = ["HYPHENS", "SIDE_DEPS", "Party", "PartyPair", "phrase_text", "phrase_tokens_of"]

#: what a party's phrase leaves out at any depth: clauses, conjuncts, appositions
_CLAUSES: Final = frozenset(
    {"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis", "appos", "conj", "cc", "prep",
     "dep"}
)  # fmt: skip
#: at most this many tokens in a party's phrase: the head with its modifiers, not a clause
_MAX_TOKENS: Final = 14
_MAX_BEFORE: Final = 8  # of them before the head
#: at most this many tokens in a prepositional phrase kept in a party's phrase
_MAX_PREP: Final = 5
#: ... or this many when it names someone ("a call from South African President Nelson Mandela")
_MAX_NAMED_PREP: Final = 8
_NAMES: Final = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
#: a dash or colon before the head ends the phrase there ("KABUL - A Taliban attack")
_BREAKS: Final = frozenset({"-", "--", "—", "–", ":"})
#: words that cannot end a phrase ("an early election in the")
_DANGLING: Final = frozenset({"det", "prep", "cc", "case", "predet", "punct", "poss"})
HYPHENS: Final = frozenset({"-", "–"})  # a break only when spaced
#: modifiers and owners before a head that a phrase keeps whole, coordination included, and
#: whose coordinated countries are sides of their own ("Russia and Turkey's ministers")
SIDE_DEPS: Final = frozenset({"amod", "compound", "nmod", "poss"})
_EDGE_PUNCT: Final = "\"'`,;:.!?()[]{}-–—"


@dataclass(frozen=True, slots=True, eq=False)
class Party:
    """An actor or target: `text` as written; `entity` the entity that names the party when
    `named`, else the one it belongs to (its owner, its demonym, its place), or None; `owner`,
    for a named party, a country-bearing entity its modifiers or apposition tie it to
    ("Russian" of "Russian President Vladimir Putin"), for a resolver that does not know the
    name; `side`, for a phrase that names several countries' sides ("Indian and Pakistani
    officials"), that the party is its entity's country's side alone."""

    text: str
    entity: Entity | None = None
    named: bool = False
    owner: Entity | None = None
    side: bool = False

    @classmethod
    def of(cls, entity: Entity) -> Party:
        """A party an entity names, written as its name."""
        return cls(entity.name, entity, named=True)

    @property
    def name(self) -> str:
        """What an event calls the party: the entity's name when one names it, else the phrase."""
        return self.entity.name if self.named and self.entity is not None else self.text

    @property
    def person(self) -> bool:
        """Whether a person's name names the party."""
        return self.named and self.entity is not None and self.entity.label == "PERSON"

    def same(self, other: Party) -> bool:
        """Whether two parties are one (an event's actor and target are never the same): one
        name, unless it is a phrase that stands for two sides ("Indian and Pakistani
        officials", once for each country)."""
        if self.name.lower() != other.name.lower():
            return False
        return not (self.side and other.side) or self.entity is other.entity


PartyPair = tuple[Party | None, Party | None]


def phrase_tokens_of(head: Token) -> list[Token]:
    """The head of a noun phrase with its modifiers and a short prepositional phrase of its own
    ("security forces in Guinea", "a camp for Congolese refugees"), without clauses, conjuncts
    or appositions, as one contiguous run of tokens around the head."""
    core = _core(head)
    start = end = head.i
    while start - 1 in core and not _breaks(core[start - 1]):
        start -= 1
    while end + 1 in core:
        end += 1
    start = max(start, head.i - _MAX_BEFORE)  # short, however many modifiers the text piles up
    end = min(end, start + _MAX_TOKENS - 1)
    tokens = [core[i] for i in range(start, end + 1)]
    if tokens[0].dep_ == "case" and len(tokens) > 1:
        tokens.pop(0)  # an owner cut off before its "'s"
    for k, t in enumerate(tokens):  # "support for the": a preposition cut off from its object
        if t.i > head.i and t.dep_ == "prep" and not any(
            c.dep_ in ("pobj", "pcomp") and start <= c.i <= end for c in t.children
        ):
            del tokens[k:]
            break
    while tokens[-1].i > head.i and tokens[-1].dep_ in _DANGLING:
        tokens.pop()
    while len(tokens) > 1 and tokens[0].text in _EDGE_PUNCT:
        tokens.pop(0)
    while len(tokens) > 1 and tokens[-1].text in _EDGE_PUNCT:
        tokens.pop()
    return tokens


def _breaks(token: Token) -> bool:
    """A dash or colon that sets a dateline off ("KABUL - A Taliban attack"), not the hyphen
    inside a word ("rebel-held areas", "Russia-backed forces")."""
    if token.text not in _BREAKS:
        return False
    if token.text not in HYPHENS:
        return True
    doc = token.sent.doc
    before = doc[token.i - 1] if token.i > 0 else None
    return bool(doc[token.i].whitespace_) or before is None or bool(before.whitespace_)


def _core(head: Token) -> dict[int, Token]:
    """Index -> token of what a party's phrase may hold: the head's modifiers, a short owner
    whole ("the University of Wyoming's center") and its first following preposition."""
    core = {t.i: t for t in preorder(head, _CLAUSES)}
    core.update((t.i, t) for t in _before(head))
    # "fighters loyal to X", "militias allied with Y": an adjective after the head keeps its
    # own preposition, which says whose the party is
    for adjective in head.children:
        if adjective.dep_ == "amod" and adjective.i > head.i:
            tied = next((c for c in adjective.children if c.dep_ == "prep"), None)
            if tied is not None:
                below = preorder(tied, _CLAUSES)
                if len(below) <= _MAX_NAMED_PREP and len(core) + len(below) <= _MAX_TOKENS:
                    core.update((t.i, t) for t in below)
    prep = next((c for c in head.children if c.dep_ == "prep" and c.i > head.i), None)
    if prep is not None:
        below = preorder(prep, _CLAUSES)  # the preposition and its object's phrase
        if prep.lower_ == "of":  # "the ministers of Egypt and Jordan": both owners
            whole = preorder(prep, _CLAUSES - {"conj", "cc"})
            below = whole if len(whole) <= _MAX_NAMED_PREP else below
        named = any(t.ent_type_ in _NAMES for t in below)  # "a call from President X"
        if (
            len(below) <= (_MAX_NAMED_PREP if named else _MAX_PREP)
            and len(core) + len(below) <= _MAX_TOKENS
            and not any(t.ent_type_ in ("DATE", "TIME") for t in below)  # "on Wednesday"
        ):
            core.update((t.i, t) for t in below)
    return core


def _before(head: Token) -> list[Token]:
    """The head's modifiers and owner before it, whole: "Indian and Pakistani officials",
    "Russia and Turkey's ministers", a short title with its preposition ("U.S. Secretary of
    State Antony Blinken"), a short owner ("the University of Wyoming's center")."""
    out: list[Token] = []
    for child in head.children:
        if child.dep_ == "poss":
            whole = preorder(child, _CLAUSES - {"prep", "conj", "cc"})
            if len(whole) <= _MAX_PREP + 1:
                out += whole
        elif child.dep_ in SIDE_DEPS and child.i < head.i:
            whole = preorder(child, _CLAUSES - {"conj", "cc", "prep"})
            if len(whole) > _MAX_PREP + 1:
                whole = preorder(child, _CLAUSES - {"conj", "cc"})
            out += whole
    return out


def phrase_text(tokens: list[Token]) -> str:
    """The tokens' text as written in the doc (their own spacing kept)."""
    first, last = tokens[0], tokens[-1]
    text: str = first.sent.doc[first.i : last.i + 1].text
    return text.strip(_EDGE_PUNCT + " ") or text
