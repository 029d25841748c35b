"""Code who did what to whom, where and when (PLOVER events) from a parsed spaCy doc."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from service.events.dates import DateResolver
from service.events.lexicon import (
    COOPERATIVE,
    DOMESTIC_NOUNS,
    HOSTILE,
    LIGHT_VERBS,
    NEEDS_TARGET,
    NOUN_TRIGGERS,
    OBJECT_PHRASES,
    PARTICLE_PHRASES,
    PREP_PHRASES,
    RECIPROCAL,
    SPEECH_VERBS,
    VERB_TYPES,
    base_forms,
)
from service.events.quantities import QuantityReader
from service.models import DateInfo, Entity, Event

__all__ = ["EventExtractor"]

Token = Any  # spaCy ships no type information
Span = Any

_ACTOR_LABELS: Final = frozenset({"GPE", "NORP", "ORG", "PERSON", "LOC", "FAC"})
_PLACE_LABELS: Final = frozenset({"GPE", "LOC", "FAC"})
_SUBJECT_DEPS: Final = frozenset({"nsubj", "csubj"})
_OBJECT_DEPS: Final = frozenset({"dobj", "dative", "attr", "oprd"})
_TARGET_PREPS: Final = frozenset(
    {"to", "against", "on", "upon", "with", "at", "into", "toward", "towards", "over", "for",
     "from", "of"}
)  # fmt: skip
_PLACE_PREPS: Final = frozenset({"in", "at", "near", "outside", "inside", "across", "throughout"})
_MOVE_PREPS: Final = frozenset({"to", "into"})
_MOVEMENT_TYPES: Final = frozenset({"MOBILIZE", "RETREAT", "CONSULT", "AID"})
_EMBEDDING_DEPS: Final = frozenset(
    {"xcomp", "ccomp", "pcomp", "prep", "pobj", "advcl", "acl", "dobj", "nsubjpass"}
)
_NP_SKIP_DEPS: Final = frozenset(
    {"prep", "relcl", "acl", "advcl", "punct", "cc", "conj", "appos", "case"}
)
_HYPOTHETICAL_MARKS: Final = frozenset({"if", "unless", "whether", "lest"})
_HYPOTHETICAL_MODALS: Final = frozenset({"could", "might", "may", "should", "can", "must"})
_OBLIGATION: Final = frozenset({"must", "should"})
_FUTURE_AUX: Final = frozenset({"will", "would", "'ll", "shall", "wo"})
_FUTURE_HEADS: Final = frozenset({"plan", "intend", "prepare", "prepared", "ready", "set", "aim"})
_DENIAL: Final = frozenset({"deny", "refuse", "reject", "dismiss", "decline"})
_STATIVE_PASSIVE: Final = frozenset({"oppose", "commit", "determine", "prepare"})
_PRONOUNS: Final = frozenset({"it", "they", "he", "she", "we", "i", "its", "their", "them"})
# Acts that always fall on someone: unnamed, that someone is at home ("imposed martial law").
_ACTED_UPON: Final = frozenset({"COERCE", "PROTEST", "THREATEN", "CONCEDE"})
_ACTOR_PREPS: Final = frozenset({"of", "from", "in", "throughout", "at", "near"})
_TARGET_NP_PREPS: Final = frozenset({"of", "from"})
_FORCE: Final = frozenset({"ASSAULT", "COERCE"})
_SYMMETRIC: Final = frozenset({"AGREE", "CONSULT", "COOPERATE"})
_TROOP_TYPES: Final = frozenset({"MOBILIZE", "AID"})
# "KYIV, Oct. 18 (Reuters) -": the place an article was filed from
_DATELINE_RE: Final = re.compile(
    r"^\s*([A-Z][A-Za-z.' -]{1,40}?)\s*(?:,[^\n]{0,40}?)?\s*(?:\(|--|-|\u2014|\u2013)"
)


@dataclass(frozen=True, slots=True)
class _Trigger:
    """A token that signals an event, with what the lexicon made of it."""

    token: Token
    type: str
    text: str
    base: str
    objects: tuple[Token, ...]


class _Entities:
    """Which entity each token belongs to, built once per doc with events in it."""

    def __init__(self, doc: Any, entities: Sequence[Entity]) -> None:
        self.by_token: dict[int, Entity] = {}
        for entity in entities:
            if entity.label not in _ACTOR_LABELS:
                continue
            for start, end in entity.mentions:
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is None:
                    continue
                for token in span:
                    self.by_token.setdefault(token.i, entity)

    def of(self, token: Token) -> Entity | None:
        return self.by_token.get(token.i)


def _children(token: Token, deps: Iterable[str]) -> list[Token]:
    wanted = frozenset(deps)
    return [c for c in token.children if c.dep_ in wanted]


def _with_conjuncts(token: Token) -> list[Token]:
    """A head and the heads coordinated with it ("X, Y and Z")."""
    out = [token]
    for child in token.children:
        if child.dep_ == "conj":
            out.extend(_with_conjuncts(child))
    return out


def _np_tokens(head: Token) -> list[Token]:
    """The tokens of a noun phrase without its clauses, prepositions and coordinated heads."""
    out = [head]
    for child in head.children:
        if child.dep_ not in _NP_SKIP_DEPS:
            out.extend(_np_tokens_inner(child))
    return out


def _np_tokens_inner(token: Token) -> list[Token]:
    out = [token]
    for child in token.children:
        if child.dep_ not in ("prep", "relcl", "acl", "advcl", "punct"):
            out.extend(_np_tokens_inner(child))
    return out


def _passive_participle(verb: Token) -> bool:
    """'a pact signed by ...' (the noun is acted upon), not a misparsed 'strikes killed 30'."""
    return bool(
        verb.dep_ == "acl"
        and verb.tag_ == "VBN"
        and not any(c.dep_ == "dobj" for c in verb.children)
    )


_CLAUSE_DEPS: Final = frozenset({"relcl", "advcl", "ccomp", "parataxis", "conj", "appos"})


def _phrase_tokens(token: Token, skip: frozenset[str] = _CLAUSE_DEPS) -> Iterator[Token]:
    """A subtree without the clauses and conjuncts attached to it."""
    yield token
    for child in token.children:
        if child.dep_ not in skip:
            yield from _phrase_tokens(child, skip)


class EventExtractor:
    """Finds PLOVER events in a doc; the lexicon and its inflections are built once here."""

    def __init__(self) -> None:
        verbs = (
            set(VERB_TYPES)
            | LIGHT_VERBS
            | {verb for verb, _ in OBJECT_PHRASES}
            | {verb for verb, _ in PARTICLE_PHRASES}
            | {verb for verb, _ in PREP_PHRASES}
        )
        self._verbs = base_forms(verbs)
        self._speech = base_forms(SPEECH_VERBS)
        self._denial = base_forms(_DENIAL)
        self._future_heads = base_forms(_FUTURE_HEADS)
        self._stative = base_forms(_STATIVE_PASSIVE)
        self._nouns = dict(NOUN_TRIGGERS)
        self._prefilter = frozenset(self._verbs) | frozenset(self._nouns) | _OBLIGATION
        self._dates = DateResolver()
        self._quantities = QuantityReader()

    def __call__(
        self, doc: Any, entities: Sequence[Entity], published_at: datetime | None
    ) -> list[Event]:
        """All events of the doc, sentence by sentence, with duplicates in a sentence merged."""
        if not doc.has_annotation("DEP") or not len(doc):
            return []
        index: _Entities | None = None
        events: list[Event] = []
        for sent in doc.sents:
            if not any(t.lower_ in self._prefilter for t in sent):
                continue
            if index is None:
                index = _Entities(doc, entities)
            events.extend(self._sentence(doc, sent, index, published_at))
        return events

    # --- triggers -----------------------------------------------------------------------

    def _classify(self, token: Token) -> _Trigger | None:
        """The event type a verb or event noun signals, decided by particle, object and prep."""
        low = token.lower_
        if token.ent_type_ or token.dep_ in ("amod", "compound", "nmod"):
            return None  # part of a name or a modifier ("Charging Pad", "the attack helicopter")
        if low in self._speech:
            # "X said Y must do Z" is X demanding Z of Y
            for clause in _children(token, ("ccomp",)):
                if any(c.dep_ == "aux" and c.lower_ in _OBLIGATION for c in clause.children):
                    return _Trigger(token, "REQUEST", f"{token.text} ... must", low, ())
        if token.tag_.startswith("VB") or (token.tag_.startswith("JJ") and low in self._stative):
            base = self._verbs.get(low)
            if base is None:
                return None
            objects = self._objects(token)
            for child in token.children:
                if child.dep_ == "prt" and (base, child.lower_) in PARTICLE_PHRASES:
                    return _Trigger(
                        token, PARTICLE_PHRASES[(base, child.lower_)],
                        f"{token.text} {child.text}", base, objects,
                    )  # fmt: skip
            for obj in objects:
                for noun in (obj.lower_, obj.lower_.rstrip("s")):
                    if (base, noun) in OBJECT_PHRASES:
                        return _Trigger(
                            token, OBJECT_PHRASES[(base, noun)], f"{token.text} {obj.text}",
                            base, objects,
                        )  # fmt: skip
            for child in token.children:
                if child.dep_ in ("prep", "dobj") and (base, child.lower_) in PREP_PHRASES:
                    return _Trigger(
                        token, PREP_PHRASES[(base, child.lower_)], f"{token.text} {child.text}",
                        base, objects,
                    )  # fmt: skip
            type_ = VERB_TYPES.get(base)
            if type_ is None:
                return None
            return _Trigger(token, type_, token.text, base, objects)
        if token.tag_.startswith("NN") and low in self._nouns:
            head = token.head
            if token.dep_ in ("dobj", "nsubjpass") and head.lower_ in self._verbs:
                return None  # the verb carries the event ("signed a pact")
            if token.dep_ in ("compound", "amod"):
                return None
            if any(c.dep_ == "acl" and c.lower_ in self._verbs for c in token.children):
                return None  # "a pact signed between X and Y": the participle carries it
            return _Trigger(token, self._nouns[low], token.text, low, ())
        return None

    @staticmethod
    def _objects(verb: Token) -> tuple[Token, ...]:
        """The nouns a verb acts on: objects, the passive subject, or the noun a participle
        modifies ("a pact signed")."""
        objects = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass", "dative")]
        objects += [
            gc for c in verb.children if c.dep_ == "prep" for gc in c.children
            if gc.dep_ == "pobj"
        ]  # fmt: skip
        if _passive_participle(verb):
            objects.append(verb.head)
        objects += [
            gc for obj in list(objects) for c in obj.children if c.dep_ == "prep"
            and c.lower_ in ("of", "in") for gc in c.children if gc.dep_ == "pobj"
        ]  # fmt: skip
        expanded = [h for obj in objects for h in _with_conjuncts(obj)]
        # a compound object's modifier can carry the meaning ("troop dispatch", "hunger strike")
        expanded += [c for obj in expanded for c in obj.children if c.dep_ == "compound"]
        return tuple(expanded)

    # --- per sentence ---------------------------------------------------------------------

    def _sentence(
        self, doc: Any, sent: Span, index: _Entities, published_at: datetime | None
    ) -> list[Event]:
        """Events of one sentence; the date is resolved once, only if an event needs it."""
        triggers = {t.i: trig for t in sent if (trig := self._classify(t)) is not None}
        if not triggers:
            return []
        events: list[Event] = []
        seen: set[tuple[str, str | None, str | None]] = set()
        date_cache: list[DateInfo | None] = []
        for trig in triggers.values():
            type_ = self._modality(trig, triggers)
            if type_ is None:
                continue
            pairs, source = self._participants(trig, type_, index)
            if not pairs:
                continue
            if not date_cache:
                date_cache.append(self._date(doc, sent, trig.token, published_at))
            used = {e.name for pair in pairs for e in pair if e is not None}
            if source is not None:
                used.add(source.name)
            location = self._location(doc, sent, index, used, type_)
            quantity = self._quantities(
                list(trig.objects) + _children(trig.token, ("nsubj", "nsubjpass"))
            )
            for actor, target in pairs:
                key = (type_, actor.name if actor else None, target.name if target else None)
                if key in seen:
                    continue
                seen.add(key)
                events.append(
                    Event(
                        type=type_,
                        trigger=trig.text,
                        actor=key[1],
                        target=key[2],
                        source=source.name if source else None,
                        location=location.name if location else None,
                        date=date_cache[0],
                        quantity=quantity,
                        sentence=(sent.start_char, sent.end_char),
                    )
                )
        # "killed one soldier and wounded two others": the untargeted twin adds nothing
        targeted = {(e.type, e.actor) for e in events if e.target is not None}
        return [e for e in events if e.target is not None or (e.type, e.actor) not in targeted]

    def _modality(self, trig: _Trigger, triggers: dict[int, _Trigger]) -> str | None:
        """The type to code, or None when negated, hypothetical, denied or embedded in another
        event ("accused X of attacking": only the accusation is coded)."""
        token = trig.token
        negated = any(c.dep_ == "neg" for c in token.children)
        future = False
        for child in token.children:
            if child.dep_ == "aux" and child.lower_ in _HYPOTHETICAL_MODALS:
                return None
            if child.dep_ == "aux" and child.lower_ in _FUTURE_AUX:
                future = True
        current = token
        for _ in range(6):
            if any(c.dep_ == "mark" and c.lower_ in _HYPOTHETICAL_MARKS for c in current.children):
                return None
            if current.dep_ == "conj" and current.head is not current:
                current = current.head  # a conjunct shares its head's embedding
                continue
            if current.dep_ not in _EMBEDDING_DEPS or current.head is current:
                break
            head = current.head
            if head.i in triggers:
                return None
            if head.lower_ in self._denial:
                return None
            if current.dep_ == "xcomp" and self._future_heads.get(head.lower_):
                future = True
                negated = negated or any(c.dep_ == "neg" for c in head.children)
            if current.dep_ == "ccomp" and head.lower_ in self._speech:
                break
            current = head
        type_ = trig.type
        if negated:
            return "REJECT" if type_ in COOPERATIVE or type_ == "AGREE" else None
        if future and type_ in COOPERATIVE:
            return "AGREE"
        if future and type_ in HOSTILE:
            return "THREATEN"
        return type_

    # --- who ------------------------------------------------------------------------------

    def _subjects(self, verb: Token, *, stative: bool = False) -> list[Token]:
        """Subject heads of a verb, inherited through xcomp/conj chains."""
        deps = _SUBJECT_DEPS | {"nsubjpass"} if stative else _SUBJECT_DEPS
        current = verb
        for _ in range(4):
            subjects = _children(current, deps)
            if subjects:
                return subjects
            if current.dep_ in ("xcomp", "conj", "advcl", "acomp") and current.head is not current:
                current = current.head
                continue
            if current.dep_ in ("acl", "relcl") and not _passive_participle(current):
                return [current.head]
            break
        return []

    def _entities_of(
        self, head: Token, index: _Entities, *, outer: bool = False, actor: bool = False
    ) -> list[Entity]:
        """The entities a noun phrase names: country-bearing ones first; coordinated modifiers
        ("Hungarian and Romanian officials") give several; prepositions are a last resort, and
        for an actor a place says who ("rebels in the Ivory Coast"), for a target only where."""
        tokens = _np_tokens(head)
        found: list[Entity] = []
        for token in tokens:
            entity = index.of(token)
            if entity is not None and entity not in found:
                found.append(entity)
        if outer:
            found += [
                e for a in _children(head, ("appos",))
                if (e := index.of(a)) is not None and e.label in _PLACE_LABELS and e not in found
            ]  # fmt: skip
        countries = [e for e in found if e.country]
        if countries:
            own = index.of(head)
            if own is not None and own.country:
                if outer and len(countries) > 1:
                    return [countries[-1]]
                return [own]
            coordinated = [
                e for t in tokens if t.dep_ == "conj" and (e := index.of(t)) is not None
                and e.country
            ]  # fmt: skip
            return countries[:1] + [e for e in coordinated if e is not countries[0]]
        for appos in _children(head, ("appos",)):
            inner = [e for t in _np_tokens(appos) if (e := index.of(t)) is not None and e.country]
            if inner:
                return inner[:1]
        if found:
            return found[:1]
        for prep in _children(head, ("prep",)):
            if prep.lower_ in (_ACTOR_PREPS if actor else _TARGET_NP_PREPS):
                for pobj in _children(prep, ("pobj",)):
                    inner = self._entities_of(pobj, index, actor=actor)
                    if inner:
                        return inner
        return []

    def _group(
        self, heads: Iterable[Token], index: _Entities, *, outer: bool = False, deep: bool = False
    ) -> list[Entity]:
        """Entities of coordinated heads, with appositive lists ("The U.S., South Korea");
        `deep` lets an actor's phrase lend the first country it names ("workers affiliated
        with the Serbian union")."""
        out: list[Entity] = []
        for head in heads:
            members = _with_conjuncts(head)
            own = index.of(head)
            if own is not None and own.country and not outer:
                members += [a for a in head.children if a.dep_ == "appos"]
            for member in members:
                found = self._entities_of(member, index, outer=outer, actor=deep)
                if not found and deep:
                    found = [
                        e for t in _phrase_tokens(member) if (e := index.of(t)) is not None
                        and e.country
                    ][:1]  # fmt: skip
                for entity in found:
                    if entity not in out:
                        out.append(entity)
        return out

    def _participants(
        self, trig: _Trigger, type_: str, index: _Entities
    ) -> tuple[list[tuple[Entity | None, Entity | None]], Entity | None]:
        """(actor, target) pairs and the reporting source of one trigger."""
        token = trig.token
        source = self._source(token, index)
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children) and (
            trig.base not in _STATIVE_PASSIVE
        )
        actors: list[Entity] = []
        target_heads: list[list[Token]] = []
        if token.tag_.startswith("NN"):
            actors = self._group(_children(token, ("poss",)), index)
            if not actors:
                actors = [
                    e for t in _children(token, ("amod", "compound"))
                    if (e := index.of(t)) is not None and e.country
                ][:1]  # fmt: skip
        elif passive:
            themes = _children(token, ("nsubjpass",))
            agents = [p for a in _children(token, ("agent",)) for p in _children(a, ("pobj",))]
            owners = self._group(themes, index) if type_ == "MOBILIZE" else []
            actors = owners or self._group(agents, index)
            if not owners:
                target_heads.append(themes)
        else:
            subjects = self._subjects(token, stative=trig.base in _STATIVE_PASSIVE)
            pronoun = bool(subjects) and all(s.lower_ in _PRONOUNS for s in subjects)
            actors = (
                [source]
                if pronoun and source is not None
                else self._group(subjects, index, deep=True)
            )
            if not actors and token.dep_ == "acl" and token.head.dep_ in _OBJECT_DEPS:
                # "issued a declaration demanding ...": the declaration's issuer demands
                actors = self._group(self._subjects(token.head.head), index)
        pairs_between = self._between(token, index)
        if _passive_participle(token):
            pairs_between = pairs_between or self._between(token.head, index)
        if not actors and len(pairs_between) >= 2:
            actors, between_targets = pairs_between, []
        else:
            between_targets = pairs_between
        if not actors:
            return [], source
        targets = between_targets or self._targets(token, trig, target_heads, index)
        if (
            not targets
            and len(actors) < 2
            and (
                token.tag_.startswith("NN")
                or (trig.base in NEEDS_TARGET and trig.text == token.text)
            )
        ):
            return [], source  # "the troop dispatch", "the service arrived": too vague alone
        if not targets and len(actors) == 1:
            targets = self._domestic(trig, type_, actors, index)
        pairs: list[tuple[Entity | None, Entity | None]] = []
        reciprocal = trig.base in RECIPROCAL or type_ in _SYMMETRIC
        if len(actors) > 1 and reciprocal and not targets:
            pairs = [(a, b) for a in actors for b in actors if a is not b]
        elif targets:
            pairs = [(a, t) for a in actors for t in targets if a is not t or len(actors) == 1]
            if (trig.base in RECIPROCAL and type_ in _SYMMETRIC) or (
                type_ == "AGREE" and trig.type == "CONSULT"
            ):
                pairs += [(t, a) for a, t in pairs if a is not t]
        else:
            pairs = [(a, None) for a in actors]
        return pairs, source

    def _between(self, token: Token, index: _Entities) -> list[Entity]:
        for prep in _children(token, ("prep",)):
            if prep.lower_ == "between":
                return self._group(_children(prep, ("pobj",)), index)
        return []

    def _targets(
        self, token: Token, trig: _Trigger, first: list[list[Token]], index: _Entities
    ) -> list[Entity]:
        """The first group of candidate heads that names an entity, preferring countries."""
        groups: list[list[Token]] = list(first)
        objs = _children(token, _OBJECT_DEPS)
        groups.append(objs)
        second: list[list[Token]] = []  # prepositions of prepositional objects come later
        for prep in _children(token, ("prep",)):
            if prep.lower_ in _TARGET_PREPS:
                pobjs = _children(prep, ("pobj", "pcomp"))
                groups.append(pobjs)
                second += [
                    _children(p, ("pobj",)) for pobj in pobjs for p in _children(pobj, ("prep",))
                    if p.lower_ in _TARGET_PREPS
                ]  # fmt: skip
        for obj in objs:
            for prep in _children(obj, ("prep",)):
                if prep.lower_ in _TARGET_PREPS or prep.lower_ in ("by", "between"):
                    groups.append(_children(prep, ("pobj",)))
        groups += second
        if trig.type == "CONSULT":  # "visited Brazil", "arrived in Amman"
            groups += [_children(p, ("pobj",)) for p in _children(token, ("prep",))
                       if p.lower_ == "in"]  # fmt: skip
        for clause in _children(token, ("xcomp", "advcl", "ccomp")):
            groups.append(_children(clause, ("nsubj", "nsubjpass")))
            groups.append(_children(clause, ("dobj",)))
            for prep in _children(clause, ("prep",)):
                if prep.lower_ in _TARGET_PREPS:
                    groups.append(_children(prep, ("pobj",)))
        fallback: list[Entity] = []
        for heads in groups:
            if not heads:
                continue
            found = self._group(heads, index, outer=trig.type in _TROOP_TYPES)
            countries = [e for e in found if e.country]
            if countries:
                return countries
            if found and not fallback:
                fallback = found
        if fallback:
            return fallback
        # last resort: the first country named in the phrases the verb governs, not in clauses
        # that modify them ("prevented the demonstration staged to protest ...")
        for child in token.children:
            if child.dep_ in ("dobj", "prep", "xcomp", "dative"):
                for t in _phrase_tokens(child, _CLAUSE_DEPS | {"acl"}):
                    entity = index.of(t)
                    if entity is None or not entity.country:
                        continue
                    # where an attack happens is whom it hits; where a pact is signed is a venue
                    venue = trig.type not in _FORCE and (
                        t.head.head.i == token.i or t.head.head.lower_ in self._nouns
                    )
                    if entity.label in _PLACE_LABELS and t.head.lower_ in _PLACE_PREPS and venue:
                        continue  # "signed a pact in Riyadh": where, not with whom
                    return [entity]
        return []

    @staticmethod
    def _domestic(
        trig: _Trigger, type_: str, actors: list[Entity], index: _Entities
    ) -> list[Entity]:
        """An unnamed target ("banned opposition candidates", "killed 23 people") is coded as
        the country where it happened, else the actor's own country (PLOVER's domestic code)."""
        token = trig.token
        heads = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass", "dative")]
        for clause in _children(token, ("xcomp", "ccomp", "advcl")):
            heads += _children(clause, ("dobj", "nsubj", "nsubjpass"))
        heads += [
            gc for c in token.children if c.dep_ == "prep" for gc in c.children
            if gc.dep_ == "pobj"
        ]  # fmt: skip
        heads += [gc for h in list(heads) for c in h.children if c.dep_ == "prep"
                  for gc in c.children if gc.dep_ == "pobj"]  # fmt: skip
        if type_ in _ACTED_UPON:
            if not heads and type_ != "PROTEST":
                return []
        elif not any(h.lower_ in DOMESTIC_NOUNS for h in heads):
            return []  # "opposes intimidation", "convened a meeting": no target, not a domestic one
        for t in token.sent:
            entity = index.of(t)
            if (
                entity is not None
                and entity.country
                and entity.label in _PLACE_LABELS
                and t.head.lower_ in _PLACE_PREPS | _MOVE_PREPS
                and t.dep_ == "pobj"
                and entity not in actors
            ):
                return [entity]
        return [a for a in actors if a.country][:1]

    def _source(self, token: Token, index: _Entities) -> Entity | None:
        """Who reports the event: the subject of a governing speech verb or 'according to X'."""
        current = token
        for _ in range(5):
            for child in current.children:
                if child.dep_ in ("parataxis", "ccomp") and child.lower_ in self._speech:
                    found = self._group(_children(child, _SUBJECT_DEPS), index)
                    if found:
                        return found[0]
                if child.dep_ == "prep" and child.lower_ == "according":
                    for to in child.children:
                        found = self._group(_children(to, ("pobj",)), index)
                        if found:
                            return found[0]
            if current.dep_ in ("ccomp", "parataxis") and current.head.lower_ in self._speech:
                found = self._group(_children(current.head, _SUBJECT_DEPS), index)
                return found[0] if found else None
            if current.head is current:
                break
            current = current.head
        return None

    # --- where, when ----------------------------------------------------------------------

    @staticmethod
    def _location(
        doc: Any, sent: Span, index: _Entities, used: set[str], type_: str
    ) -> Entity | None:
        """A place the sentence puts the event in ("in X", "at X"; "to X" for movements) that
        is not a party to it, else the dateline."""
        preps = _PLACE_PREPS | _MOVE_PREPS if type_ in _MOVEMENT_TYPES else _PLACE_PREPS
        for t in sent:
            entity = index.of(t)
            if (
                entity is not None
                and entity.label in _PLACE_LABELS
                and entity.name not in used
                and t.dep_ == "pobj"
                and t.head.lower_ in preps
            ):
                return entity
        match = _DATELINE_RE.match(doc[:30].text)  # doc.text would rebuild the whole text
        if match:
            span = doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
            if span is not None:
                entity = index.of(span[0])
                if entity is not None and entity.label in _PLACE_LABELS:
                    return entity
        return None

    def _date(
        self, doc: Any, sent: Span, token: Token, published_at: datetime | None
    ) -> DateInfo | None:
        """The date nearest the trigger: an explicit range first, else a DATE entity."""
        found = self._dates.find_range(sent.text)
        if found is not None:
            return self._dates.resolve_range(found, published_at)
        dates = [e for e in sent.ents if e.label_ == "DATE"]
        if not dates:
            return None
        nearest = min(dates, key=lambda e: min(abs(e.start - token.i), abs(e.end - token.i)))
        return self._dates(nearest.text, published_at)
