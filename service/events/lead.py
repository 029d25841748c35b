"""Who acts on whom in a sentence no trigger word coded: its main verb's parties as the parse
gives them (service.events.participants), else the first country-bearing entity, and the next
one as the target. News puts the main event in the lead, so a story whose lead holds no coded
event gets one there, typed by the sentence typer (service.events.combine)."""

from __future__ import annotations

from collections.abc import Sequence

from service.entities.gazetteer import PLACE_WORDS
from service.events.index import PLACE_LABELS, EntityIndex
from service.events.participants import Pair, Participants
from service.events.party import Party, phrase_text, phrase_tokens_of
from service.events.tree import Span, Token
from service.events.triggers import Trigger, objects_of
from service.models import Entity

__all__ = ["LeadParties"]


class LeadParties:
    """The (trigger, actor/target pairs) a plain sentence offers, or None without an actor."""

    def __init__(self, participants: Participants) -> None:
        self._participants = participants

    def __call__(
        self, sent: Span, index: EntityIndex, type_: str
    ) -> tuple[Trigger, list[Pair]] | None:
        root = self._reported(sent.root)
        trigger = Trigger(root, type_, root.text, root.lower_, objects_of(root))
        named = _countries(sent, index)
        pairs: list[Pair] = []
        if root.tag_.startswith("VB"):
            pairs, _ = self._participants(trigger, type_, index)
        if not pairs:
            if not named:
                return None
            subject, theme = _theme(root, index)
            if subject is not None and named[0] in theme:
                # "Two Israeli soldiers were wounded when guerrillas detonated a bomb in south
                # Lebanon": those a passive with no agent names are acted on, not acting
                doers = [e for e in named if e not in theme]
                acted_on = Party(phrase_text(phrase_tokens_of(subject)), named[0])
                return trigger, [(Party.of(doers[0]) if doers else None, acted_on)]
            if subject is not None and not theme and type_ == "ASSAULT":
                # "At least 15 people were killed when a car bomb exploded in the Iraqi city of
                # Mosul": unnamed people a passive attack acts on are where it happened, and a
                # place does nothing; a doer is someone else named, if anyone is (a curfew
                # imposed on a town is the state's own act: PLOVER's domestic code)
                places = [e for e in named if _place_like(e, sent, index)]
                doers = [e for e in named if e not in places]
                if places:
                    acted_on = Party(phrase_text(phrase_tokens_of(subject)), places[0])
                    return trigger, [(Party.of(doers[0]) if doers else None, acted_on)]
            pairs = [(Party.of(named[0]), None)]
        if all(target is None for _, target in pairs):
            # the next country named stands for the target (PLOVER codes country to country)
            actors = {e.name for a, _ in pairs if a is not None
                      for e in (a.entity, a.owner) if e is not None}  # fmt: skip
            others = [e for e in named if e.name not in actors]
            if others:
                pairs = [(actor, Party.of(others[0])) for actor, _ in pairs]
        return trigger, pairs

    def _reported(self, root: Token) -> Token:
        """The verb of what a speech verb reports ("X pardoned Y, her spokesman said": the
        pardon), else the root: who speaks is the source, not the actor."""
        for _ in range(3):
            if root.lower_ not in self._participants.speech_verbs:
                break
            clause = next((c for c in root.children if c.dep_ in ("ccomp", "parataxis")
                           and c.tag_.startswith("VB")), None)  # fmt: skip
            if clause is None:
                break
            root = clause
        return root


def _theme(root: Token, index: EntityIndex) -> tuple[Token | None, list[Entity]]:
    """A passive verb's subject and its entities, when no agent is named."""
    if any(c.dep_ == "agent" for c in root.children):
        return None, []
    subject = next((c for c in root.children if c.dep_ == "nsubjpass"), None)
    if subject is None:
        return None, []
    return subject, [e for t in subject.subtree if (e := index.of(t)) is not None]


def _place_like(entity: Entity, sent: Sequence[Token], index: EntityIndex) -> bool:
    """A place, or a nationality that only says which place ("the Iraqi city of Mosul")."""
    return entity.label in PLACE_LABELS or any(
        index.of(t) is entity and t.head.lower_ in PLACE_WORDS for t in sent
    )


def _countries(sent: Sequence[Token], index: EntityIndex) -> list[Entity]:
    """The sentence's entities that belong to a country, in order of first mention."""
    out: list[Entity] = []
    for token in sent:
        entity = index.of(token)
        if entity is not None and entity.country and entity not in out:
            out.append(entity)
    return out
