"""Who acts on whom in a sentence no trigger word coded: its main verb's subject and the next
country-bearing entity. News puts the main event in the lead, so a story whose lead holds no
coded event gets one there, typed by the sentence typer (service.events.combine)."""

from __future__ import annotations

from collections.abc import Sequence

from service.events.index import EntityIndex
from service.events.participants import Pair, Participants
from service.events.party import Party
from service.events.phrases import PhraseEntities
from service.events.tree import Span, Token
from service.events.triggers import Trigger, objects_of
from service.models import Entity

__all__ = ["LeadParties"]


class LeadParties:
    """The (trigger, actor/target pair) a plain sentence offers, or None without an actor."""

    def __init__(self, phrases: PhraseEntities) -> None:
        self._group = phrases.group

    def __call__(self, sent: Span, index: EntityIndex, type_: str) -> tuple[Trigger, Pair] | None:
        root: Token = sent.root
        actors: list[Entity] = []
        if root.tag_.startswith("VB"):
            actors = self._group(Participants.subjects(root, index), index, deep=True)
        named = _countries(sent, index)
        if not actors:
            actors = named[:1]
        if not actors:
            return None
        others = [e for e in named if e not in actors]
        trigger = Trigger(root, type_, root.text, root.lower_, objects_of(root))
        return trigger, (Party.of(actors[0]), Party.of(others[0]) if others else None)


def _countries(sent: Sequence[Token], index: EntityIndex) -> list[Entity]:
    """The sentence's entities that belong to a country, in order of first mention."""
    out: list[Entity] = []
    for token in sent:
        entity = index.of(token)
        if entity is not None and entity.country and entity not in out:
            out.append(entity)
    return out
