"""Tests for the hand line classification: kinds, boilerplate reasons, story-run weights."""

from __future__ import annotations

import pytest

from service.cleaning.textblocks import (
    BlockClassifier,
    Kind,
    block_weight,
    normalise_lines,
)

PARAGRAPH = (
    "Troops from the 5th Brigade arrived in the border town of Kessab on Monday, the defence "
    "ministry said, and more units are expected to follow before the end of the week."
)


class TestNormaliseLines:
    """normalise_lines splits on any line break and collapses inner whitespace."""

    @pytest.mark.parametrize(
        ("text", "lines"),
        [
            ("a  b\tc", ["a b c"]),
            ("a\r\nb\rc\fd", ["a", "b", "c", "d"]),
            ("\n\n  x \u00a0 y  \n\n", ["x y"]),
            ("", []),
        ],
    )
    def test_lines(self, text: str, lines: list[str]) -> None:
        """Blank lines vanish and each kept line is trimmed and single-spaced."""
        assert normalise_lines(text) == lines


class TestBlockClassifier:
    """BlockClassifier judges one line by its shape and wording."""

    @pytest.mark.parametrize(
        ("line", "kind"),
        [
            (PARAGRAPH, Kind.GOOD),
            ("Talks resume on Friday.", Kind.SENTENCE),
            ("What happens next", Kind.SHORT),
            ("By Jane Doe, Beirut", Kind.BAD),
            ("Nov. 20, 2024, 9:28 AM UTC", Kind.BAD),
            ("Jane Roe/Reuters", Kind.BAD),
            ("Sign up to read this article", Kind.BAD),
            ("Already a member? Sign in here", Kind.BAD),
            ("Download the app", Kind.BAD),
            ("Our Picks", Kind.BAD),
            ("Related Stories", Kind.BAD),
            ("Top News", Kind.BAD),
            ("Most Read", Kind.BAD),
            ("Read more: Why the ceasefire failed", Kind.BAD),
            ("This story has been shared 12,345 times.", Kind.BAD),
            ("Ministers arrive for talks in Oslo, Norway, on May 2, 2024. (AP Ph", Kind.BAD),
            ("Ministers arrive for talks in Oslo. (AP Photo/Jane Roe)", Kind.BAD),
            ("Photo: Reuters/John Smith", Kind.BAD),
            ("Ceasefire talks collapse as envoys leave Gen..", Kind.BAD),
            ("© 2024 Example Media. All rights reserved.", Kind.BAD),
            ("https://example.org/world/ceasefire", Kind.BAD),
            ("One subscription that gives you access to every title we carry", Kind.BAD),
            ("Subscribe now to unlock unlimited access.", Kind.BAD),
        ],
    )
    def test_kind(self, line: str, kind: Kind) -> None:
        """The line falls in the expected class."""
        assert BlockClassifier().kind(line)[0] is kind

    @pytest.mark.parametrize(
        "line",
        [
            "The US is the final decision-maker on any deal, and has not committed to specifics.",
            "Try listening to your body to recognise when hunger tapers off, the study advises.",
            "But here's the disconnect …",
            "The agency's app asks users to register an account before they can apply for aid.",
            "The talks were held at the headquarters of the European Photo Agency (EPA) in Bonn.",
        ],
    )
    def test_story_sentence_not_boilerplate(self, line: str) -> None:
        """Sentences that merely mention apps, deals or the reader are not boilerplate."""
        assert BlockClassifier().kind(line)[0] is not Kind.BAD


class TestBlockWeight:
    """block_weight: paragraphs argue for the story run by length, other lines against it."""

    def test_signs(self) -> None:
        """A paragraph weighs its length; a sentence a little against; a menu more."""
        classify = BlockClassifier()
        paragraph, sentence, menu = classify([PARAGRAPH, "Talks resume on Friday.", "Home"])
        assert block_weight(paragraph) == len(PARAGRAPH)
        assert block_weight(sentence) == -5
        assert block_weight(menu) == -(len("Home") + 20)


class TestLinkAndCredit:
    """Links, addresses and credits are still found, and floods of their markers are plain lines."""

    @pytest.mark.parametrize(
        ("line", "reason"),
        [
            ("https://example.org/a/b?c=1", "link"),
            ("www.example.org", "link"),
            ("desk@example.org", "link"),
            ("a@b@example.org", "link"),
            ("Ministers arrive for talks in Oslo. (AP Photo/Jane Doe)", "caption"),
            ("Ministers arrive for talks (in Oslo). (Reuters) ", "caption"),
            ("Photo: Jane Doe", "caption"),
            ("@" * 5000, "no_letters"),
            ("(AP " * 3000, "caption"),
        ],
    )
    def test_reason(self, line: str, reason: str) -> None:
        """Each line gets its boilerplate reason."""
        assert BlockClassifier().boilerplate_reason(line, line.split()) == reason

    @pytest.mark.parametrize(
        "line",
        [
            "Ministers met (AP officials said) in Oslo on Monday to sign the treaty.",
            "(AP Photo) ministers met in Oslo (on Monday) to sign the treaty.",
            "x@" + "a." * 3000,
        ],
    )
    def test_not_a_credit_or_link(self, line: str) -> None:
        """A credit not closing the line, or a flood of markers, is neither caption nor link."""
        assert BlockClassifier().boilerplate_reason(line, line.split()) not in ("caption", "link")
