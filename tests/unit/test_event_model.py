"""The learned part of event coding: the shipped typer, its file format, the derived lexicon,
and the training script on a tiny invented data set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
import pytest
from pydantic import ValidationError

from service.config import Settings
from service.events.combine import DocTypes, Weights, mixed, split_yield
from service.events.derived import DerivedLexicon, shipped_lexicon
from service.events.lexicon import load_lexicon
from service.events.typer import NONE, SentenceTyper, TypeModelFile, features, shipped_typer
from service.models import ArticleRecord, Event
from service.pipeline import Pipeline, RawMessage

if TYPE_CHECKING:
    from spacy.language import Language

PLOVER = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip

#: invented sentences, one per type, worded as wire copy would word them
INVENTED = {
    "AGREE": "The two governments signed a deal to end the border dispute after months of talks.",
    "CONSULT": "The foreign minister met his counterpart in the capital for talks on trade.",
    "SUPPORT": "The president praised the neighbouring country for its steadfast friendship.",
    "CONCEDE": "The government agreed to lift the curfew after weeks of pressure.",
    "COOPERATE": "The two navies will hold joint exercises and share intelligence.",
    "AID": "The agency delivered food aid and medicine to the flooded region.",
    "RETREAT": "The army withdrew its troops from the disputed town on Monday.",
    "REQUEST": "The opposition urged the government to release the detained journalists.",
    "ACCUSE": "The ministry accused the rebels of war crimes and condemned the massacre.",
    "REJECT": "The parliament rejected the proposal and refused any compromise.",
    "THREATEN": "The general threatened to retaliate if the shelling did not stop.",
    "PROTEST": "Thousands of protesters marched through the streets chanting slogans.",
    "SANCTION": "The union imposed sanctions and froze the assets of the ruling party.",
    "MOBILIZE": "The country deployed thousands of troops and tanks to the border.",
    "COERCE": "Police arrested dozens of activists and banned the opposition newspaper.",
    "ASSAULT": "Gunmen attacked a police station, killing five officers in the ambush.",
}


class TestSentenceTyper:
    """The shipped model file and its predictor."""

    def test_shipped_model_scores_every_type(self) -> None:
        """Each prediction holds all 16 types with probabilities that sum to at most 1."""
        typer = shipped_typer()
        rows = typer.predict(list(INVENTED.values()))
        assert len(rows) == len(INVENTED)
        for row in rows:
            assert set(row) == set(PLOVER)
            assert all(0.0 <= p <= 1.0 for p in row.values())
            assert sum(row.values()) <= 1.0 + 1e-9

    def test_shipped_model_ranks_the_intended_type_high(self) -> None:
        """For most invented sentences the intended type is among the model's top three."""
        rows = shipped_typer().predict(list(INVENTED.values()))
        ranked = [sorted(row, key=row.__getitem__, reverse=True)[:3] for row in rows]
        hits = [t for t, top in zip(INVENTED, ranked, strict=True) if t in top]
        assert len(hits) >= 12, f"only {hits} in the top three"

    def test_features_fold_digits_and_add_bigrams(self) -> None:
        """Numbers become one symbol; bigrams follow the unigrams."""
        assert features("Killed 23 people", 2) == ["killed", "0", "people", "killed 0", "0 people"]

    def test_model_file_shapes_are_checked(self) -> None:
        """A file whose weights do not match its vocabulary is refused."""
        with pytest.raises(ValidationError):
            TypeModelFile(labels=["A", "B"], ngram=1, vocabulary=["x"], idf=[1.0],
                          coef=[[1.0]], intercept=[0.0, 0.0])  # fmt: skip

    def test_probabilities_follow_the_weights(self) -> None:
        """A two-word model: the word with the positive weight pulls its label up."""
        model = TypeModelFile(labels=["ASSAULT", NONE], ngram=1, vocabulary=["shelled", "tea"],
                              idf=[1.0, 1.0], coef=[[2.0, -2.0], [-2.0, 2.0]],
                              intercept=[0.0, 0.0])  # fmt: skip
        typer = SentenceTyper(model)
        hostile, calm = typer.predict(["They shelled it", "They drank tea"])
        assert hostile["ASSAULT"] > 0.9 > 0.1 > calm["ASSAULT"]
        assert set(hostile) == {"ASSAULT"}  # NONE is left out


class TestDerivedLexicon:
    """The trigger words the training script derived."""

    def test_shipped_lexicon_has_verbs_for_many_types(self) -> None:
        """The shipped lexicon validates and covers most types with verbs."""
        lexicon = shipped_lexicon()
        assert len({w.type for w in lexicon.verbs.values()}) >= 10
        assert {w.source for w in lexicon.verbs.values()} == {"stories", "wordnet"}

    def test_bad_file_is_refused(self, tmp_path: Path) -> None:
        """An unknown source fails validation at load time."""
        path = tmp_path / "lexicon.json"
        path.write_text(json.dumps({"verbs": {"x": {"type": "ASSAULT", "source": "guess",
                                                     "score": 1.0, "stories": 1}}}))  # fmt: skip
        with pytest.raises(ValidationError):
            DerivedLexicon.load(path)


class TestDocTypes:
    """How lexicon and typer decide a type and confidence together."""

    def test_lexicon_type_wins_unless_the_typer_is_much_surer(self) -> None:
        """A mild disagreement keeps the lexicon's type; a strong one overrides it."""
        mild = DocTypes(["ACCUSE", "ASSAULT"], [{"ACCUSE": 0.3, "ASSAULT": 0.6}], Weights())
        assert mild.choose(0, "ACCUSE", "hand")[0] == "ACCUSE"
        strong = DocTypes(["ACCUSE", "ASSAULT"], [{"ACCUSE": 0.001, "ASSAULT": 0.99}], Weights())
        type_, confidence = strong.choose(0, "ACCUSE", "hand")
        assert type_ == "ASSAULT"
        assert 0.0 <= confidence <= Weights().retyped

    def test_a_phrase_keeps_its_type_and_the_event_its_confidence(self) -> None:
        """A phrase ("imposed sanctions") keeps the lexicon's type however the typer would type
        the sentence; its confidence is the typer's share of any event at all, lowered when
        the typer disputes the type, not the phrase type's own (vanishing) share."""
        row = [{"SANCTION": 0.02, "COERCE": 0.88}]
        disputed = DocTypes(["SANCTION", "COERCE"], row, Weights())
        type_, confidence = disputed.choose(0, "SANCTION", "hand", fixed=True)
        assert type_ == "SANCTION"
        assert confidence == pytest.approx(0.9 * Weights().retyped)
        agreed = DocTypes(["SANCTION", "COERCE"], [{"SANCTION": 0.6, "COERCE": 0.1}], Weights())
        assert agreed.choose(0, "SANCTION", "hand", fixed=True)[1] == pytest.approx(0.7)
        # a word is not fixed: the typer's strong disagreement retypes it
        assert disputed.choose(0, "SANCTION", "hand")[0] == "COERCE"

    def test_a_verbal_act_s_verb_outweighs_the_encoder(self) -> None:
        """In an encoded sentence, the encoder overrides a word the lexicon types as a material
        act more easily than one naming a verbal act ("urged": REQUEST)."""
        row = [{"REQUEST": 0.1, "SUPPORT": 0.4}]
        types = ["REQUEST", "SUPPORT"]
        plain = DocTypes(types, row, Weights(), frozenset({0}))
        assert plain.choose(0, "REQUEST", "hand")[0] == "SUPPORT"
        verbal = DocTypes(types, row, Weights(), frozenset({0}), frozenset({"REQUEST"}))
        assert verbal.choose(0, "REQUEST", "hand")[0] == "REQUEST"
        # a material act's word is as easily overridden as before
        other = DocTypes(types, [{"REQUEST": 0.5, "SUPPORT": 0.1}], Weights(), frozenset({0}),
                         frozenset({"REQUEST"}))  # fmt: skip
        assert other.choose(0, "SUPPORT", "hand")[0] == "REQUEST"

    @pytest.mark.parametrize(
        "verb", ["urge", "warn", "condemn", "reject", "praise", "apologise", "welcome", "thank"]
    )
    def test_acts_done_by_saying_them_are_verbal(self, verb: str) -> None:
        """Praise and apology are said, as a demand or a warning is (CAMEO's verbal codes):
        their verbs' types are the shipped lexicon's verbal ones."""
        lexicon = load_lexicon()
        assert lexicon.triggers.verb_types()[verb] in lexicon.types.verbal

    def test_derived_words_are_less_sure(self) -> None:
        """The same sentence gives a WordNet synonym less confidence than a hand-listed verb."""
        doc = DocTypes(["ACCUSE", "ASSAULT"], [{"ACCUSE": 0.5, "ASSAULT": 0.5}], Weights())
        assert doc.choose(0, "ACCUSE", "wordnet")[1] < doc.choose(0, "ACCUSE", "hand")[1]

    def test_story_context_moves_an_unclear_sentence(self) -> None:
        """An even sentence leans to the type the rest of the story reports."""
        rows = [{"ACCUSE": 0.5, "ASSAULT": 0.5}, {"ACCUSE": 0.05, "ASSAULT": 0.9}]
        assert DocTypes(["ACCUSE", "ASSAULT"], rows, Weights()).best(0, lead=True)[0] == "ASSAULT"

    def test_mixing_in_the_ngram_typer_keeps_the_encoder_s_event_share(self) -> None:
        """The n-gram typer reweighs the encoder's types; the total (how sure an event is there
        at all) stays the encoder's, and weight 0 changes nothing."""
        encoded = {"ACCUSE": 0.4, "ASSAULT": 0.4}
        out = mixed(encoded, {"ACCUSE": 0.1, "ASSAULT": 0.9}, 1.0)
        assert sum(out.values()) == pytest.approx(0.8)
        assert out["ASSAULT"] == pytest.approx(0.72, abs=1e-4)
        assert mixed(encoded, {"ACCUSE": 0.1, "ASSAULT": 0.9}, 0.0) == pytest.approx(encoded)

    def test_the_ngram_typer_breaks_the_encoder_s_yield_tie(self) -> None:
        """The encoder's merged YIELD (half CONCEDE, half RETREAT) leans a little to the one
        the n-gram typer prefers; the other types and the total stay, and with no n-gram
        preference the even split stays."""
        encoded = {"ACCUSE": 0.2, "CONCEDE": 0.3, "RETREAT": 0.3}
        out = split_yield(encoded, {"ACCUSE": 0.5, "CONCEDE": 0.1, "RETREAT": 0.3})
        assert 0.3 < out["RETREAT"] < 0.31 and 0.29 < out["CONCEDE"] < 0.3
        assert out["ACCUSE"] == 0.2 and sum(out.values()) == pytest.approx(0.8)
        assert split_yield(encoded, {"ACCUSE": 0.9}) == encoded
        assert max(split_yield(encoded, {"CONCEDE": 0.2, "RETREAT": 0.1}).items(),
                   key=lambda kv: kv[1])[0] == "CONCEDE"  # fmt: skip


#: an invented wire story: a troop movement with its number and dates, an accusation, a denial
ARTICLE = (
    "TOKYO, Nov. 4 (Wire) - About 2,000 Chinese marines were sent to Cambodia by transport "
    "ships from Oct. 20 to Oct. 24, Japan's defence ministry said on Monday. "
    "Japan and Australia accused North Korea of supplying missiles to Russia. "
    "Russia rejected the accusation as slander. "
    "Officials in Canberra said talks with allies would continue next week."
)


class TestShippedCoder:
    """The pipeline with the shipped typer, lexicon and default threshold."""

    def _events(self, nlp: Language, text: str = ARTICLE, **settings: float) -> list[Event]:
        pipeline = Pipeline(Settings(workers=1, **settings), nlp=nlp)
        value = orjson.dumps({"id": "x", "text": text, "published_at": "2024-11-04T08:00:00Z"})
        [record] = pipeline.process([RawMessage(value=value)]).outcomes
        assert isinstance(record, ArticleRecord)
        return record.events

    def test_story_events_come_out_with_confidence(self, nlp: Language) -> None:
        """Accusation and denial pass the default threshold; every event has a confidence
        in 0..1."""
        events = self._events(nlp)
        found = {(e.type, e.actor, e.target) for e in events}
        assert ("ACCUSE", "Japan", "North Korea") in found
        assert any(e.type == "REJECT" and e.actor == "Russia" for e in events)
        assert all(0.0 <= e.confidence <= 1.0 for e in events)

    def test_troop_movement_keeps_its_details(self, nlp: Language) -> None:
        """The phrase "marines were sent" keeps its type whatever the typer thinks (it only
        scores it): actor, destination, number and dates come out."""
        [moved] = [e for e in self._events(nlp, events_min_confidence=0.0) if e.type == "MOBILIZE"]
        assert (moved.actor, moved.target) == ("Chinese", "Cambodia")
        assert moved.quantity is not None and moved.quantity.value == 2000
        assert moved.date is not None and str(moved.date.start) == "2024-10-20"

    @pytest.mark.parametrize(
        ("text", "countries"),
        [("The United States imposed sanctions on Iran.", ("US", "IR")),
         ("China has imposed sanctions on Mike Pompeo.", ("CN", None))],
    )  # fmt: skip
    def test_a_phrase_event_keeps_its_confidence(
        self, nlp: Language, text: str, countries: tuple[str, str | None]
    ) -> None:
        """"imposed sanctions" is a SANCTION (CAMEO 163) however the typer, trained on news
        coded to other habits, would type the sentence: the event is neither dropped nor left
        at the threshold's edge (before: none, and 0.100)."""
        [event] = [e for e in self._events(nlp, text) if e.type == "SANCTION"]
        assert (event.actor_country, event.target_country) == countries
        assert event.confidence >= 0.5

    def test_min_confidence_drops_events(self, nlp: Language) -> None:
        """A higher threshold keeps only the surer events."""
        every = self._events(nlp, events_min_confidence=0.0)
        cut = max(e.confidence for e in every)  # the surest event's confidence
        strict = self._events(nlp, events_min_confidence=cut)
        assert strict and len(strict) < len(every)
        assert all(e.confidence >= cut for e in strict)
        assert {e.confidence for e in every} - {e.confidence for e in strict}

    def test_threshold_outside_range_is_refused(self) -> None:
        """ENTITY_EVENTS_MIN_CONFIDENCE must be within 0..1."""
        with pytest.raises(ValidationError):
            Settings(events_min_confidence=1.5)
