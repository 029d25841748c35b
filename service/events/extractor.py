"""Code who did what to whom, where and when (PLOVER events) from a parsed spaCy doc."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from service.events.dates import DateResolver
from service.events.index import EntityIndex
from service.events.lexicon import Lexicon, load_lexicon
from service.events.modality import Modality
from service.events.participants import Pair, Participants
from service.events.places import Places
from service.events.quantities import QuantityReader
from service.events.tree import Span, Token, children
from service.events.triggers import Trigger, TriggerTyper
from service.models import DateInfo, Entity, Event

__all__ = ["EventExtractor", "SentenceTyper"]


class SentenceTyper(Protocol):
    """A learned model that scores each sentence for each PLOVER type (0..1)."""

    def predict(self, texts: list[str]) -> list[dict[str, float]]:
        """One mapping of type -> probability per text, in order."""
        ...


@dataclass(slots=True)
class _Sentence:
    """One sentence being coded; its date is resolved once, only if an event needs it."""

    doc: Any
    sent: Span
    index: EntityIndex
    published_at: datetime | None
    dates: list[DateInfo | None] = field(default_factory=list)


class EventExtractor:
    """Finds PLOVER events in a doc; the lexicon and its inflections are built once here.

    With a `typer`, each sentence that holds a candidate event is scored by it (one call per
    doc), and events whose type scores below `min_confidence` in their sentence are dropped.
    Without one, nothing is scored and nothing dropped: the lexicon alone decides.
    """

    def __init__(
        self,
        typer: SentenceTyper | None = None,
        *,
        min_confidence: float | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be within 0..1, not {min_confidence}")
        lexicon = lexicon if lexicon is not None else load_lexicon()
        self._typer = typer
        self._min_confidence = min_confidence
        self._triggers = TriggerTyper(lexicon)
        self._modality = Modality(lexicon, self._triggers.speech)
        self._participants = Participants(lexicon, self._triggers.speech)
        self._location = Places(lexicon)
        self._dates = DateResolver()
        self._quantities = QuantityReader()

    def __call__(
        self, doc: Any, entities: Sequence[Entity], published_at: datetime | None
    ) -> list[Event]:
        """All events of the doc, sentence by sentence, with duplicates in a sentence merged."""
        if not doc.has_annotation("DEP") or not len(doc):
            return []
        candidates = [sent for sent in doc.sents if self._triggers.may_hold_event(sent)]
        if not candidates:
            return []
        index = EntityIndex(doc, entities)
        scores = self._scores(candidates)
        events: list[Event] = []
        for i, sent in enumerate(candidates):
            found = self._sentence(_Sentence(doc, sent, index, published_at))
            if scores is not None:
                found = self._confident(found, scores[i])
            events.extend(found)
        return events

    # --- the learned part -----------------------------------------------------------------

    def _scores(self, sents: list[Span]) -> list[dict[str, float]] | None:
        if self._typer is None:
            return None
        scores = self._typer.predict([sent.text for sent in sents])
        if len(scores) != len(sents):
            raise ValueError(f"the typer scored {len(scores)} of {len(sents)} sentences")
        return scores

    def _confident(self, events: list[Event], scores: dict[str, float]) -> list[Event]:
        """The events whose type the typer scores at least `min_confidence` in the sentence."""
        if self._min_confidence is None:
            return events
        return [e for e in events if scores.get(e.type, 0.0) >= self._min_confidence]

    # --- per sentence ---------------------------------------------------------------------

    def _sentence(self, ctx: _Sentence) -> list[Event]:
        """Events of one sentence; a trigger embedded in another is coded through it."""
        triggers = self._triggers.find(ctx.sent)
        events: list[Event] = []
        seen: set[tuple[str, str | None, str | None]] = set()
        for trig in triggers.values():
            type_ = self._modality(trig, triggers, ctx.index)
            if type_ is None:
                continue
            pairs, source = self._participants(trig, type_, ctx.index)
            if pairs:
                events += self._events(ctx, trig, type_, pairs, source, seen)
        # "killed one soldier and wounded two others": the untargeted twin adds nothing
        targeted = {(e.type, e.actor) for e in events if e.target is not None}
        return [e for e in events if e.target is not None or (e.type, e.actor) not in targeted]

    def _events(
        self, ctx: _Sentence, trig: Trigger, type_: str, pairs: list[Pair],
        source: Entity | None, seen: set[tuple[str, str | None, str | None]],
    ) -> list[Event]:  # fmt: skip
        """One event per (actor, target) pair not yet coded in the sentence."""
        if not ctx.dates:
            ctx.dates.append(self._date(ctx, trig.token))
        used = {e.name for pair in pairs for e in pair if e is not None}
        if source is not None:
            used.add(source.name)
        location = self._location(ctx.doc, ctx.sent, ctx.index, used, type_)
        quantity = self._quantities(
            list(trig.objects) + children(trig.token, ("nsubj", "nsubjpass"))
        )
        out: list[Event] = []
        for actor, target in pairs:
            key = (type_, actor.name if actor else None, target.name if target else None)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                Event(
                    type=type_,
                    trigger=trig.text,
                    actor=key[1],
                    target=key[2],
                    source=source.name if source else None,
                    location=location.name if location else None,
                    date=ctx.dates[0],
                    quantity=quantity,
                    sentence=(ctx.sent.start_char, ctx.sent.end_char),
                )
            )
        return out

    def _date(self, ctx: _Sentence, token: Token) -> DateInfo | None:
        """The date nearest the trigger: an explicit range first, else a DATE entity."""
        found = self._dates.find_range(ctx.sent.text)
        if found is not None:
            return self._dates.resolve_range(found, ctx.published_at)
        dates = [e for e in ctx.sent.ents if e.label_ == "DATE"]
        if not dates:
            return None
        nearest = min(dates, key=lambda e: min(abs(e.start - token.i), abs(e.end - token.i)))
        return self._dates(nearest.text, ctx.published_at)
