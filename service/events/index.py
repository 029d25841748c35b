"""Which entity each token belongs to, so the tree walks can ask a token who it names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from service.events.tree import Token
from service.models import Entity

__all__ = ["ACTOR_LABELS", "PLACE_LABELS", "EntityIndex"]

#: entity labels that can act or be acted upon
ACTOR_LABELS: Final = frozenset({"GPE", "NORP", "ORG", "PERSON", "LOC", "FAC"})
#: entity labels that can be where an event happens
PLACE_LABELS: Final = frozenset({"GPE", "LOC", "FAC"})


class EntityIndex:
    """Token index -> entity, built once per doc that has a candidate event."""

    def __init__(self, doc: Any, entities: Sequence[Entity]) -> None:
        self.by_token: dict[int, Entity] = {}
        for entity in entities:
            if entity.label not in ACTOR_LABELS:
                continue
            for start, end in entity.mentions:
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is None:
                    continue
                for token in span:
                    self.by_token.setdefault(token.i, entity)

    def of(self, token: Token) -> Entity | None:
        """The entity a token is part of, if any."""
        return self.by_token.get(token.i)
