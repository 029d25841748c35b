"""Whether an act is coded as stated: negated, hypothetical, denied, promised or embedded."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from service.events.index import EntityIndex
from service.events.inflection import base_forms
from service.events.lexicon import Lexicon
from service.events.tree import Token
from service.events.triggers import Trigger

__all__ = ["Modality"]

#: relations through which an act is embedded in another ("accused X of attacking")
_EMBEDDING_DEPS: Final = frozenset(
    {"xcomp", "ccomp", "pcomp", "prep", "pobj", "advcl", "acl", "dobj", "nsubjpass"}
)
_EMBEDDING_HOPS: Final = 6  # how far up the tree embedding is looked for


class Modality:
    """Recodes or drops a trigger's type by the words that govern it."""

    def __init__(self, lexicon: Lexicon, speech: Mapping[str, str]) -> None:
        words, irregular = lexicon.modality, lexicon.inflection.irregular
        self._speech = speech
        self._denial = base_forms(words.denial, irregular)
        self._failure = base_forms(words.failure, irregular)
        self._future_heads = base_forms(words.future_heads, irregular)
        self._marks = words.hypothetical_marks
        self._modals = words.hypothetical_modals
        self._determiners = words.hypothetical_determiners
        self._future_aux = words.future_aux
        self._cooperative = lexicon.types.cooperative
        self._hostile = lexicon.types.hostile
        self._verbal = lexicon.types.verbal

    def __call__(
        self, trig: Trigger, triggers: Mapping[int, Trigger], index: EntityIndex
    ) -> str | None:
        """The type to code, or None when negated, hypothetical, denied or embedded in another
        event ("accused X of attacking": only the accusation is coded)."""
        token = trig.token
        auxiliaries = [c.lower_ for c in token.children if c.dep_ == "aux"]
        if any(aux in self._modals for aux in auxiliaries):
            return None
        if token.tag_.startswith("NN") and any(
            c.dep_ == "det" and c.lower_ in self._determiners for c in token.children
        ):
            return None  # "any attack": no attack
        # "recalled its ambassador, accusing Bogota of ...": a participle that says something
        # is an act of its own beside the other, not a part of it ("attacked X, killing 12"),
        # unless it is what a protest says ("marched, demanding the release of ...")
        head = triggers.get(token.head.i)
        aside = (
            token.dep_ == "advcl" and token.tag_ == "VBG" and trig.type in self._verbal
            and (head is None or head.type != "PROTEST")
        )  # fmt: skip
        governed = (False, False) if aside else self._governors(token, triggers, index)
        if governed is None:
            return None
        planned, refused = governed
        negated = refused or any(c.dep_ == "neg" for c in token.children)
        future = planned or any(aux in self._future_aux for aux in auxiliaries)
        return self._recode(trig.type, negated=negated, future=future)

    def _governors(
        self, token: Token, triggers: Mapping[int, Trigger], index: EntityIndex
    ) -> tuple[bool, bool] | None:
        """Walks up the heads that embed the act: None if one makes it hypothetical, denied or
        part of another event, else (planned, plan negated or failed)."""
        planned = refused = False
        current = token
        for _ in range(_EMBEDDING_HOPS):
            if index.cached("conditional", current, lambda t: self._conditional(t, index)):
                return None
            if current.dep_ == "conj" and current.head is not current:
                current = current.head  # a conjunct shares its head's embedding
                continue
            if current.dep_ not in _EMBEDDING_DEPS or current.head is current:
                break
            head = current.head
            if head.i in triggers or head.lower_ in self._denial:
                return None
            if current.dep_ == "xcomp" and head.lower_ in self._failure:
                refused = True  # "failed to reach a deal": as if negated
            if current.dep_ in ("xcomp", "acl") and head.lower_ in self._future_heads:
                planned = True
                refused = refused or any(c.dep_ == "neg" for c in index.children(head))
            if current.dep_ == "ccomp" and head.lower_ in self._speech:
                break
            current = head
        return planned, refused

    def _conditional(self, token: Token, index: EntityIndex) -> bool:
        """'if', 'unless' ... below the token: what it heads is a condition."""
        return any(c.dep_ == "mark" and c.lower_ in self._marks for c in index.children(token))

    def _recode(self, type_: str, *, negated: bool, future: bool) -> str | None:
        """A refused cooperation is a REJECT; a promise is an AGREE, a threat a THREATEN."""
        if negated:
            return "REJECT" if type_ in self._cooperative or type_ == "AGREE" else None
        if future and type_ in self._cooperative:
            return "AGREE"
        if future and type_ in self._hostile:
            return "THREATEN"
        return type_
