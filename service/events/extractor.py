"""Code who did what to whom, where and when (PLOVER events) from a parsed spaCy doc."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from service.actors import ActorContext, ActorResolver, shipped_resolver
from service.entities.doctext import doc_text
from service.events.anchor import anchor_token
from service.events.belonging import STATE_SECTORS, Sides
from service.events.combine import DocTypes, Weights, mixed, split_yield
from service.events.dates import DateResolver
from service.events.derived import DerivedLexicon
from service.events.drills import ShowOfForce
from service.events.encoded import EncoderTyper
from service.events.index import PLACE_LABELS, EntityIndex
from service.events.lead import LeadParties
from service.events.lexicon import PLOVER_TYPES, Lexicon, load_lexicon
from service.events.masking import masked_sentence
from service.events.modality import Modality
from service.events.participants import Pair, Participants
from service.events.party import Party as EventParty
from service.events.places import Places
from service.events.quantities import QuantityReader
from service.events.tokens import Sent, doc_tokens
from service.events.tree import Token, children
from service.events.triggers import Trigger, TriggerTyper
from service.models import DateInfo, Entity, Event

__all__ = ["EventExtractor", "SentenceTyper"]

#: an event coded once per sentence: type, actor, target, and their countries
_Seen = tuple[str, str | None, str | None, str | None, str | None]


class SentenceTyper(Protocol):
    """A learned model that scores each sentence for each PLOVER type (0..1)."""

    def predict(self, texts: list[str]) -> list[dict[str, float]]:
        """One mapping of type -> probability per text, in order."""
        ...


@dataclass(slots=True)
class _Sentence:
    """One sentence being coded; its date is resolved once, only if an event needs it.
    `row` is its row in the typer's scores (None when the typer did not score it)."""

    doc: Any
    sent: Sent
    index: EntityIndex
    published_at: datetime | None
    row: int | None = None
    lead: bool = False
    dates: list[DateInfo | None] = field(default_factory=list)
    parties: ActorContext = field(default_factory=ActorContext)


class EventExtractor:
    """Finds PLOVER events in a doc; the lexicon and its inflections are built once here.

    With a `typer`, the sentences that may hold an event (and a story's lead) are scored by it
    in one call per doc, and each trigger's type and confidence come from the lexicon and the
    typer together (service.events.combine); a story whose lead holds no coded event gets one
    there. Without one, the lexicon alone decides and confidence reflects the roles found.
    Events below `min_confidence` are dropped.
    """

    def __init__(
        self,
        typer: SentenceTyper | None = None,
        *,
        min_confidence: float | None = None,
        lexicon: Lexicon | None = None,
        derived: DerivedLexicon | None = None,
        weights: Weights | None = None,
        encoder: EncoderTyper | None = None,
        encoder_sentences: int = 1,
        actors: ActorResolver | None = None,
    ) -> None:
        if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be within 0..1, not {min_confidence}")
        lexicon = lexicon if lexicon is not None else load_lexicon()
        self._typer = typer
        self._min_confidence = min_confidence or 0.0
        self._encoder = encoder if typer is not None else None
        self._encoder_sentences = encoder_sentences
        self._weights = weights or Weights()
        self._verbal = lexicon.types.verbal
        self._detaining = lexicon.roles.detaining_verbs
        self._extraditing = lexicon.roles.extraditing_verbs
        self._owning = lexicon.roles.owning_participles
        self._triggers = TriggerTyper(lexicon, derived)
        self._modality = Modality(lexicon, self._triggers.speech)
        self._participants = Participants(lexicon, self._triggers.speech)
        self._show_of_force = ShowOfForce(lexicon)
        self._lead = LeadParties(self._participants)
        self._location = Places(lexicon)
        self._dates = DateResolver()
        self._quantities = QuantityReader()
        self._sides = Sides(
            lexicon, self._participants, actors if actors is not None else shipped_resolver()
        )

    def __call__(
        self, doc: Any, entities: Sequence[Entity], published_at: datetime | None
    ) -> list[Event]:
        """All events of the doc, sentence by sentence, with duplicates in a sentence merged."""
        if not doc.has_annotation("DEP") or not len(doc):
            return []
        with doc_tokens(doc) as tokens:
            events = self._doc(doc, tokens.sents, entities, published_at)
        return [e for e in events if e.confidence >= self._min_confidence]

    def _doc(
        self, doc: Any, sents: list[Sent], entities: Sequence[Entity],
        published_at: datetime | None,
    ) -> list[Event]:  # fmt: skip
        candidates = [i for i, sent in enumerate(sents) if self._triggers.may_hold_event(sent)]
        lead = self._lead_index(sents)
        window = self._lead_window(lead, len(sents))
        if not candidates and lead is None:
            # no trigger word at all: the encoder may still read an event in a short text
            first = self._first_real(sents) if self._encoder is not None else None
            if first is None:
                return []
            window = {first}
        index = EntityIndex(doc, entities, owning=self._owning)
        parties = ActorContext.of(entities, doc_text(doc))
        found = {i: self._triggers.find(sents[i]) for i in candidates}
        scored = sorted(set(candidates) | window)
        types = self._scores(sents, scored, found, window, lead)
        rows = {i: row for row, i in enumerate(scored)} if types is not None else {}
        events: list[Event] = []
        for i in candidates:
            ctx = _Sentence(doc, sents[i], index, published_at, rows.get(i), lead == i,
                            parties=parties)  # fmt: skip
            events.extend(self._sentence(ctx, found[i], types))
        if types is not None and lead is not None:
            if not any(e.sentence[0] == sents[lead].start_char for e in events):
                lead_events = self._untriggered(
                    doc, sents, sorted(window), index, published_at, rows, types, lead=True,
                    parties=parties,
                )  # fmt: skip
                events = lead_events + events
        elif types is not None and not events:
            events = self._untriggered(doc, sents, scored[:1], index, published_at, rows, types,
                                       lead=False, parties=parties)  # fmt: skip
        return events

    # --- the learned part -----------------------------------------------------------------

    def _lead_index(self, sents: list[Sent]) -> int | None:
        """A story's lead: its first real sentence, in a doc long enough to be a story."""
        if self._typer is None or len(sents) < self._weights.lead_sentences:
            return None
        return self._first_real(sents)

    @staticmethod
    def _first_real(sents: list[Sent]) -> int | None:
        """The first sentence of at least three words."""
        return next((i for i, s in enumerate(sents) if sum(t.is_alpha for t in s) >= 3), None)

    @staticmethod
    def _lead_window(lead: int | None, count: int) -> set[int]:
        """The lead and the two sentences after it, where a lead event may be coded."""
        return set() if lead is None else set(range(lead, min(lead + 3, count)))

    def _scores(
        self, sents: list[Sent], scored: list[int], found: dict[int, dict[int, Trigger]],
        window: set[int], lead: int | None,
    ) -> DocTypes | None:  # fmt: skip
        """The typer's scores of the scored sentences; with the encoder, its scores replace the
        n-gram typer's for the lead window and the first triggered sentences, up to the budget
        (the rest keep the cheaper typer's: the encoder costs more than the parse). In a story
        the encoder's lead head types the lead, and the n-gram typer, trained on stories, keeps
        a say (`Weights.story_ngram`)."""
        story = lead is not None
        if self._typer is None or not scored:
            return None
        scores = self._typer.predict([sents[i].text for i in scored])
        if len(scores) != len(scored):
            raise ValueError(f"the typer scored {len(scores)} of {len(scored)} sentences")
        chosen: list[int] = []
        words: dict[tuple[int, int], dict[str, float]] = {}
        if self._encoder is not None and self._encoder_sentences:
            chosen = self._encoded(scored, found, window)
            anchored, others = [], []
            for row in chosen:
                sent = sents[scored[row]]
                tokens = [t.token for t in found.get(scored[row], {}).values()]
                main = anchor_token(sent, tokens)
                # outside a story each act is read from its own word; a story's lead is typed
                # as the story, every act in it alike
                rest = [] if story else [t for t in tokens if main is None or t.i != main.i]
                anchored.append(masked_sentence(sent, tokens, rest))
                others.append([t.i for t in rest])
            mix = self._weights.story_ngram if story else 0.0
            leads = [n for n, row in enumerate(chosen) if scored[row] == lead]
            encoded_rows, each = self._encoder.predict_others(anchored, lead=leads)
            tie = self._encoder.merges_yield
            for n, (row, encoded) in enumerate(zip(chosen, encoded_rows, strict=True)):
                ngram = scores[row]
                if mix:
                    scores[row] = mixed(encoded, ngram, mix)
                    continue
                scores[row] = split_yield(encoded, ngram) if tie else encoded
                for token, word in zip(others[n], each[n], strict=True):
                    words[row, token] = split_yield(word, ngram) if tie else word
        # in a story the mixed rows are scored as the n-gram typer's, lexicon bonus and all
        return DocTypes(PLOVER_TYPES, scores, self._weights,
                        frozenset() if story else frozenset(chosen), self._verbal,
                        words)  # fmt: skip

    def _encoded(
        self, scored: list[int], found: dict[int, dict[int, Trigger]], window: set[int]
    ) -> list[int]:
        """Rows (into `scored`) the encoder types: the lead window, then sentences with a
        trigger in reading order, then the first row (a doc's fallback event is coded there),
        at most the budget."""
        first = [row for row, i in enumerate(scored) if i in window]
        rest = [row for row, i in enumerate(scored) if i not in window and found.get(i)]
        if 0 not in first and 0 not in rest:
            rest.append(0)
        return sorted((first + rest)[: self._encoder_sentences])

    def _typed(
        self, ctx: _Sentence, trig: Trigger, types: DocTypes | None
    ) -> tuple[Trigger, float]:
        """The trigger with the type lexicon and typer agree on, and how sure that is."""
        source = self._triggers.source(trig)
        if types is None or ctx.row is None:
            return trig, self._weights.source(source)
        # the typer may overrule a bare word, not a phrase ("sent troops"), unless the phrase
        # is in a story's lead and `lead_phrase` lets the story's type speak there too; nor,
        # outside a story's lead, a promise of an act ("agreed to resign": PLOVER's AGREE,
        # CAMEO's intent, whatever the act; a lead reports what the story is about)
        word = trig.text == trig.token.text
        promise = (
            word and not ctx.lead and trig.type == "AGREE"
            and any(c.dep_ == "xcomp" for c in trig.token.children)
        )  # fmt: skip
        fixed = (not word and not (ctx.lead and self._weights.lead_phrase)) or promise
        type_, confidence = types.choose(
            ctx.row, trig.type, source, lead=ctx.lead and word, fixed=fixed, token=trig.token.i
        )
        return (trig if type_ == trig.type else replace(trig, type=type_)), confidence

    def _untriggered(
        self, doc: Any, sents: list[Sent], window: list[int], index: EntityIndex,
        published_at: datetime | None, rows: dict[int, int], types: DocTypes, *, lead: bool,
        parties: ActorContext,
    ) -> list[Event]:  # fmt: skip
        """One event typed by the typer alone in the first sentence of `window` that names an
        actor: a story's lead event, or the fallback of a doc no trigger coded."""
        for i in window:
            if i not in rows:
                continue
            type_, confidence = types.best(rows[i], lead=lead)
            found = self._lead(sents[i], index, type_)
            if found is not None and (
                recoded := self._show_of_force(found[0], type_, found[1])
            ) != type_:
                # "Russia began snap military exercises": the drill, not what the typer read
                type_ = recoded
                found = self._lead(sents[i], index, type_)
            if found is not None:
                trig, pairs = found
                ctx = _Sentence(doc, sents[i], index, published_at, rows[i], lead,
                                parties=parties)  # fmt: skip
                return self._events(ctx, trig, type_, pairs, None, set(), confidence)
        return []

    # --- per sentence ---------------------------------------------------------------------

    def _sentence(
        self, ctx: _Sentence, found: dict[int, Trigger], types: DocTypes | None
    ) -> list[Event]:
        """Events of one sentence; a trigger embedded in another is coded through it."""
        typed = {i: self._typed(ctx, trig, types) for i, trig in found.items()}
        if not ctx.lead:  # a story's lead is typed as the story, every act in it alike
            typed = _shared(typed, found)
        triggers = {i: trig for i, (trig, _) in typed.items()}
        events: list[Event] = []
        seen: set[_Seen] = set()
        for trig, confidence in typed.values():
            type_ = self._modality(trig, triggers, ctx.index)
            if type_ is None:
                continue
            pairs, source = self._participants(trig, type_, ctx.index)
            recoded = self._show_of_force(trig, type_, pairs) if pairs else type_
            if recoded != type_:
                # a lone side's drill: its parties as a show of force has them ("near Taiwan")
                type_ = recoded
                pairs, source = self._participants(trig, type_, ctx.index)
            if pairs:
                events += self._events(ctx, trig, type_, pairs, source, seen, confidence)
                if trig.base in self._extraditing:
                    events += self._extradition(ctx, trig, pairs, source, seen, confidence)
        # "killed one soldier and wounded two others": the untargeted twin adds nothing
        targeted = {(e.type, e.actor) for e in events if e.target is not None}
        return [e for e in events if e.target is not None or (e.type, e.actor) not in targeted]

    def _events(
        self, ctx: _Sentence, trig: Trigger, type_: str, pairs: list[Pair],
        source: Entity | None, seen: set[_Seen], confidence: float,
    ) -> list[Event]:  # fmt: skip
        """One event per (actor, target) pair not yet coded in the sentence."""
        if not ctx.dates:
            ctx.dates.append(self._date(ctx, trig.token))
        used = {p.entity.name for pair in pairs for p in pair if p is not None and p.entity}
        if source is not None:
            used.add(source.name)
        location = self._location(ctx.doc, ctx.sent, ctx.index, used, type_)
        quantity = self._quantities(
            list(trig.objects) + children(trig.token, ("nsubj", "nsubjpass"))
        )
        out: list[Event] = []
        parties = ctx.parties.at((ctx.sent.start_char, ctx.sent.end_char))
        sides = self._sides(
            trig, type_, pairs, parties, ctx.index, location,
            lambda: self._location(ctx.doc, ctx.sent, ctx.index, set(), type_),
        )  # fmt: skip
        for actor, target, (actor_country, actor_sector), (target_country, target_sector) in sides:
            key = (type_, actor.name if actor else None, target.name if target else None)
            if self._detains(trig, type_, actor_sector, target, target_sector):
                key = ("COERCE", *key[1:])
            # one phrase may stand for two sides ("Indian and Pakistani troops"): by country
            if (*key, actor_country, target_country) in seen:
                continue
            seen.add((*key, actor_country, target_country))
            out.append(
                Event(
                    type=key[0],
                    trigger=trig.text,
                    actor=key[1],
                    target=key[2],
                    actor_country=actor_country,
                    target_country=target_country,
                    actor_sector=actor_sector,
                    target_sector=target_sector,
                    source=source.name if source else None,
                    location=location.name if location else None,
                    date=ctx.dates[0],
                    quantity=quantity,
                    sentence=(ctx.sent.start_char, ctx.sent.end_char),
                    confidence=self._confidence(confidence, target is not None),
                )
            )
        return out

    def _extradition(
        self, ctx: _Sentence, trig: Trigger, pairs: list[Pair], source: Entity | None,
        seen: set[_Seen], confidence: float,
    ) -> list[Event]:  # fmt: skip
        """"Extradited X to the United States": the extraditing side's judicial cooperation
        with the state (or the court) X is sent to, besides its act on X."""
        sent_to = self._participants.destinations(trig, ctx.index)
        actors = list({id(a): a for a, _ in pairs if a is not None}.values())
        if not sent_to or not actors:
            return []
        cooperation: list[Pair] = [(a, t) for a in actors for t in sent_to]
        return self._events(ctx, trig, "COOPERATE", cooperation, source, seen, confidence)

    def _detains(
        self, trig: Trigger, type_: str, sector: str | None, target: EventParty | None,
        target_sector: str | None,
    ) -> bool:  # fmt: skip
        """Whether an assault is a state's agents taking people ("troops captured a rebel
        commander"): an arrest. What they take is people when the target is of a sector (the
        knowledge base or an agent word knows it); a town, a tanker or an oil field taken is
        fought for, as PLOVER codes it."""
        if type_ != "ASSAULT" or trig.base not in self._detaining or target is None:
            return False
        if sector not in STATE_SECTORS | {"MIL"} or target_sector is None:
            return False
        entity = target.entity
        return not (target.named and entity is not None and entity.label in PLACE_LABELS)

    def _confidence(self, confidence: float, targeted: bool) -> float:
        """0..1, rounded; an event with no target is less sure of its roles."""
        factor = 1.0 if targeted else self._weights.untargeted
        return round(min(max(confidence * factor, 0.0), 1.0), 3)

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


def _shared(
    typed: dict[int, tuple[Trigger, float]], found: dict[int, Trigger]
) -> dict[int, tuple[Trigger, float]]:
    """The typer reads a sentence once, so two acts in it ("condemned the coup and demanded
    elections") get its one type: a trigger it retyped to the type another trigger of the
    sentence names by itself keeps its own, since that other trigger already accounts for it."""
    return {
        i: (found[i], confidence)
        if trig.type != found[i].type
        and any(other.type == trig.type for j, other in found.items() if j != i)
        else (trig, confidence)
        for i, (trig, confidence) in typed.items()
    }
