"""Who acts on whom in an event, and who reports it (actor, target, source)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Final

from service.entities.geo import load_countries
from service.events.index import PLACE_LABELS, EntityIndex
from service.events.inflection import base_forms
from service.events.lexicon import Lexicon
from service.events.party import Party, PartyPair
from service.events.phrases import PhraseEntities
from service.events.targets import Targets
from service.events.tree import (
    OBJECT_DEPS,
    SUBJECT_DEPS,
    Token,
    children,
    np_tokens,
    passive_participle,
    with_conjuncts,
)
from service.events.triggers import Trigger
from service.models import Entity

__all__ = ["Pair", "Participants"]

Pair = PartyPair

_SOURCE_HOPS: Final = 5  # how far up the tree a reporting verb is looked for
_SUBJECT_HOPS: Final = 4  # how far up an xcomp/conj chain a subject is inherited
#: punctuation that ends a dateline ("CAIRO --", "KABUL (AP):")
_DASHES: Final = frozenset({"-", "--", "—", "–", ":"})


class Participants:
    """Finds (actor, target) pairs and the source of a trigger; its word lists are set once."""

    def __init__(self, lexicon: Lexicon, speech: Mapping[str, str]) -> None:
        roles, types = lexicon.roles, lexicon.types
        self._speech = speech
        self._phrases = PhraseEntities(roles)
        self._targets = Targets(lexicon, self._phrases)
        self._nouns = lexicon.triggers.noun_types()
        self._stative = lexicon.modality.stative_passive
        self._needs_target = lexicon.triggers.needs_target
        self._reciprocal = lexicon.triggers.reciprocal
        self._exchanged = lexicon.triggers.exchanged
        self._pronouns = roles.pronouns
        self._converse = base_forms(roles.converse_verbs, lexicon.inflection.irregular)
        self._resigning = base_forms(roles.resigning_verbs, lexicon.inflection.irregular)
        self._resigning_phrases = frozenset(roles.resigning_phrases)
        self._phrase_verbs = base_forms(
            {verb for verb, _ in roles.resigning_phrases}, lexicon.inflection.irregular
        )
        self._domestic_nouns = roles.domestic_nouns
        self._home_preps = roles.place_preps | roles.move_preps
        self._symmetric = types.symmetric
        #: what two partners do with each other ("signed a pact with Y"), not to each other
        self._mutual = types.symmetric | types.cooperative
        self._acted_upon = types.acted_upon

    @property
    def speech_verbs(self) -> Mapping[str, str]:
        """The speech verbs' forms and their base forms."""
        return self._speech

    def destinations(self, trig: Trigger, index: EntityIndex) -> list[Party]:
        """Where the act sends its object (service.events.targets)."""
        return self._targets.destinations(trig, index)

    def beyond_own(self, trig: Trigger, country: str, index: EntityIndex) -> list[Party]:
        """Whom the act is aimed at past a target that restates the actor's own country
        (service.events.targets)."""
        return self._targets.beyond_own(trig, country, index)

    def __call__(
        self, trig: Trigger, type_: str, index: EntityIndex
    ) -> tuple[list[Pair], Entity | None]:
        """(actor, target) pairs and the reporting source of one trigger."""
        token = trig.token
        source = self.source(token, index)
        actors, themes = self._actors(trig, type_, index, source)
        between = self._between(token, index)
        if passive_participle(token):
            between = between or self._between(token.head, index)
        if not actors and len(between) >= 2:
            # "talks between X and Y", "fighting between X and Y": the sides act on each other
            return _each_other(between), source
        if not actors:
            return [], source
        joint = len(actors) > 1 and self._joint(trig, type_)
        # "X and Y agreed to resume flights between A and B": the sides are X and Y
        targets = (between if not joint else []) or self._targets(
            trig, themes, index, venues=not joint
        )
        if not targets and len(actors) == 1 and self._resigns(token):
            targets = _own_country(actors[0])  # "Indonesian President Suharto resigned"
        if not targets and len(actors) < 2 and self._vague(trig):
            if type_ != "PROTEST":
                return [], source  # "the troop dispatch", "the service arrived": too vague alone
            # "thousands marched through Dhaka": a protest is against the place's government
            targets = self._domestic(trig, type_, actors, targets, index)
            if not targets:
                return [], source
        if len(actors) == 1 and all(self._unplaced(t) for t in targets):
            targets = self._domestic(trig, type_, actors, targets, index)
        if not targets and all(a.entity is None for a in actors):
            return [], source  # "officials met": nobody named on either side
        return self._pairs(trig, type_, actors, targets, index), source

    # --- actors ---------------------------------------------------------------------------

    def _actors(
        self, trig: Trigger, type_: str, index: EntityIndex, source: Entity | None
    ) -> tuple[list[Party], list[list[Token]]]:
        """The actors, and the heads that come first as targets (a passive verb's theme)."""
        token = trig.token
        parties = self._phrases.parties
        if token.tag_.startswith("NN"):
            if token.dep_ == "dobj" and token.head.lower_ in self._converse:
                # "X received aid from Y": the aid is Y's, given to X
                givers = parties(_from_objects(token.head), index)
                if givers:
                    return givers, [self.subjects(token.head, index)]
            actors = parties(children(token, ("poss",)), index) or [
                Party.of(e) for t in children(token, ("amod", "compound"))
                if (e := index.of(t)) is not None and e.country
            ][:1]  # fmt: skip
            if not actors and token.dep_ == "dobj" and any(
                c.dep_ == "poss" and c.tag_ == "PRP$" for c in token.children
            ):
                # "Israel completed its withdrawal": "its" is the subject's
                actors = parties(self.subjects(token.head, index), index)
            return actors, []
        agents = [p for a in children(token, ("agent",)) for p in children(a, ("pobj",))]
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)
        if agents or (passive and trig.base not in self._stative):
            # "X was attacked by Y", "a camp attacked by Y": the agent acts on the theme
            themes = children(token, ("nsubjpass",))
            if not themes and passive_participle(token):
                themes = [token.head]
            # "North Korean forces were sent": the forces' country sends them
            owners = (
                [Party.of(p.entity) for p in parties(themes, index) if p.entity is not None]
                if type_ == "MOBILIZE" else []
            )  # fmt: skip
            return owners or parties(agents, index), ([] if owners else [themes])
        subjects = self.subjects(token, index, stative=trig.base in self._stative)
        if token.lower_ in self._converse:
            # "X received support from Y": Y gives, X is given to
            givers = parties(_from_objects(token), index)
            if givers:
                return givers, [subjects]
        if subjects and all(s.lower_ in self._pronouns for s in subjects):
            # "X said it would ...": the pronoun stands for the speaker, named or not
            speaker = Party.of(source) if source is not None else self._speaker(token, index)
            return ([speaker] if speaker is not None else []), []
        subjects = _past_dateline(subjects, index)
        actors = parties([d for s in subjects for d in self._doers(s, index)], index, deep=True)
        if not actors and token.dep_ == "acl" and token.head.dep_ in OBJECT_DEPS:
            # "issued a declaration demanding ...": the declaration's issuer demands
            actors = parties(self.subjects(token.head.head, index), index)
        return actors, []

    def _doers(self, subject: Token, index: EntityIndex) -> list[Token]:
        """Who acts when the subject is an act ("a Taliban attack killed 20", "Iran's strike
        hit ..."): the act's owner, named modifier or agent; else the subject itself."""
        if subject.lower_ not in self._nouns:
            return [subject]
        doers = [
            c for c in index.children(subject)
            if c.dep_ == "poss" or (c.dep_ in ("compound", "amod") and index.of(c) is not None)
        ]  # fmt: skip
        doers += [
            p for by in index.children(subject)
            if by.dep_ == "prep" and by.lower_ in ("by", "between")  # "fighting between X and Y"
            for p in children(by, ("pobj",))
        ]  # fmt: skip
        return doers or [subject]

    @staticmethod
    def subjects(verb: Token, index: EntityIndex, *, stative: bool = False) -> list[Token]:
        """Subject heads of a verb, inherited through xcomp/conj chains."""
        deps = SUBJECT_DEPS | {"nsubjpass"} if stative else SUBJECT_DEPS
        current = verb
        for _ in range(_SUBJECT_HOPS):
            subjects = index.cached(
                "stative subjects" if stative else "subjects",
                current,
                lambda t: [c for c in index.children(t) if c.dep_ in deps],
            )
            if subjects:
                return subjects
            stray = _stray_subject(current, index)
            if stray is not None:
                return [stray]
            if current.dep_ in ("xcomp", "conj", "advcl", "acomp") and current.head is not current:
                current = current.head
                continue
            if current.dep_ in ("acl", "relcl") and not passive_participle(current):
                # "the militants who attacked": the noun acts; "its commitment to support":
                # an unnamed noun of a clause does not (its owner may, see _actors)
                if current.dep_ == "relcl" or any(
                    index.of(t) is not None for t in np_tokens(current.head)
                ):
                    return [current.head]
                return []
            break
        return []

    def _vague(self, trig: Trigger) -> bool:
        """An event noun or an ambiguous verb alone, which needs a named target to count."""
        token = trig.token
        return bool(
            token.tag_.startswith("NN")
            or (trig.base in self._needs_target and trig.text == token.text)
        )

    def _pairs(
        self, trig: Trigger, type_: str, actors: list[Party], targets: list[Party],
        index: EntityIndex,
    ) -> list[Pair]:  # fmt: skip
        """Every actor with every target, one pair each (coordination on either side). A joint
        act of several sides ("X and Y met", "X met Y", "X agreed with Y") holds both ways, as
        CAMEO and GDELT code it: a consumer who follows either side's country finds it. A target
        found elsewhere is acted on, not a partner ("X agreed to lend Y $1 billion")."""
        if len(actors) > 1 and (
            (not targets and self._joint(trig, type_))
            or (
                (trig.base in self._reciprocal or type_ in self._symmetric)
                and not self._any_partner(trig, actors, targets, index)
                and (
                    trig.base in self._reciprocal
                    or all(t.entity is None or _sub_national(t) for t in targets)
                )
            )
        ):
            # "X and Y agreed to a cease-fire", "X and Y met", "X and Y held an exercise":
            # each other's partners
            return _each_other(actors)
        if not targets:
            return [(a, None) for a in actors]
        pairs: list[Pair] = [
            (a, t) for a in actors for t in targets if not a.same(t) or _domestic(a, t, actors)
        ]
        exchanged = trig.base in self._exchanged
        if exchanged or (trig.base in self._reciprocal and type_ in self._mutual):
            partners = _partners(trig.token, index)
            pairs += [
                (t, a) for a, t in pairs
                if a is not None and t is not None and not a.same(t)
                and (t.named or (exchanged and t.entity is not None and t.entity.country))
                and any(t.entity is e for e in partners)
            ]  # fmt: skip
        return pairs

    def _any_partner(
        self, trig: Trigger, actors: list[Party], targets: list[Party], index: EntityIndex
    ) -> bool:
        """Whether a target of a reciprocal act of several sides is a side of its own. A place
        below a country is its topic or venue ("held talks on Kashmir", "began joint exercises
        on Basilan") unless the act is with it ("talks with Beijing")."""
        found = [t for t in targets if _partner(t, actors)]
        if not any(_sub_national(t) for t in found):
            return bool(found)
        partners = _partners(trig.token, index)
        return any(not _sub_national(t) or any(t.entity is e for e in partners) for t in found)

    def _resigns(self, token: Token) -> bool:
        """Whether the verb is leaving office ("resigned", "stepped down")."""
        base = self._phrase_verbs.get(token.lower_)
        return token.lower_ in self._resigning or any(
            (base, c.lower_) in self._resigning_phrases for c in children(token, ("prt",))
        )

    def _joint(self, trig: Trigger, type_: str) -> bool:
        """An act its sides do together ("met", "agreed", "clashed")."""
        return trig.base in self._reciprocal or type_ in self._symmetric

    # --- targets --------------------------------------------------------------------------

    def _between(self, token: Token, index: EntityIndex) -> list[Party]:
        """The sides an act is between, on the verb, a clause it governs or the object of
        either ("offered to mediate between Armenia and Azerbaijan", "mediated talks between X
        and Y", "offered to host talks between X and Y")."""
        clauses = children(token, ("xcomp",))
        heads = [token, *clauses, *children(token, ("dobj",))]
        heads += [o for clause in clauses for o in children(clause, ("dobj",))]
        for prep in [p for head in heads for p in children(head, ("prep",))]:
            if prep.lower_ == "between":
                return self._phrases.parties(children(prep, ("pobj",)), index)
        return []

    def _domestic(
        self, trig: Trigger, type_: str, actors: list[Party], targets: list[Party],
        index: EntityIndex,
    ) -> list[Party]:  # fmt: skip
        """An unnamed target ("banned opposition candidates", "killed 23 people") belongs to the
        country where it happened, else to the actor's (PLOVER's domestic code): the phrase
        keeps its words and gains that country; with no phrase, the country is the target."""
        heads = _acted_on(trig.token)
        if type_ in self._acted_upon:
            if not heads and type_ != "PROTEST":
                return targets
        elif not any(h.lower_ in self._domestic_nouns for h in heads):
            return targets  # "opposes intimidation", "convened a meeting": not a domestic one
        home: Entity | None = None
        names = {a.entity.name for a in actors if a.entity is not None}
        for entity, prep in index.places_in(trig.token.sent):
            if entity.country and prep in self._home_preps and entity.name not in names:
                home = entity
                break
        if home is None:
            home = next((a.entity for a in actors if a.entity is not None and a.entity.country),
                        None)  # fmt: skip
        if home is None:
            return targets
        if not targets:
            return [Party.of(home)]
        return [replace(t, entity=home) for t in targets]

    def _unplaced(self, target: Party) -> bool:
        """A target no country places: no entity, or a phrase whose entity has none ("Taliban
        militants", "Islamist militia bases"), which is where the act happens, as an unnamed
        group is; not an organisation's name itself, nor a phrase a placed name leads ("the
        Sochi deal")."""
        if target.entity is None:
            return True
        return not target.named and not target.entity.country

    # --- source ---------------------------------------------------------------------------

    def source(self, token: Token, index: EntityIndex) -> Entity | None:
        """Who reports the event: the subject of a governing speech verb or 'according to X'."""
        current = token
        for _ in range(_SOURCE_HOPS):
            found = index.cached("reporter", current, lambda t: self._reporter_below(t, index))
            if found is not None:
                return found
            if current.dep_ in ("ccomp", "parataxis") and current.head.lower_ in self._speech:
                subjects = self._phrases.group(_speech_subjects(current.head, index), index)
                return subjects[0] if subjects else None
            if current.head is current:
                break
            current = current.head
        return None

    def _speaker(self, token: Token, index: EntityIndex) -> Party | None:
        """The party that speaks in 'The army said it would ...' when no entity names it: the
        subject of the speech verb that governs the clause."""
        current = token
        for _ in range(_SOURCE_HOPS):
            if current.dep_ in ("ccomp", "parataxis") and current.head.lower_ in self._speech:
                found = self._phrases.parties(_speech_subjects(current.head, index), index)
                return found[0] if found else None
            if current.head.i == current.i:
                break
            current = current.head
        return None

    def _reporter_below(self, current: Token, index: EntityIndex) -> Entity | None:
        """A speech verb or an 'according to' attached below the token, and who it names."""
        group = self._phrases.group
        for child in index.children(current):
            if child.dep_ in ("parataxis", "ccomp") and child.lower_ in self._speech:
                found = group(children(child, SUBJECT_DEPS), index)
                if found:
                    return found[0]
            if child.dep_ == "prep" and child.lower_ == "according":
                for to in child.children:
                    found = group(children(to, ("pobj",)), index)
                    if found:
                        return found[0]
        return None


def _own_country(actor: Party) -> list[Party]:
    """The country a named leader's title gives ("Indonesian" of "Indonesian President
    Suharto"), as the party a resignation yields to; none without one."""
    owner = actor.owner
    return [Party.of(owner)] if actor.person and owner is not None and owner.country else []


def _each_other(sides: list[Party]) -> list[Pair]:
    """Every side towards every other one ("X and Y met": X -> Y, Y -> X)."""
    return [(a, b) for a in sides for b in sides if not a.same(b)]


def _stray_subject(verb: Token, index: EntityIndex) -> Token | None:
    """A coordinated verb's own subject that the parser hung on the first verb as a conjunct
    ("Cuba sent doctors to Haiti, and Haitian President Rene Preval thanked Havana": Preval and
    thanked both conjuncts of sent): the noun conjunct just before the verb."""
    head = verb.head
    if verb.dep_ != "conj" or head.i == verb.i or not head.tag_.startswith("VB"):
        return None
    before = [c for c in index.children(head) if c.dep_ == "conj" and head.i < c.i < verb.i]
    if not before or not before[-1].tag_.startswith("NN"):
        return None
    return before[-1]


def _speech_subjects(verb: Token, index: EntityIndex) -> list[Token]:
    """The subjects of a speech verb, or of the verb it is coordinated with ("X accused Y and
    announced he was ...": X announced)."""
    for _ in range(_SOURCE_HOPS):
        heads = [c for c in index.children(verb) if c.dep_ in SUBJECT_DEPS]
        if heads or verb.dep_ != "conj" or verb.head.i == verb.i:
            return heads
        verb = verb.head
    return []


def _partner(target: Party, actors: list[Party]) -> bool:
    """Whether a target of a reciprocal act is a side of its own: a name, or a phrase of
    another nation ("met with Jordanian officials"), not the act's topic or venue ("reached an
    agreement on a summit in Bonn")."""
    entity = target.entity
    return target.named or (
        entity is not None and entity.label == "NORP" and entity.country is not None
        and all(a.entity is None or a.entity.country != entity.country for a in actors)
    )  # fmt: skip


def _sub_national(party: Party) -> bool:
    """Whether a party is named by a place that is not a country ("Kashmir", "Basilan")."""
    entity = party.entity
    return (
        party.named and entity is not None and entity.label in PLACE_LABELS
        and load_countries().country(entity.name) is None
    )  # fmt: skip


def _domestic(actor: Party, target: Party, actors: list[Party]) -> bool:
    """Whether an actor acting on itself is PLOVER's domestic code: a lone country-bearing
    side acting at home ("Kenya arrested opposition leaders": Kenya -> Kenya)."""
    return len(actors) == 1 and target.entity is not None and bool(target.entity.country)


def _partners(token: Token, index: EntityIndex) -> list[Entity]:
    """The entities a reciprocal trigger takes as the other side: its direct object ("met
    Y") and the object of its own "with", or of its object's ("signed a pact with Y")."""
    heads = children(token, ("dobj",))
    withs = [p for h in (token, *heads) for p in children(h, ("prep",)) if p.lower_ == "with"]
    heads += [o for p in withs for o in children(p, ("pobj",))]
    return [
        e for h in heads for m in with_conjuncts(h) for t in np_tokens(m)
        if (e := index.of(t)) is not None
    ]  # fmt: skip


def _from_objects(verb: Token) -> list[Token]:
    """The objects of 'from' on a verb or on its direct object ("received aid from Y")."""
    heads = [verb, *children(verb, ("dobj",))]
    return [o for h in heads for p in children(h, ("prep",)) if p.lower_ == "from"
            for o in children(p, ("pobj",))]  # fmt: skip


def _past_dateline(subjects: list[Token], index: EntityIndex) -> list[Token]:
    """Subjects without a dateline the parser took for one: "THE HAGUE, Netherlands -- A UN
    prosecutor has charged" (the noun after the dash acts), "KABUL (AP): Ghani held"."""
    out: list[Token] = []
    for subject in subjects:
        found = index.cached("past dateline", subject, _after_break)
        if found is not None:
            out.append(found)
        elif len(subjects) == 1 or not index.cached("has break", subject, _has_break):
            out.append(subject)
    return out


def _after_break(head: Token) -> Token | None:
    """The first apposition or conjunct after the last dash or colon that sets a dateline off
    from the subject: the dash is the subject's own or its apposition's ("CAIRO, Egypt -- A
    court"), not one inside a word ("left-wing")."""
    members = [head] + [c for c in head.children if c.dep_ in ("appos", "conj")]
    breaks = [
        c.i for m in members for c in m.children
        if c.dep_ == "punct" and c.text.strip("()") in _DASHES
    ]  # fmt: skip
    if not breaks:
        return None
    last = max(breaks)
    after = [
        c for m in members for c in m.children if c.i > last and c.dep_ in ("appos", "conj")
    ]  # fmt: skip
    return min(after, key=lambda t: t.i) if after else None


def _has_break(head: Token) -> bool:
    return any(
        c.dep_ == "punct" and c.text.strip("()") in _DASHES for c in head.children
    )


def _acted_on(token: Token) -> list[Token]:
    """The heads an act falls on: objects, objects of governed clauses and prepositions."""
    heads = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass", "dative")]
    for clause in children(token, ("xcomp", "ccomp", "advcl")):
        heads += children(clause, ("dobj", "nsubj", "nsubjpass"))
    heads += [
        gc for c in token.children if c.dep_ == "prep" for gc in c.children if gc.dep_ == "pobj"
    ]  # fmt: skip
    heads += [gc for h in list(heads) for c in h.children if c.dep_ == "prep"
              for gc in c.children if gc.dep_ == "pobj"]  # fmt: skip
    return heads
