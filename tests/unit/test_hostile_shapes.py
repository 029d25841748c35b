"""A generated catalogue of issue 13's hostile shapes: random sizes and characters, one outcome.

Each shape is built by hypothesis and sent through Pipeline.process; each must end as exactly
one outcome of the expected kind (valid ones: a record keeping the story; the rest: a dead
letter with its reason), never a processing_error, never a null number. The per-test timeout
is ten times the expected time: a shape that turned quadratic again fails it, the speed itself
is measured by bench/hostile_growth.py.
"""

from __future__ import annotations

import math
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.models import ArticleRecord, DeadLetter
from service.pipeline import Pipeline, RawMessage

STORY = (
    "Finland and Estonia signed a maritime security agreement in Helsinki on Monday. "
    "The Finnish defence minister said the pact would guard undersea cables in the Baltic Sea."
)
STORY_2 = (
    "Officials in Tallinn said the agreement would also cover joint patrols by coast guard "
    "vessels from both countries during the winter months ahead."
)
PAGE = f"<html><body><article><p>{STORY}</p><p>{STORY_2}</p></article></body></html>"
EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
#: Seconds one test is expected to take (12 examples of up to a second each), and ten times it.
EXPECTED_S = 12
TIMEOUT = pytest.mark.timeout(10 * EXPECTED_S)

sizes = st.integers(min_value=1, max_value=20_000)
marks = st.characters(categories=["Po", "Ps", "Pe", "Pd", "Pi", "Pf", "Sm", "Sc", "Sk", "So"])
spaces = st.sampled_from([" ", "\t", "\u00a0", "\u2003", "\u3000"])


def _one(pipeline: Pipeline, **fields: Any) -> ArticleRecord | DeadLetter:
    raw = orjson.dumps({"id": "h", **fields})
    outcomes = pipeline.process([RawMessage(value=raw, topic="in", offset=1)]).outcomes
    assert len(outcomes) == 1
    outcome = outcomes[0]
    if isinstance(outcome, DeadLetter):
        assert outcome.error.type != "processing_error", outcome.error.message
    else:
        assert b'"value":null' not in orjson.dumps(outcome.model_dump(mode="json"))
    return outcome


def _record(outcome: ArticleRecord | DeadLetter, *parts: str) -> ArticleRecord:
    assert isinstance(outcome, ArticleRecord), outcome
    for part in parts:
        assert part in outcome.text
    return outcome


def _dead(outcome: ArticleRecord | DeadLetter, error_type: str) -> DeadLetter:
    assert isinstance(outcome, DeadLetter), outcome.text[:200]
    assert outcome.error.type == error_type
    return outcome


class TestMarkupFloods:
    """Unfinished or hidden markup of any size: the page's story is kept."""

    @TIMEOUT
    @EXAMPLES
    @given(
        unit=st.sampled_from(["<a ", "<b x=", "<!DOCTYPE ", "<!doctype ", "</", "<", "<?", "<p "]),
        tail=st.text(alphabet="abcxyz =-_", max_size=3),
        n=sizes,
    )
    def test_after_the_page(self, pipeline: Pipeline, unit: str, tail: str, n: int) -> None:
        """A page followed by n unfinished tags is a record with both paragraphs."""
        _record(_one(pipeline, html=PAGE + (unit + tail) * n), STORY, STORY_2)

    @TIMEOUT
    @EXAMPLES
    @given(opener=st.sampled_from(["<!DOCTYPE ", "<!doctype ", "<!DocType html "]), n=sizes)
    def test_doctypes_before_the_page(self, pipeline: Pipeline, opener: str, n: int) -> None:
        """n DOCTYPE openers without a subset before a page: a record."""
        _record(_one(pipeline, html=opener * n + PAGE), STORY, STORY_2)

    @TIMEOUT
    @EXAMPLES
    @given(
        wrap=st.sampled_from(
            [
                ("<!-- ", " -->"),
                ("<script>", "</script>"),
                ("<style>", "</style>"),
                ("<textarea>", "</textarea>"),
            ]
        ),
        tag=st.sampled_from(["div", "section", "span", "b"]),
        n=st.integers(min_value=300, max_value=5_000),
    )
    def test_hidden_nesting(
        self, pipeline: Pipeline, wrap: tuple[str, str], tag: str, n: int
    ) -> None:
        """Open tags inside a comment, script, style or textarea are no nesting: a record."""
        html = wrap[0] + f"<{tag}>" * n + wrap[1] + PAGE
        _record(_one(pipeline, html=html), STORY, STORY_2)

    @TIMEOUT
    @EXAMPLES
    @given(space=spaces, n=st.integers(min_value=1, max_value=100_000))
    def test_title_of_spaces(self, pipeline: Pipeline, space: str, n: int) -> None:
        """A title of n spaces of any kind: a record."""
        html = f"<html><head><title>{space * n}</title></head>" + PAGE[6:]
        _record(_one(pipeline, html=html), STORY, STORY_2)


class TestDeepNesting:
    """Nesting the parser can read is kept; deeper nesting is refused, never cut silently."""

    @TIMEOUT
    @EXAMPLES
    @given(
        tag=st.sampled_from(["div", "section", "article", "blockquote"]),
        stray=st.sampled_from(["span", "i", "em", "font"]),
        n=st.one_of(
            st.integers(min_value=1, max_value=200), st.integers(min_value=300, max_value=6_000)
        ),
    )
    def test_stray_closers(self, pipeline: Pipeline, tag: str, stray: str, n: int) -> None:
        """n opened elements with stray closers between two paragraphs: kept whole or refused."""
        html = f"<html><body><p>{STORY}</p>" + f"<{tag}></{stray}>" * n + f"<p>{STORY_2}</p>"
        outcome = _one(pipeline, html=html)
        if n <= 200:
            _record(outcome, STORY, STORY_2)
        else:
            assert "deeper" in _dead(outcome, "invalid_html").error.message


class TestTextFloods:
    """Runs of punctuation, symbols, emoji or '@' next to a story: a record keeping the story."""

    @TIMEOUT
    @EXAMPLES
    @given(mark=marks, sep=st.sampled_from([" ", "\n", "\n\n", " a", " x"]), n=sizes)
    def test_after_the_story(self, pipeline: Pipeline, mark: str, sep: str, n: int) -> None:
        """The story, then n marks: a record whose text still starts with the story."""
        record = _record(_one(pipeline, text=STORY + sep + mark * n), STORY)
        assert record.language == "en"

    @TIMEOUT
    @EXAMPLES
    @given(unit=st.sampled_from(["'s", ".,", ")]", "(AP ", "x@"]), n=sizes)
    def test_affix_chains(self, pipeline: Pipeline, unit: str, n: int) -> None:
        """Chains spaCy peels one affix at a time, or that defeated a line pattern: a record."""
        _record(_one(pipeline, text=f"{STORY} {STORY_2}\nx" + unit * n), STORY, STORY_2)

    @TIMEOUT
    @EXAMPLES
    @given(
        mark=st.sampled_from(["\U0001f600", "\u2605", "\u2764\ufe0f", "#", "7", "\U0001f1fa"]),
        sep=st.sampled_from([" ", "\n"]),
        n=st.integers(min_value=1_000, max_value=60_000),
    )
    def test_before_the_story(self, pipeline: Pipeline, mark: str, sep: str, n: int) -> None:
        """n symbols before an English story: the language is read from the letters."""
        text = mark * n + sep + STORY + " " + STORY_2
        assert _record(_one(pipeline, text=text), STORY).language == "en"


class TestValidValues:
    """Dates at the ends of the calendar and numbers past float range keep their article."""

    @TIMEOUT
    @EXAMPLES
    @given(
        published=st.sampled_from(
            ["0001-01-01T00:00:00Z", "0001-01-05T12:00:00Z", "9999-12-31T23:59:59Z",
             "9999-12-27T00:00:00Z"]
        ),
        when=st.sampled_from(
            ["yesterday", "tomorrow", "last week", "next Monday", "last month", "on Dec. 30",
             "on Jan. 2", "from Dec. 30 to Jan. 2", "on Dec. 29-31", "last year", "3 days ago"]
        ),
    )  # fmt: skip
    def test_calendar_ends(self, pipeline: Pipeline, published: str, when: str) -> None:
        """Relative dates near year 1 or 9999 resolve or stay unresolved: a record."""
        text = f"Russia attacked Ukraine {when}, officials in Kyiv said."
        _record(_one(pipeline, text=text, published_at=published), "Russia")

    @TIMEOUT
    @EXAMPLES
    @given(
        lead=st.integers(min_value=1, max_value=999),
        groups=st.integers(min_value=1, max_value=600),
        scale=st.sampled_from(["", " million", " billion", " trillion"]),
    )
    def test_huge_numbers(self, pipeline: Pipeline, lead: int, groups: int, scale: str) -> None:
        """A number of any size: a record whose quantities are finite numbers."""
        text = f"Russia sent {lead}" + ",000" * groups + f"{scale} troops to the border on Monday."
        record = _record(_one(pipeline, text=text), "Russia sent")
        for event in record.events:
            if event.quantity is not None:
                assert math.isfinite(event.quantity.value)

    @TIMEOUT
    @settings(EXAMPLES, max_examples=4)
    @given(
        link=st.sampled_from(["of the son ", "of the daughter ", "of a friend "]),
        n=st.integers(min_value=1_000, max_value=3_000),
    )
    def test_deep_of_chains(self, pipeline: Pipeline, link: str, n: int) -> None:
        """A chain of n 'of' phrases (deeper than Python's recursion limit): a record."""
        text = "The son " + link * n + "of the king attacked Russia on Tuesday."
        _record(_one(pipeline, text=text), "attacked Russia")
