"""How the learned sentence typer and the trigger lexicon decide an event's type and confidence.

The lexicon says what a trigger word usually signals; the typer says what the sentence as a
whole (and, in a story, the rest of the story) reports. The type is the best of
`log p(type | sentence) + document * log p(type | other sentences) + lexicon * [type is the
trigger's]`, so the typer overrides the lexicon only when it is clearly surer, and never for a
phrase ("sent troops": the object already decided the type); the confidence is
that type's share of the combined score (for a phrase, the typer's share of any event at all),
lowered for a word the lexicon did not know by hand, a type the typer imposed or disputes, and
an event with no target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Final

import numpy as np

__all__ = ["DocTypes", "Weights", "mixed", "split_yield"]

_FLOOR: Final = 1e-6
_YIELD_LEAN: Final = 0.01  # share of YIELD moved from the even split to the n-gram's pick


@dataclass(frozen=True, slots=True)
class Weights:
    """The combination's knobs; the defaults are what most folds of the k-fold run chose
    (BENCHMARKS.md, issue 12)."""

    lexicon: float = 2.5  # log-score bonus of the trigger's own type
    encoded_lexicon: float = 1.0  # ... in a single sentence or short text the encoder typed
    verbal_lexicon: float = 2.5  # ... there, for a verbal act's trigger ("urged": REQUEST)
    story_ngram: float = 1.0  # in a story, the n-gram typer's say in an encoded sentence
    lead_lexicon: float | None = 0.5  # ... for a one-word trigger in a story's lead (None: same)
    lead_phrase: bool = False  # a phrase in a story's lead may be retyped (lexicon bonus kept)
    lead_sentences: int = 3  # a doc this long is a story with a lead
    document: float = 0.5  # weight of the rest of the story
    untargeted: float = 0.85  # confidence factor of an event without a target
    retyped: float = 0.8  # confidence factor when the typer overrides the lexicon
    stories: float = 0.9  # confidence factor of a trigger derived from the stories
    wordnet: float = 0.85  # ... and of a WordNet synonym
    fallback: float = 0.5  # confidence factor of the event coded for a story without one

    def source(self, source: str) -> float:
        """Confidence factor of a trigger by where its word came from."""
        return {"stories": self.stories, "wordnet": self.wordnet}.get(source, 1.0)


class DocTypes:
    """The typer's scores for a doc's candidate sentences, and each one's story context (the
    other sentences, earlier ones weighing more); a one-sentence doc has no context. Rows in
    `encoded` come from the encoder typer, surer than the n-gram typer: the lexicon's bonus
    there is `encoded_lexicon`, or `verbal_lexicon` for a type in `verbal`, an act a verb
    names by itself."""

    def __init__(
        self, types: Sequence[str], rows: Sequence[dict[str, float]], weights: Weights,
        encoded: frozenset[int] = frozenset(), verbal: frozenset[str] = frozenset(),
        words: Mapping[tuple[int, int], dict[str, float]] | None = None,
    ) -> None:  # fmt: skip
        self.types = tuple(types)
        self._encoded = encoded
        self._verbal = verbal
        self._column = {t: i for i, t in enumerate(self.types)}
        self._weights = weights
        probs = self._matrix(rows)
        self._log = np.log(probs + _FLOOR)
        self._mass = probs.sum(axis=1)
        self._context: list[np.ndarray | None] = [None] * len(rows)
        if len(rows) > 1 and weights.document:
            w = np.linspace(1.0, 0.5, len(rows))
            total = (probs * w[:, None]).sum(axis=0)
            w_sum = w.sum()
            for i in range(len(rows)):
                rest = (total - w[i] * probs[i]) / (w_sum - w[i])
                self._context[i] = np.log(rest / max(rest.sum(), _FLOOR) + _FLOOR)
        self._scores: dict[int, np.ndarray] = {}
        # (row, token) -> (log-score, mass) of an encoded sentence read from that word
        words = words or {}
        self._words = {
            key: (np.log(p + _FLOOR), float(p.sum()))
            for key, p in zip(words, self._matrix(list(words.values())), strict=True)
        }

    def _matrix(self, rows: Sequence[dict[str, float]]) -> np.ndarray:
        """Type -> probability rows as an array, one column per type (absent: 0)."""
        return np.array([list(map(row.get, self.types, repeat(0.0))) for row in rows], dtype=float)

    def _combined(self, i: int, word: tuple[np.ndarray, float] | None = None) -> np.ndarray:
        """Sentence i's log-score with its context (a copy: the caller may change it); read
        from a `word` where the encoder read the sentence from that word too."""
        if word is not None:
            return self._with_context(i, word[0].copy())
        score = self._scores.get(i)
        if score is None:
            score = self._scores[i] = self._with_context(i, self._log[i].copy())
        return score.copy()

    def _with_context(self, i: int, score: np.ndarray) -> np.ndarray:
        context = self._context[i]
        if context is not None:
            score += self._weights.document * context
        return score

    @staticmethod
    def _share(score: np.ndarray, k: int) -> float:
        exp = np.exp(score - np.maximum.reduce(score))  # score.max(), exp.sum() without
        return float(exp[k] / np.add.reduce(exp))  # their Python wrappers

    def choose(
        self, i: int, lexicon_type: str, source: str, *, lead: bool = False, fixed: bool = False,
        token: int | None = None,
    ) -> tuple[str, float]:  # fmt: skip
        """(type, confidence) for a trigger (at `token`) of sentence i that the lexicon types;
        a `fixed` trigger keeps its type and is only scored."""
        word = self._words.get((i, token)) if token is not None else None
        score = self._combined(i, word)
        own = self._column.get(lexicon_type)
        if own is not None:
            bonus = self._weights.lead_lexicon if lead else None
            if bonus is None:
                bonus = self._weights.lexicon
                if i in self._encoded:
                    bonus = self._weights.encoded_lexicon
                    if lexicon_type in self._verbal:
                        bonus = max(bonus, self._weights.verbal_lexicon)
            score[own] += bonus
        best = int(score.argmax())
        if fixed and own is not None:
            # the phrase decided the type ("imposed sanctions"): how sure the event is, is how
            # sure the typer is that the sentence reports one at all (NONE's share is what the
            # row lacks), not the phrase type's share, which a typer trained to another
            # codebook's habits can make vanish; less when the typer would type it otherwise
            k, sure = own, min(float(self._mass[i] if word is None else word[1]), 1.0)
        else:
            k = best
            sure = self._share(score, k)
        confidence = sure * self._weights.source(source)
        if self.types[k] != lexicon_type or best != k:
            confidence *= self._weights.retyped
        return self.types[k], confidence

    def best(self, i: int, *, lead: bool) -> tuple[str, float]:
        """(type, confidence) of sentence i by the typer alone: a story's lead event, or the
        fallback event of a short doc in which no trigger coded one (less sure)."""
        score = self._combined(i)
        k = int(score.argmax())
        factor = 1.0 if lead else self._weights.fallback
        return self.types[k], self._share(score, k) * factor


def mixed(encoded: dict[str, float], ngram: dict[str, float], weight: float) -> dict[str, float]:
    """The encoder's scores times the n-gram typer's to the power `weight`, rescaled to the
    encoder's total (the share of an event at all stays the encoder's)."""
    raw = {t: p * (ngram.get(t, 0.0) + 1e-6) ** weight for t, p in encoded.items()}
    total, scale = sum(raw.values()), sum(encoded.values())
    return {t: v * scale / total for t, v in raw.items()} if total > 0 else encoded


def split_yield(encoded: dict[str, float], ngram: dict[str, float]) -> dict[str, float]:
    """A head trained on PLV's merged YIELD gives CONCEDE and RETREAT half of it each: a tie
    a trigger word's lexicon bonus breaks, but nothing breaks in a doc's fallback event
    ("completed the withdrawal of its troops"). The n-gram typer, trained on stories that keep
    the two apart, breaks it here, by a lean (`_YIELD_LEAN`) small enough that the two weigh
    against the other types as the halves did."""
    concede, retreat = ngram.get("CONCEDE", 0.0), ngram.get("RETREAT", 0.0)
    if concede == retreat or "CONCEDE" not in encoded or "RETREAT" not in encoded:
        return encoded
    both = encoded["CONCEDE"] + encoded["RETREAT"]
    lean = _YIELD_LEAN if concede > retreat else -_YIELD_LEAN
    return {**encoded, "CONCEDE": both * (0.5 + lean), "RETREAT": both * (0.5 - lean)}
