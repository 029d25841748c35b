"""The entities a noun phrase names, for actors and targets (countries first)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Final

from service.events.index import PLACE_LABELS, EntityIndex
from service.events.lexicon import RoleWords
from service.events.party import HYPHENS, SIDE_DEPS, Party, phrase_text, phrase_tokens_of
from service.events.tree import (
    Token,
    children,
    doers_above,
    np_tokens,
    phrase_tokens,
    with_conjuncts,
)
from service.models import Entity

__all__ = ["PhraseEntities"]

#: entity labels of words that never stand for a party
_NOT_PARTIES: Final = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL"})
#: how far above "both sides" the verb it hangs from is looked for
_PAIR_HOPS: Final = 4
#: entity labels of an apposition that names a common-noun party ("the president, X")
_PEOPLE: Final = frozenset({"PERSON", "ORG"})


class PhraseEntities:
    """Noun phrase -> entities, with the prepositions that may say who a phrase is."""

    def __init__(self, roles: RoleWords) -> None:
        self._actor_preps = roles.actor_preps
        self._target_preps = roles.target_np_preps
        self._pronouns = roles.pronouns
        self._apart = roles.apart
        self._pair_nouns = roles.pair_nouns
        #: prepositions through which a phrase says whose its party is ("a camp for refugees")
        self._whose_preps = roles.actor_preps | roles.target_np_preps | {"for"}

    def of(
        self, head: Token, index: EntityIndex, *, outer: bool = False, actor: bool = False
    ) -> list[Entity]:
        """The entities a noun phrase names: country-bearing ones first; coordinated modifiers
        ("Hungarian and Romanian officials") give several; prepositions are a last resort, and
        for an actor a place says who ("rebels in the Ivory Coast"), for a target only where.

        The prepositional chain is walked with a stack, depth first, in the order a recursion
        would take: "the son of the son of ... of the king" is as deep as the text is long.
        """
        preps = self._actor_preps if actor else self._target_preps
        stack = [head]
        while stack:
            node = stack.pop()
            found = _named(node, index, outer=outer and node is head)
            if found:
                return found
            stack.extend(reversed([
                pobj for prep in children(node, ("prep",)) if prep.lower_ in preps
                for pobj in children(prep, ("pobj",))
            ]))  # fmt: skip
        return []

    def group(
        self, heads: Iterable[Token], index: EntityIndex, *, outer: bool = False,
        deep: bool = False,
    ) -> list[Entity]:  # fmt: skip
        """Entities of coordinated heads, with appositive lists ("The U.S., South Korea");
        `deep` lets an actor's phrase lend the first country it names ("workers affiliated
        with the Serbian union")."""
        out: list[Entity] = []
        for head in heads:
            for member in _members(head, index, outer=outer):
                if index.in_dateline(member):
                    continue  # where the report was filed, and by whom
                found = self.of(member, index, outer=outer, actor=deep)
                if not found and deep:
                    found = _first_country(member, index)
                for entity in found:
                    if entity not in out:
                        out.append(entity)
        return out

    def parties(
        self, heads: Iterable[Token], index: EntityIndex, *, outer: bool = False,
        deep: bool = False,
    ) -> list[Party]:  # fmt: skip
        """The parties of coordinated heads (one per head), with appositive lists of countries
        ("The U.S., South Korea"); `deep` as for `group`. A conjunct that names no one belongs
        where the one before it does: a modifier or owner reaches over the coordination
        ("Hungarian NGOs and free media", "the Lebanese state, security forces and X"), but
        not to "other countries" or "their allies", which are someone else."""
        fact = f"party {outer:d}{deep:d}"
        out: list[Party] = []
        for head in _objects(heads):
            sides = self._pair_sides(head, index) if head.lower_ in self._pair_nouns else []
            if sides:
                # "urged both sides to cease fire", "the two leaders agreed": each side the
                # sentence named before, under the phrase as written
                text = phrase_text(index.cached("phrase", head, phrase_tokens_of))
                out += [Party(text, side, side=True) for side in sides]
                continue
            lender: Entity | None = None
            for member in _members(head, index, outer=outer):
                if index.in_dateline(member):
                    continue  # where the report was filed, and by whom
                party = index.cached(
                    fact, member, lambda t: self.party(t, index, outer=outer, deep=deep)
                )
                if party is None or any(p.same(party) for p in out):
                    continue
                if member.dep_ == "appos" and member.i != head.i and not party.named:
                    continue  # an apposition counts as a side only in a list of names
                if (
                    party.entity is None and party.owner is None and member.dep_ == "conj"
                    and not any(
                        c.lower_ in self._apart or c.tag_ == "PRP$" for c in member.children
                    )
                ):  # fmt: skip
                    party = replace(party, owner=lender)
                lender = party.entity or party.owner or lender
                # "Indian and Pakistani officials": one side per country
                others = _coordinated(member, party, index)
                if others:
                    party = replace(party, side=True)
                out.append(party)
                out += [replace(party, entity=e) for e in others]
        return out

    def _pair_sides(self, head: Token, index: EntityIndex) -> list[Entity]:
        """The two countries a pair noun ("both sides", "the two leaders", "their countries")
        stands for: the first two the sentence named before the phrase, leaving out whoever
        speaks of them (who does what the nearest verb above the phrase says: "Putin urged
        both sides")."""
        if not any(
            (c.dep_ in ("det", "predet", "preconj") and c.lower_ == "both")
            or (c.dep_ == "nummod" and c.lower_ == "two")
            or (c.dep_ == "poss" and c.lower_ == "their")
            for c in head.children
        ):  # fmt: skip
            return []
        speaking = {
            t.i for s in doers_above(head, _PAIR_HOPS) if s.i != head.i for t in phrase_tokens(s)
        }  # fmt: skip
        found: list[Entity] = []
        for token in head.sent:
            if token.i >= head.i:
                break
            entity = index.of(token)
            if (
                token.i not in speaking and entity is not None and entity.country
                and all(f.country != entity.country for f in found)
            ):  # fmt: skip
                found.append(entity)
                if len(found) == 2:
                    return found
        return []

    def party(
        self, head: Token, index: EntityIndex, *, outer: bool = False, deep: bool = False
    ) -> Party | None:
        """The party a noun phrase stands for. Its head decides: an entity's head names the
        party ("Lebanon's Hezbollah" is Hezbollah); a common noun makes the phrase the party
        ("Burundian militiamen", "Israel's militia ally"), belonging to the entity its owner,
        modifiers or prepositions name (Burundian, Israel); a pronoun alone is nobody."""
        own = index.of(head)
        if own is None and head.ent_type_ in _NOT_PARTIES:
            return None  # "on Tuesday", "for 20 years"
        tokens = index.cached("phrase", head, phrase_tokens_of)
        if own is not None:
            owner = _owner(head, own, index)
            if owner is not None:  # "Ivory Coast's Supreme Court": the phrase, Ivorian
                return Party(phrase_text(tokens), owner)
            if outer:  # "to Vladivostok, Russia": a movement's target is the country
                outermost = self.of(head, index, outer=True)
                if outermost and outermost[0] is not own:
                    return Party(phrase_text(tokens), outermost[0], named=True)
            # "Salaheddine Amrani, a Moroccan diplomat": named, with a country beside the name;
            # else a person's organisation ("Hezbollah chief Hassan Nasrallah"), which the actor
            # knowledge base may place where the entity list does not
            beside = _beside(own, _in_phrase(tokens, index) + _appositive(head, index))
            return Party(phrase_text(tokens), own, named=True, owner=beside)
        if head.tag_ in ("PRP", "PRP$", "WP", "WDT", "EX") or head.lower_ in self._pronouns:
            return None
        name = _named_apposition(head, index)
        if name is not None:
            # "the then president, Goodluck Jonathan", "his deputy Jacob Zuma": the name names
            # the party; a country the phrase names ("his Iranian counterpart, X") is beside
            # it, or the organisation ("Hezbollah chief, X")
            beside = _beside(name, _in_phrase(tokens, index))
            return Party(phrase_text(tokens), name, named=True, owner=beside)
        found = self.of(head, index, outer=outer, actor=deep)
        if not found and deep:
            found = _first_country(head, index)
        if not found:  # "a camp for Congolese refugees", not "a bomb outside the Iraqi city"
            found = _in_phrase([t for t in tokens if self._whose(t, head)], index)
        if not found and not head.tag_.startswith("NN"):
            return None  # "two", "some", "this": a party only where it names whose
        return Party(phrase_text(tokens), found[0] if found else None)


    def _whose(self, token: Token, head: Token) -> bool:
        """Whether a token of the head's phrase may say whose the party is: not through a
        preposition of place or circumstance ("outside", "during"), only of belonging."""
        while token.i != head.i and token.head.i != token.i:  # indices: spaCy makes new objects
            if token.dep_ == "prep" and token.lower_ not in self._whose_preps:
                return False
            token = token.head
        return True


def _objects(heads: Iterable[Token]) -> list[Token]:
    """Heads, with a preposition parsed as an object ("sent aid to X": dative "to") replaced
    by its object, and without the pieces of a hyphenated word the parser took for heads of
    their own ("ex", "-" of "ex-ministers")."""
    out: list[Token] = []
    for head in heads:
        out += children(head, ("pobj",)) if head.tag_ in ("IN", "TO") else [head]
    return [head for head in out if not _word_piece(head)]


def _word_piece(token: Token) -> bool:
    """Punctuation, or a word glued by a hyphen to the next one outside any entity ("ex" of
    "ex-ministers"): a piece of a word, never a party of its own."""
    if not any(ch.isalnum() for ch in token.text):
        return True
    doc = token.sent.doc
    glued = token.i + 1 < len(doc) and doc[token.i + 1].text in HYPHENS
    return glued and not doc[token.i].whitespace_ and not token.ent_type_


def _coordinated(head: Token, party: Party, index: EntityIndex) -> list[Entity]:
    """The other countries of a common noun's coordinated modifiers or owners ("Indian and
    Pakistani officials", "Russia and Turkey's foreign ministers", "the ministers of Egypt and
    Jordan"): each is a side of its own, as when the text names both countries."""
    own = party.entity
    if party.named or own is None or not own.country:
        return []
    out: list[Entity] = []
    # "the foreign ministers of Egypt and Jordan": the countries of an "of" phrase too
    owners = [c for c in head.children if c.dep_ in SIDE_DEPS] + [
        o for prep in children(head, ("prep",)) if prep.lower_ == "of"
        for o in children(prep, ("pobj",))
    ]  # fmt: skip
    for modifier in owners:
        if index.of(modifier) is own:
            for other in with_conjuncts(modifier)[1:]:
                entity = index.of(other)
                if (
                    entity is not None and entity.country and entity.country != own.country
                    and entity not in out
                ):  # fmt: skip
                    out.append(entity)
    return out


def _owner(head: Token, own: Entity, index: EntityIndex) -> Entity | None:
    """Another entity that owns a named head ("Ivory Coast's Supreme Court")."""
    for child in children(head, ("poss",)):
        entity = index.of(child)
        if entity is not None and entity is not own:
            return entity
    return None


def _beside(own: Entity, near: list[Entity]) -> Entity | None:
    """What a named party belongs to among the entities around its name: the first that has a
    country; else, for a person, an organisation ("Hezbollah chief Hassan Nasrallah"), which the
    actor knowledge base may place where the entity list does not."""
    others = [e for e in near if e is not own]
    found = [e for e in others if e.country]
    if not found and own.label == "PERSON":
        found = [e for e in others if e.label == "ORG"]
    return found[0] if found else None


def _appositive(head: Token, index: EntityIndex) -> list[Entity]:
    """The entities an apposition of the head names in its own words."""
    return [e for a in children(head, ("appos",)) for t in np_tokens(a)
            if (e := index.of(t)) is not None]  # fmt: skip


def _named_apposition(head: Token, index: EntityIndex) -> Entity | None:
    """The person or organisation an apposition of a common noun names ("the president,
    Goodluck Jonathan"), when the apposition is that name and nothing more."""
    if not head.tag_.startswith("NN") or head.ent_type_:
        return None
    for appos in children(head, ("appos",)):
        entity = index.of(appos)
        if entity is not None and entity.label in _PEOPLE:
            return entity
    return None


def _in_phrase(tokens: list[Token], index: EntityIndex) -> list[Entity]:
    """The entities within a phrase as written, country-bearing ones first."""
    found: list[Entity] = []
    for t in tokens:
        entity = index.of(t)
        if entity is not None and entity not in found:
            found.append(entity)
    return sorted(found, key=lambda e: not e.country)


def _members(head: Token, index: EntityIndex, *, outer: bool) -> list[Token]:
    """A head, its conjuncts, and for a country its appositions ("The U.S., South Korea")."""
    members = with_conjuncts(head)
    own = index.of(head)
    if own is not None and own.country and not outer:
        # not a bracketed apposition: another name for the head ("the Libyan National Army
        # (LNA)"), not another side
        doc = head.sent.doc
        members += [
            a for a in head.children if a.dep_ == "appos" and doc[a.i - 1].text != "("
        ]  # fmt: skip
    return members


def _first_country(head: Token, index: EntityIndex) -> list[Entity]:
    return [
        e for t in phrase_tokens(head) if (e := index.of(t)) is not None and e.country
    ][:1]  # fmt: skip


def _named(head: Token, index: EntityIndex, *, outer: bool) -> list[Entity]:
    """What the noun phrase itself names, without following its prepositions."""
    tokens = np_tokens(head)
    found: list[Entity] = []
    for token in tokens:
        entity = index.of(token)
        if entity is not None and entity not in found:
            found.append(entity)
    if outer:
        found += [
            e for a in children(head, ("appos",))
            if (e := index.of(a)) is not None and e.label in PLACE_LABELS and e not in found
        ]  # fmt: skip
    countries = [e for e in found if e.country]
    if countries:
        return _countries_first(head, tokens, countries, index, outer=outer)
    for appos in children(head, ("appos",)):
        inner = [e for t in np_tokens(appos) if (e := index.of(t)) is not None and e.country]
        if inner:
            return inner[:1]
    return found[:1]


def _countries_first(
    head: Token, tokens: list[Token], countries: list[Entity], index: EntityIndex, *,
    outer: bool,
) -> list[Entity]:  # fmt: skip
    """The head's own country, else the first country and those coordinated with it."""
    own = index.of(head)
    if own is not None and own.country:
        if outer and len(countries) > 1:
            return [countries[-1]]
        return [own]
    coordinated = [
        e for t in tokens if t.dep_ == "conj" and (e := index.of(t)) is not None and e.country
    ]  # fmt: skip
    return countries[:1] + [e for e in coordinated if e is not countries[0]]
