"""Military exercises one side holds alone are a show of force, not cooperation.

CAMEO codes joint exercises as military cooperation (062) and a side's own exercises near a
rival as a demonstration of military power (152), which PLOVER files under MOBILIZE; the
lexicon types "held exercises" COOPERATE, so a lone side's drill is recoded once its parties
are known.
"""

from __future__ import annotations

from typing import Final

from service.events.inflection import base_forms
from service.events.lexicon import Lexicon
from service.events.party import PartyPair
from service.events.tree import Token, children, np_tokens, with_conjuncts
from service.events.triggers import Trigger

__all__ = ["ShowOfForce"]

_HOPS: Final = 4  # how far above the drill noun taking part is looked for


class ShowOfForce:
    """Recodes a lone side's exercises from COOPERATE to MOBILIZE."""

    def __init__(self, lexicon: Lexicon) -> None:
        words = lexicon.triggers.drills
        self._nouns, self._joint = words.nouns, words.joint
        self._taking_part = base_forms(words.taking_part, lexicon.inflection.irregular)
        #: the verbs that hold exercises ("began", "ordered"): the lexicon's phrases of them
        self._holding = base_forms(
            {verb for (verb, obj), type_ in lexicon.triggers.object_types().items()
             if obj in self._nouns and type_ == "COOPERATE"},
            lexicon.inflection.irregular,
        )  # fmt: skip

    def __call__(self, trig: Trigger, type_: str, pairs: list[PartyPair]) -> str:
        """The type to code: MOBILIZE for exercises one actor holds, with no one. A verb
        that holds exercises ("began snap military exercises", which the parser may not give
        it as its object) holds them, whatever other act the typer read into it."""
        drills = self._drills(trig)
        if not drills:
            return type_
        if type_ != "COOPERATE":
            if trig.token.lower_ not in self._holding:
                return type_
            type_ = "COOPERATE"
        heads = (trig.token, *drills)
        if any(c.lower_ in self._joint or c.lower_ == "with" for h in heads for c in h.children):
            return type_  # "joint exercises", "drills with the Russian navy"
        if any(self._taken_part_in(h) for h in drills):
            return type_  # "took part in two weeks of exercises": with others
        if any(_coordinated(s) for s in children(trig.token, ("nsubj",))):
            return type_  # "US and Western allies launch war games": sides together
        actors = {a.name.lower() for a, _ in pairs if a is not None}
        return "MOBILIZE" if len(actors) == 1 else type_

    def _drills(self, trig: Trigger) -> list[Token]:
        """The exercise nouns the trigger is or acts on: itself, its objects, and the object
        of a clause the parser hung on it ("began | snap | military exercises")."""
        token = trig.token
        heads = [token, *trig.objects, *children(token, ("dobj",))]
        heads += [o for c in children(token, ("xcomp",)) for o in children(c, ("dobj",))]
        return [h for h in heads if h.lower_ in self._nouns]

    def _taken_part_in(self, drill: Token) -> bool:
        """Whether a head above the drill is taking part in it."""
        token = drill
        for _ in range(_HOPS):
            if token.head.i == token.i:
                return False
            token = token.head
            if token.lower_ in self._taking_part or any(
                c.lower_ == "part" for c in children(token, ("dobj",))
            ):  # "participated in", "joined"; "took part in"
                return True
        return False


def _coordinated(subject: Token) -> bool:
    """Whether a subject phrase names sides joined by "and" ("the US and Western allies",
    "US and Western allies" with the first a modifier of the second)."""
    return len(with_conjuncts(subject)) > 1 or any(t.dep_ == "conj" for t in np_tokens(subject))
