"""The article's tone: VADER's lexicon scores, averaged over its sentences."""

from __future__ import annotations

import re

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from service.cleaning.tokensafe import bound_mark_runs
from service.models import Tone

__all__ = ["MAX_TOKENS", "ToneScorer", "split_sentences"]

# A sentence ends at . ! ? (with closing quotes or brackets) before white space, or at a line
# break: cleaned text keeps one paragraph per line.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'\u201d\u2019)\]]))\s+|\n+")
_WORD = re.compile(r"\w+")
#: VADER's cost grows with the square of a sentence's length (it finds words by position, reads
#: emoji one by one): past this many tokens a "sentence" is a flood, its rest is not scored.
MAX_TOKENS = 200


def split_sentences(text: str) -> list[str]:
    """Sentences (and headline-like lines) of a cleaned text, without empty pieces."""
    return [piece.strip() for piece in _SENTENCE_END.split(text) if piece and piece.strip()]


class ToneScorer:
    """Scores each sentence with VADER and averages, weighted by the sentence's words.

    Per sentence, not over the whole text: VADER's compound score normalises the sum of the
    valences (x / sqrt(x^2 + 15)), so over a whole article the sum grows with its length and
    saturates at -1 or +1; VADER's authors advise scoring sentences and averaging for longer
    texts. Weighting by words keeps a one-word line ("Advertisement") from counting like a
    paragraph.
    """

    def __init__(self) -> None:
        self._vader = SentimentIntensityAnalyzer()  # loads the lexicon once

    def __call__(self, text: str) -> Tone:
        total = score = positive = negative = 0.0
        for sentence in split_sentences(text):
            words = len(_WORD.findall(sentence))
            if not words:
                continue
            polarity = self._vader.polarity_scores(_scorable(sentence))
            total += words
            score += words * polarity["compound"]
            positive += words * polarity["pos"]
            negative += words * polarity["neg"]
        if not total:
            return Tone(score=0.0, positive=0.0, negative=0.0)
        return Tone(
            score=_clip(round(score / total, 4), -1.0),
            positive=_clip(round(positive / total, 4), 0.0),
            negative=_clip(round(negative / total, 4), 0.0),
        )


def _scorable(sentence: str) -> str:
    """The sentence as VADER reads it in linear time: mark floods blanked, tokens capped."""
    sentence = bound_mark_runs(sentence)
    tokens = sentence.split()
    return sentence if len(tokens) <= MAX_TOKENS else " ".join(tokens[:MAX_TOKENS])


def _clip(value: float, low: float) -> float:
    return min(max(value, low), 1.0)
