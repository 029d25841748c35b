"""Whose each side of an event is: the country and sector the knowledge base gives its
name (service.actors), then what the sentence says where the knowledge base cannot: a state's
agents act where the event is, people protest and fight where they are, rebels are of the
state they deal with, whom a state acts on at home is its own.

The pairs come from service.events.participants; the extractor turns the result into events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Final

from service.actors import ActorContext, ActorResolver
from service.actors import Party as Belonging
from service.entities.geo import load_countries
from service.events.index import PLACE_LABELS, EntityIndex
from service.events.lexicon import Lexicon
from service.events.participants import Pair, Participants
from service.events.party import Party as EventParty
from service.events.triggers import Trigger
from service.models import Entity

__all__ = ["STATE_SECTORS", "Sides"]

#: the sector of a state's agents at home (police, security forces), whose unnamed members act
#: in the country the event is in
_HOME_SECTORS: Final = frozenset({"COP"})
#: sectors of a state's own institutions: one the knowledge base cannot place ("Congress",
#: "the Senate") is the actor's own, or of where the event is
STATE_SECTORS: Final = frozenset({"GOV", "LEG", "JUD", "COP"})
#: sectors of a country's own non-state sides: rebels and the opposition are of where they
#: act, and of the state they make peace or hold talks with
_LOCAL_SECTORS: Final = frozenset({"REB", "OPP"})

#: (actor, target, the actor's country and sector, the target's)
Side = tuple[EventParty | None, EventParty | None, Belonging, Belonging]


class Sides:
    """Each (actor, target) pair of an act with its sides' countries and sectors."""

    def __init__(
        self, lexicon: Lexicon, participants: Participants, actors: ActorResolver
    ) -> None:
        self._located = lexicon.types.force | {"PROTEST"}
        self._acted_upon = lexicon.types.acted_upon
        self._symmetric = lexicon.types.symmetric
        self._participants = participants
        self._actors = actors

    def __call__(
        self, trig: Trigger, type_: str, pairs: list[Pair], context: ActorContext,
        index: EntityIndex, location: Entity | None, where: Callable[[], Entity | None],
    ) -> Iterator[Side]:  # fmt: skip
        """The pairs with their countries and sectors; `location` is where the act is, and
        `where` finds the place again counting the parties' own names (for an unnamed actor
        whose only clue is where it acts)."""
        for actor, target, (actor_country, actor_sector), (target_country, target_sector) in (
            self._resolved(trig, pairs, context, index)
        ):
            if actor_country is None and actor is not None:
                if actor_sector in _HOME_SECTORS:
                    # "police in Harare", "security forces opened fire on X in Khartoum": a
                    # state's own agents act where the event is
                    actor_country = _place_country(location, target)
                elif (
                    (type_ in self._located or actor_sector in _LOCAL_SECTORS)
                    and not actor.named
                    and not self._of_no_state(actor, context)
                ):
                    # "thousands marched in Cairo against the government", "a suicide bomber
                    # blew himself up in a Baghdad market": people protest and fight where they
                    # are, though the place also names whose government it is; rebels and the
                    # opposition are of where they act, whatever the act
                    actor_country = _place_country(where(), None)
            if type_ in self._symmetric:
                # "the Philippine government and Muslim separatist rebels agreed to a
                # ceasefire": unnamed rebels who deal with a state are its own
                actor_country = actor_country or _state_of(
                    actor, actor_sector, target, target_sector, target_country
                )
                target_country = target_country or _state_of(
                    target, target_sector, actor, actor_sector, actor_country
                )
            if (
                type_ == "COERCE" and actor_country and actor_sector in STATE_SECTORS | {"MIL"}
                and target_sector == "REB" and target_country not in (None, actor_country)
                and _group_alone(target)
            ):  # fmt: skip
                # "Egyptian police arrested Muslim Brotherhood members", "Pakistani forces
                # arrested an al Qaeda suspect in Peshawar": members of a group the knowledge
                # base places elsewhere whom a state's agents arrest are where they are
                # arrested, else at home, unless the phrase says whose they are ("Afghan")
                target_country = (
                    _place_country(location, None)
                    or _place_country(target.entity if target is not None else None, None)
                    or actor_country
                )
            if target_country is None and actor_country and (
                target_sector in STATE_SECTORS
                or (target is not None and target.entity is None and type_ in self._acted_upon)
                or (type_ == "COERCE" and actor_sector in STATE_SECTORS
                    and target is not None and target.person)
            ):
                # "the Clinton administration asked Congress": the asker's own legislature;
                # "FARC guerrillas killed eight soldiers": unnamed people the knowledge base's
                # actor acts on are at home, as they are for an actor an entity places;
                # "Egyptian police arrested Ayman Nour": whom a state's agents arrest, the
                # knowledge base not knowing him, is where they arrest him, else at home
                target_country = _place_country(location, None) or actor_country
            yield actor, target, (actor_country, actor_sector), (target_country, target_sector)

    def _resolved(
        self, trig: Trigger, pairs: list[Pair], context: ActorContext, index: EntityIndex
    ) -> Iterator[tuple[EventParty | None, EventParty | None, Belonging, Belonging]]:
        """Each pair with its sides' countries and sectors. A target that is the actor's own
        country's place or government ("recalled Iraq's ambassador from Damascus", "Putin
        warned that Moscow could target ... at Ukraine") restates the actor: the act is aimed
        at the other countries it is sent from, to or at, when it names one."""
        for actor, target in pairs:
            actor_belongs = self._party(actor, context)
            target_belongs = self._party(target, context)
            country = actor_belongs[0]
            if (
                country is not None and target is not None and target.entity is not None
                and target.entity.label == "GPE" and target.entity.country == country
                and target_belongs[0] == country
            ):
                others = self._participants.beyond_own(trig, country, index)
                if others:
                    for other in others:
                        yield actor, other, actor_belongs, self._party(other, context)
                    continue
            yield actor, target, actor_belongs, target_belongs

    def _party(self, party: EventParty | None, context: ActorContext) -> Belonging:
        """Country and sector of an actor or target (service.actors): by its name (an entity's,
        or the phrase as written) and the entity that names it or that it belongs to; a named
        party the knowledge base cannot place takes its owner's country ("Russian" of
        "Russian President X"), and an owning organisation's sector too; one side of a phrase
        that names several ("Indian and Pakistani troops") is its own country's."""
        if party is None:
            return None, None
        country, sector = self._actors.resolve(party.name, party.entity, context)
        if party.entity is None and party.owner is not None and country is not None:
            # "Russian tanks and troops": the owner a conjunct shares says whose the troops
            # are, before the story's main country does (an unnamed agent's fallback)
            if self._actors.resolve(party.name, None)[0] is None:
                country = None
        if party.side and party.entity is not None:
            country = party.entity.country  # one of the sides the phrase names
        elif (nationality := _nationality(party)) is not None:
            # "his Turkish counterpart Ismail Cem in New York": the phrase says whose he is,
            # where he is does not
            country = nationality
        if country is None and party.owner is not None:
            country, owner_sector = self._actors.resolve(party.owner.name, party.owner, context)
            if party.owner.label == "ORG" and owner_sector is not None:
                sector = owner_sector  # "Hezbollah chief X" is Hezbollah's (REB), not GOV
        return country, sector

    def _of_no_state(self, party: EventParty, context: ActorContext) -> bool:
        """Whether the party is an international organisation's ("NATO warplanes", "African
        Union peacekeepers"): its forces are no state's, and not of the one they act in."""
        entity = party.entity
        if entity is None or entity.label != "ORG":
            return False
        return self._actors.resolve(entity.name, entity, context) == (None, "IGO")


def _nationality(party: EventParty) -> str | None:
    """The nationality a named person's phrase gives ("his Turkish counterpart X"), if any."""
    owner = party.owner
    return owner.country if party.person and owner is not None and owner.label == "NORP" else None


def _state_of(
    party: EventParty | None, sector: str | None, other: EventParty | None,
    other_sector: str | None, other_country: str | None,
) -> str | None:  # fmt: skip
    """The country of an unnamed local side ("rebels", "the opposition": sector REB or OPP,
    no country of its own) from the state body on the other side of a joint act."""
    if party is None or party.named or sector not in _LOCAL_SECTORS:
        return None
    if other is None or other_sector not in STATE_SECTORS | {"MIL"}:
        return None
    return other_country


def _group_alone(party: EventParty | None) -> bool:
    """Whether a party is a group's phrase with no nationality in it ("Muslim Brotherhood
    members in Amman", not "Afghan Taliban fighters")."""
    if party is None or party.person:
        return False
    countries = load_countries()
    return not any(
        countries.demonym(w) or countries.country(w) for w in party.text.replace("'s", "").split()
    )


def _place_country(location: Entity | None, target: EventParty | None) -> str | None:
    """The country of where an event is: its place, else a place it is done to."""
    for entity in (location, target.entity if target is not None else None):
        if entity is not None and entity.label in PLACE_LABELS and entity.country:
            return entity.country
    return None
