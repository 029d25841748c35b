"""Which tokens signal an event and of what PLOVER type (verb, phrase, particle or noun)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from service.events.derived import DerivedLexicon
from service.events.inflection import base_forms
from service.events.lexicon import Lexicon
from service.events.tree import Span, Token, passive_participle, with_conjuncts

__all__ = ["Trigger", "TriggerTyper", "objects_of"]

#: a trigger word in one of these roles only modifies ("the attack helicopter")
_MODIFIER_DEPS: Final = frozenset({"amod", "compound", "nmod"})
_ACTED_ON_DEPS: Final = frozenset({"dobj", "nsubjpass", "dative"})
#: "supply of weapons", "troops in Syria": the noun that says what the object is
_OBJECT_NP_PREPS: Final = frozenset({"of", "in"})


@dataclass(frozen=True, slots=True)
class Trigger:
    """A token that signals an event, with what the lexicon made of it."""

    token: Token
    type: str
    text: str
    base: str
    objects: tuple[Token, ...]


def objects_of(verb: Token) -> tuple[Token, ...]:
    """The nouns a verb acts on: objects, the passive subject, or the noun a participle
    modifies ("a pact signed"), with their coordinated heads and compound modifiers."""
    objects = [c for c in verb.children if c.dep_ in _ACTED_ON_DEPS]
    objects += [
        gc for c in verb.children if c.dep_ == "prep" for gc in c.children if gc.dep_ == "pobj"
    ]  # fmt: skip
    if passive_participle(verb):
        objects.append(verb.head)
    objects += [
        gc for obj in list(objects) for c in obj.children
        if c.dep_ == "prep" and c.lower_ in _OBJECT_NP_PREPS
        for gc in c.children if gc.dep_ == "pobj"
    ]  # fmt: skip
    expanded = [h for obj in objects for h in with_conjuncts(obj)]
    # a compound object's modifier can carry the meaning ("troop dispatch", "hunger strike")
    expanded += [c for obj in expanded for c in obj.children if c.dep_ == "compound"]
    return tuple(expanded)


class TriggerTyper:
    """Types trigger tokens; every inflected form of the lexicon's verbs is tabled once here.

    A `derived` lexicon (service.events.train's) adds verbs and nouns the hand lexicon lacks;
    the hand lexicon wins where both list a word.
    """

    def __init__(self, lexicon: Lexicon, derived: DerivedLexicon | None = None) -> None:
        words = lexicon.triggers
        irregular = lexicon.inflection.irregular
        self.verb_types = words.verb_types()
        self.object_types = words.object_types()
        self.particle_types = dict(words.particle_phrases)
        #: (prefix, verb) -> type of "prefix-verb" ("test-fired")
        self.hyphen_types = dict(words.hyphen_phrases)
        self.prep_types = dict(words.prep_phrases)
        self.noun_types = words.noun_types()
        verbs = (
            set(self.verb_types)
            | words.light_verbs
            | {verb for verb, _ in self.object_types}
            | {verb for verb, _ in self.particle_types}
            | {verb for _, verb in self.hyphen_types}
            | {verb for verb, _ in self.prep_types}
        )
        #: base form or noun -> "stories" / "wordnet" for the words the derived lexicon added
        self.derived: dict[str, str] = {}
        if derived is not None:
            for verb, word in derived.verbs.items():
                if verb not in verbs:
                    self.verb_types[verb] = word.type
                    self.derived[verb] = word.source
            verbs |= set(self.derived)
            for noun, word in derived.nouns.items():
                for form in (noun, noun + "s"):
                    if form not in self.noun_types:
                        self.noun_types[form] = word.type
                        self.derived[form] = word.source
        #: inflected form -> base form, for every verb the lexicon knows
        self.verbs = base_forms(verbs, irregular)
        self.speech = base_forms(lexicon.roles.speech_verbs, irregular)
        self._stative = base_forms(lexicon.modality.stative_passive, irregular)
        self._obligation = lexicon.modality.obligation
        self._prefilter = frozenset(self.verbs) | frozenset(self.noun_types) | self._obligation
        #: every word that can be a trigger itself (a speech verb only with "must" below it)
        self._words = frozenset(self.verbs) | frozenset(self.noun_types) | frozenset(self.speech)

    def source(self, trig: Trigger) -> str:
        """Where the trigger's type comes from: "hand", or the derived lexicon's source (a
        phrase is always the hand lexicon's)."""
        if trig.text != trig.token.text:
            return "hand"
        return self.derived.get(trig.base, "hand")

    def may_hold_event(self, sent: Span) -> bool:
        """A cheap test on the words alone: could any token of the sentence be a trigger?"""
        return any(t.lower_ in self._prefilter for t in sent)

    def find(self, sent: Span) -> dict[int, Trigger]:
        """The triggers of a sentence by token index; words outside the lexicon cost a lookup."""
        words = self._words
        return {
            t.i: trig for t in sent if t.lower_ in words and (trig := self(t)) is not None
        }  # fmt: skip

    def __call__(self, token: Token) -> Trigger | None:
        """The event type a verb or event noun signals, decided by particle, object and prep."""
        if token.ent_type_ or token.dep_ in _MODIFIER_DEPS:
            return None  # part of a name or a modifier ("Charging Pad", "the attack helicopter")
        low = token.lower_
        if low in self.speech:
            demand = self._demand(token)
            if demand is not None:
                return demand
        if token.tag_.startswith("VB") or (token.tag_.startswith("JJ") and low in self._stative):
            return self._verb(token, low)
        if token.tag_.startswith("NN") and low in self.noun_types:
            return self._noun(token, low)
        return None

    def _demand(self, token: Token) -> Trigger | None:
        """'X said Y must do Z' is X demanding Z of Y."""
        for clause in token.children:
            if clause.dep_ == "ccomp" and any(
                c.dep_ == "aux" and c.lower_ in self._obligation for c in clause.children
            ):
                return Trigger(token, "REQUEST", f"{token.text} ... must", token.lower_, ())
        return None

    def _verb(self, token: Token, low: str) -> Trigger | None:
        base = self.verbs.get(low)
        if base is None:
            return None
        objects = objects_of(token)
        phrase = self._phrase(token, base, objects)
        if phrase is not None:
            return Trigger(token, phrase[0], phrase[1], base, objects)
        type_ = self.verb_types.get(base)
        if type_ is None:
            return None
        return Trigger(token, type_, token.text, base, objects)

    def _phrase(
        self, token: Token, base: str, objects: tuple[Token, ...]
    ) -> tuple[str, str] | None:
        """(type, trigger text) of a phrasal verb, a verb typed by its object, or by its
        preposition, in that order of preference."""
        prefix = _hyphen_prefix(token)
        if prefix is not None and (prefix.lower_, base) in self.hyphen_types:
            return self.hyphen_types[(prefix.lower_, base)], _as_written(token)
        for child in token.children:
            if child.dep_ == "prt" and (base, child.lower_) in self.particle_types:
                return self.particle_types[(base, child.lower_)], f"{token.text} {child.text}"
        for obj in objects:
            for noun in _noun_forms(obj):
                if (base, noun) in self.object_types:
                    return self.object_types[(base, noun)], f"{token.text} {_as_written(obj)}"
        for child in _prep_children(token):
            if (base, child.lower_) in self.prep_types:
                return self.prep_types[(base, child.lower_)], f"{token.text} {child.text}"
        return None

    def _noun(self, token: Token, low: str) -> Trigger | None:
        if token.dep_ in ("dobj", "nsubjpass") and token.head.lower_ in self.verbs:
            return None  # the verb carries the event ("signed a pact")
        if any(c.dep_ == "acl" and c.lower_ in self.verbs for c in token.children):
            return None  # "a pact signed between X and Y": the participle carries it
        return Trigger(token, self.noun_types[low], token.text, low, ())


def _hyphen_prefix(token: Token) -> Token | None:
    """The word a hyphen glues to the front of a verb ("test" of "test-fired"), which the
    parser hangs on the verb."""
    kids = {c.i: c for c in token.children}
    hyphen = kids.get(token.i - 1)
    if hyphen is None or hyphen.lower_ != "-":
        return None
    return kids.get(token.i - 2)


def _as_written(token: Token) -> str:
    """The word with the word a hyphen glues to its front ("test-fired", "sit-in"), which the
    tokenizer split off."""
    prefix = _hyphen_prefix(token)
    return token.text if prefix is None else f"{prefix.text}-{token.text}"


def _noun_forms(noun: Token) -> tuple[str, ...]:
    """The forms an object noun is looked up by: as written, without a plural s, and glued to
    its hyphenated prefix ("sit-in", "cease-fire"), with and without the hyphen."""
    low = noun.lower_
    glued = _as_written(noun).lower()
    if glued == low:
        return low, low.rstrip("s")
    return low, low.rstrip("s"), glued, glued.rstrip("s"), glued.replace("-", "")


def _prep_children(verb: Token) -> list[Token]:
    """The prepositions that may type a verb: its own, and those the parser hung on the
    addressee of its "to" ("appealed to donors for aid": for)."""
    preps = [c for c in verb.children if c.dep_ in ("prep", "dobj")]
    preps += [
        p for c in verb.children if c.dep_ == "prep" and c.lower_ == "to"
        for o in c.children if o.dep_ == "pobj" for p in o.children if p.dep_ == "prep"
    ]  # fmt: skip
    return preps
