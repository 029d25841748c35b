"""Tone: VADER per sentence, averaged by words, always within its bounds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.tone import ToneScorer, split_sentences

KILLINGS = (
    "Gunmen killed at least thirty people and burned hundreds of homes in a night attack. "
    "Survivors said the attackers shot residents as they fled and destroyed the market. "
    "Dozens of wounded were taken to hospital, and thousands fled in terror."
)
PEACE = (
    "Crowds celebrated in the streets after the leaders signed a historic peace agreement. "
    "The accord was warmly welcomed by neighbours, who praised the courage of both sides. "
    "Families hope to return home safely, and aid groups are delighted to help rebuild."
)

scorer = ToneScorer()


class TestToneScorer:
    def test_killings_and_destruction_are_negative(self) -> None:
        """A report of killings and destruction scores below 0, mostly negative words."""
        tone = scorer(KILLINGS)
        assert tone.score < 0
        assert tone.negative > tone.positive

    def test_celebrated_peace_agreement_is_positive(self) -> None:
        """A celebrated peace agreement scores above 0, mostly positive words."""
        tone = scorer(PEACE)
        assert tone.score > 0
        assert tone.positive > tone.negative

    def test_empty_text_is_neutral(self) -> None:
        """Nothing to score: zero everywhere."""
        tone = scorer("  \n ")
        assert (tone.score, tone.positive, tone.negative) == (0.0, 0.0, 0.0)

    def test_long_text_does_not_saturate(self) -> None:
        """Repeating a mildly negative sentence keeps its score instead of drifting to -1."""
        sentence = "The plan was criticised by some residents."
        one, many = scorer(sentence), scorer(" ".join([sentence] * 40))
        assert many.score == pytest.approx(one.score, abs=1e-3)
        assert -0.9 < many.score < 0

    @pytest.mark.timeout(60)  # VADER alone took 55 s on 8,000 emoji; bounded, well under 1 s
    @pytest.mark.parametrize("flood", ["\U0001f600" * 50_000, "word " * 40_000])
    def test_floods_are_scored_on_their_start(self, flood: str) -> None:
        """A flood of emoji or words in one sentence is read up to a bound, not to its end."""
        tone = scorer(flood + " " + PEACE)
        assert -1.0 <= tone.score <= 1.0

    def test_ordinary_sentences_unbounded(self) -> None:
        """Sentences under the bound score exactly as before."""
        assert scorer(PEACE) == scorer(" ".join(PEACE.split()))

    @settings(max_examples=60, deadline=None)
    @given(st.text(max_size=400))
    def test_scores_stay_in_bounds(self, text: str) -> None:
        """Any text: score in [-1, 1], shares in [0, 1]."""
        tone = scorer(text)
        assert -1.0 <= tone.score <= 1.0
        assert 0.0 <= tone.positive <= 1.0 and 0.0 <= tone.negative <= 1.0


class TestSplitSentences:
    def test_sentences_and_lines(self) -> None:
        """Sentence ends and line breaks split; quotes stay with their sentence."""
        assert split_sentences('He said "No." Then left!\nHeadline here\n\nWhy? Because.') == [
            'He said "No."',
            "Then left!",
            "Headline here",
            "Why?",
            "Because.",
        ]
