"""Per-doc lookups the tree walks repeat for every trigger, built once: entity of a token,
children of a token, places a sentence names, where its dateline ends, and a memo for what
the walks conclude about a token (so a sentence with thousands of triggers is not walked once
per trigger)."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from typing import Any, Final, TypeVar

from service.entities.doctext import doc_text
from service.entities.gazetteer import PLACE_WORDS
from service.events.dateline import dateline_tokens
from service.events.tree import Span, Token
from service.models import Entity

__all__ = ["ACTOR_LABELS", "PLACE_LABELS", "EntityIndex"]

_T = TypeVar("_T")

#: entity labels that can act or be acted upon
ACTOR_LABELS: Final = frozenset({"GPE", "NORP", "ORG", "PERSON", "LOC", "FAC"})
#: entity labels that can be where an event happens
PLACE_LABELS: Final = frozenset({"GPE", "LOC", "FAC"})
#: a hyphen and the participle after it: "-brokered", "-made"
_PARTICIPLE: Final = re.compile(r"[-\u2013]([a-z]*(?:ed|made|built|run|held|drawn|written))\b")


class EntityIndex:
    """Token index -> entity, built once per doc that has a candidate event."""

    def __init__(
        self, doc: Any, entities: Sequence[Entity], *, owning: Collection[str] = ()
    ) -> None:
        """`owning`: the participles through which a hyphened name before a noun says whose
        the noun is ("Saudi-led"); a name before any other ("Egyptian-brokered") is no party."""
        self.by_token: dict[int, Entity] = {}
        text = doc_text(doc)
        for entity in entities:
            if entity.label not in ACTOR_LABELS:
                continue
            for start, end in entity.mentions:
                if _agent_only(text, end, owning):
                    continue
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is None:
                    continue
                for i in range(span.start, span.end):
                    self.by_token.setdefault(i, entity)
        self._children: dict[int, list[Token]] = {}
        self._places: dict[int, list[tuple[Entity, str]]] = {}
        self._datelines: dict[int, int] = {}
        self._memo: dict[tuple[str, int], Any] = {}

    def of(self, token: Token) -> Entity | None:
        """The entity a token is part of, if any."""
        return self.by_token.get(token.i)

    def children(self, token: Token) -> list[Token]:
        """The token's children, read from the parse once (a head may have thousands)."""
        found = self._children.get(token.i)
        if found is None:
            found = self._children[token.i] = list(token.children)
        return found

    def places_in(self, sent: Span) -> list[tuple[Entity, str]]:
        """(place, preposition) for each place the sentence names as a prepositional object,
        in order; a repeat of the same place with the same preposition is left out, since it
        can only be judged as its first mention was."""
        found = self._places.get(sent.start)
        if found is None:
            found = self._places[sent.start] = _places(sent, self)
        return found

    def in_dateline(self, token: Token) -> bool:
        """Whether a token is part of its sentence's dateline ("TIRANA, Albania (AP) --")."""
        sent = token.sent
        end = self._datelines.get(sent.start)
        if end is None:
            end = self._datelines[sent.start] = sent.start + dateline_tokens(sent.text, sent)
        return bool(token.i < end)

    def cached(self, fact: str, token: Token, compute: Callable[[Token], _T]) -> _T:
        """`compute(token)` once per fact and token for this doc: for what the walks conclude
        about a head that every trigger below it would otherwise work out again."""
        key = (fact, token.i)
        if key in self._memo:
            return self._memo[key]  # type: ignore[no-any-return]
        found = self._memo[key] = compute(token)
        return found


def _agent_only(text: str, end: int, owning: Collection[str]) -> bool:
    """Whether the name ending at `end` is the agent of a participle hyphened to it that does
    not make the noun after it the name's ("Egyptian-brokered truce", "Iranian-made rockets").
    """
    found = _PARTICIPLE.match(text, end)
    return found is not None and found.group(1) not in owning


def _places(sent: Span, index: EntityIndex) -> list[tuple[Entity, str]]:
    out: list[tuple[Entity, str]] = []
    seen: set[tuple[int, str]] = set()
    for t in sent:
        entity = index.of(t)
        if entity is None or entity.label not in PLACE_LABELS:
            continue
        if t.dep_ == "pobj":
            prep = _place_prep(t)
        elif (
            t.dep_ in ("appos", "poss") and t.head.dep_ == "pobj"
            and t.head.lower_ in PLACE_WORDS and not t.head.ent_type_
        ):  # fmt: skip
            # "in the Malian capital Bamako", "in Sudan's South Kordofan state"
            prep = _place_prep(t.head)
        else:
            continue
        if (id(entity), prep) not in seen:
            seen.add((id(entity), prep))
            out.append((entity, prep))
    return out


def _place_prep(token: Token) -> str:
    """The preposition that places a prepositional object: its own, or for a place named in an
    "of" phrase of a common noun, the one before that noun ("through the streets of Jakarta",
    "in the north of the country": in Jakarta)."""
    prep = token.head
    noun = prep.head
    if (
        prep.lower_ == "of" and noun.dep_ == "pobj" and noun.tag_.startswith("NN")
        and not noun.ent_type_
    ):  # fmt: skip
        return str(noun.head.lower_)
    return str(prep.lower_)
