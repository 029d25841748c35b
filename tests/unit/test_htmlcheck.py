"""Tests for service.cleaning.htmlcheck: entity declarations and real element depth."""

from __future__ import annotations

import pytest

from service.cleaning.htmlcheck import declares_entities, nesting_depth


class TestDeclaresEntities:
    """Entity declarations and DOCTYPE subsets are found; plain DOCTYPEs are not."""

    @pytest.mark.parametrize(
        "html",
        [
            '<!DOCTYPE x [<!ENTITY a "b">]><p>&a;</p>',
            "<!doctype html [ ]><p>x</p>",
            "<p>x</p><!entity e 'boom'>",
            "<!DOCTYPE " * 50 + "<!DOCTYPE x [",
        ],
    )
    def test_declarations_found(self, html: str) -> None:
        """Each form of entity trick is reported."""
        assert declares_entities(html)

    @pytest.mark.parametrize(
        "html",
        ["<!DOCTYPE html><p>a [b]</p>", "<!DOCTYPE " * 2000 + "<p>x</p>", "<p>[</p>", ""],
    )
    def test_plain_doctypes_pass(self, html: str) -> None:
        """A DOCTYPE without a subset, even repeated, declares nothing."""
        assert not declares_entities(html)


class TestNestingDepth:
    """Depth as a parser builds it: comments, scripts, CDATA and stray closers add nothing."""

    @pytest.mark.parametrize(
        ("html", "depth"),
        [
            ("<div><div><p>x</p></div></div>", 2),
            ("<div>" * 5 + "</div>" * 5 + "<div>", 5),
            ("<!-- " + "<div>" * 600 + " -->" + "<div>x</div>", 1),
            ("<script>" + "<div>" * 600 + "</script><div>x</div>", 1),
            ("<textarea>" + "<div>" * 600 + "</textarea><div>x</div>", 1),
            # Not CDATA to an HTML parser: a bogus comment that ends at the first ">".
            ("<![CDATA[" + "<div>" * 600 + "]]>", 599),
            ("<div></span>" * 40, 40),
            ("<div><b><i></div><div>", 3),
            ("<br/><img src=x><p>" * 50, 0),
            ("<div " * 4000, 0),
            ("<div><x-y:z>", 2),
        ],
    )
    def test_depth(self, html: str, depth: int) -> None:
        """The depth counts open elements only."""
        assert nesting_depth(html, 10_000) == depth

    def test_stops_past_limit(self) -> None:
        """The scan stops once past the limit."""
        assert nesting_depth("<div>" * 10_000, 50) == 51
