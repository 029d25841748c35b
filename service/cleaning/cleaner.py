"""Raw article text or HTML in, the clean story body out: the text every offset points into."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import lxml.html
import trafilatura
from lxml import etree
from readability import Document

from service.cleaning.htmlcheck import declares_entities, nesting_depth
from service.cleaning.textblocks import (
    BlockClassifier,
    Kind,
    RepeatMemory,
    normalise_lines,
    select_story,
)
from service.errors import Rejected
from service.models import Article

__all__ = ["PARSER_MAX_DEPTH", "Cleaned", "Cleaner"]

#: libxml2's HTML parser stops without an exception below this depth (without huge_tree).
PARSER_MAX_DEPTH: Final = 255
# What still slips through trafilatura: pitches, pointers, menus and legal lines by wording.
_HTML_DROP: Final = frozenset({"call_to_action", "menu", "legal", "caption"})
# A separator between spaces; the look-behind starts a match only where a space run starts,
# so a title of spaces is scanned once, not once per space.
_TITLE_SPLIT: Final = re.compile(r"(?<!\s)\s++[-–—|:·»]\s+")
_NON_WORD: Final = re.compile(r"\W+")
_BLOCK_TAGS: Final = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li blockquote pre section article header footer td th dd dt "
    "figcaption br tr ul ol table".split()
)


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The cleaned body and what was removed to get it."""

    text: str
    input_format: Literal["text", "html"]
    removed_lines: int
    removed_chars: int


_PARSERS: Final = threading.local()


def _safe_parser() -> lxml.html.HTMLParser:
    """This thread's HTML parser: no network, no huge trees (lxml parsers are per thread).

    libxml2's HTML parser never expands DTD entities; declared ones are refused earlier.
    """
    parser: lxml.html.HTMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = lxml.html.HTMLParser(
            no_network=True,
            huge_tree=False,
            remove_pis=True,
            remove_comments=True,
            encoding="utf-8",
        )
        _PARSERS.parser = parser
    return parser


def _hit_resource_limit(parser: lxml.html.HTMLParser) -> bool:
    """Whether the last parse stopped at one of libxml2's limits (depth) instead of the end."""
    return any(
        "RESOURCE_LIMIT" in error.type_name or "Excessive depth" in error.message
        for error in parser.error_log.filter_from_fatals()
    )


def _title_key(text: str) -> str:
    return _NON_WORD.sub(" ", text).strip().casefold()


class Cleaner:
    """Turns an Article into its clean story text; set up once, called per article."""

    def __init__(
        self,
        *,
        repeat_memory: int = 5000,
        max_depth: int = 500,
        min_html_ratio: float = 0.4,
        min_html_chars: int = 200,
        fallback_gain: float = 2.0,
    ) -> None:
        self._classify = BlockClassifier()
        self._memory = RepeatMemory(repeat_memory)
        self._max_depth = max_depth
        self._min_ratio = min_html_ratio
        self._min_chars = min_html_chars
        self._fallback_gain = fallback_gain

    def __call__(self, article: Article) -> Cleaned:
        """Clean the HTML when there is some, else the text; Rejected when nothing is left.

        The article comes from `decode_article`, which has refused control characters.
        """
        if article.html and article.html.strip():
            # A form feed is whitespace to a reader but a forbidden character to lxml's setters.
            result = self._html_lines(article.html.replace("\f", "\n"), article.title)
            if result is not None:
                return self._finish(result.kept, "html", result.removed_lines, result.removed_chars)
        if article.text and article.text.strip():
            return self._clean_text(article.text, article.title, article.source)
        raise Rejected("empty_after_cleaning", "nothing of the article is left after cleaning")

    @staticmethod
    def _finish(
        kept: Sequence[str], fmt: Literal["text", "html"], lines: int, chars: int
    ) -> Cleaned:
        if not kept:
            raise Rejected("empty_after_cleaning", "nothing of the article is left after cleaning")
        return Cleaned("\n\n".join(kept), fmt, lines, chars)

    def _clean_text(self, text: str, title: str | None, source: str | None) -> Cleaned:
        lines = normalise_lines(text)
        blocks = self._classify(lines)
        keep = select_story(blocks)
        titles = {_title_key(title)} if title else set()
        for i, line in enumerate(lines):
            if keep[i] and titles and _title_key(line) in titles:
                keep[i] = False
        if source:
            # Only lines that are not sentences may go for being repeated: menus, promos, labels.
            droppable = [b.text for b in blocks if b.kind in (Kind.SHORT, Kind.BAD)]
            repeated = self._memory.seen_before(source, droppable)
            for i, block in enumerate(blocks):
                if block.text in repeated:
                    keep[i] = False
        kept = [line for line, k in zip(lines, keep, strict=True) if k]
        removed = [line for line, k in zip(lines, keep, strict=True) if not k]
        return self._finish(kept, "text", len(removed), sum(len(r) for r in removed))

    def _html_lines(self, html: str, title: str | None) -> _HtmlResult | None:
        if declares_entities(html):
            raise Rejected("unsafe_html", "the HTML declares entities or a DOCTYPE internal subset")
        if nesting_depth(html, self._max_depth) > self._max_depth:
            raise Rejected("invalid_html", f"the HTML is nested deeper than {self._max_depth}")
        parser = _safe_parser()
        try:
            root = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
        except etree.ParserError:
            return None  # an empty document: nothing to extract, the text may still serve
        except (etree.LxmlError, ValueError) as exc:
            raise Rejected("invalid_html", f"the HTML cannot be parsed: {exc}") from exc
        if _hit_resource_limit(parser):
            # libxml2 stopped there and dropped the rest: refuse rather than lose it silently.
            raise Rejected(
                "invalid_html",
                f"the HTML nests elements deeper than the parser reads ({PARSER_MAX_DEPTH}); "
                "the content past that depth would be lost",
            )
        titles = self._page_titles(root, title)
        visible = _visible_lines(root)
        visible_chars = sum(len(v) for v in visible)
        extracted = self._trafilatura(root)
        lines = self._drop_titles(normalise_lines(extracted), titles)
        if sum(len(x) for x in lines) < max(self._min_chars, self._min_ratio * visible_chars):
            fallback = self._drop_titles(_readability_lines(html), titles)
            if sum(len(x) for x in fallback) > self._fallback_gain * sum(len(x) for x in lines):
                lines = fallback
        lines = [line for line in lines if self._classify.kind(line)[1] not in _HTML_DROP]
        if not lines:
            return None
        kept_chars = sum(len(x) for x in lines)
        return _HtmlResult(
            lines, max(0, len(visible) - len(lines)), max(0, visible_chars - kept_chars)
        )

    @staticmethod
    def _trafilatura(root: lxml.html.HtmlElement) -> str:
        """Main content by trafilatura, tuned for precision (comments are not the story)."""
        try:
            out = trafilatura.extract(root, favor_precision=True, include_comments=False)
        except Exception:  # a third-party failure on odd markup must not fail the article
            return ""
        return out or ""

    @staticmethod
    def _page_titles(root: lxml.html.HtmlElement, title: str | None) -> set[str]:
        """Headlines the page states (given title, <title>, og:title, h1) kept out of the body."""
        found = [title or ""]
        found += [el.text_content() for el in root.xpath("//title|//h1")]
        found += root.xpath("//meta[@property='og:title' or @name='twitter:title']/@content")
        keys = set()
        for item in found:
            text = str(item)
            keys.add(_title_key(text))
            keys.update(_title_key(part) for part in _TITLE_SPLIT.split(text))
        keys.discard("")
        return keys

    @staticmethod
    def _drop_titles(lines: list[str], titles: set[str]) -> list[str]:
        """Drop headline lines at the top of the body."""
        head = 0
        while head < min(len(lines), 3) and _title_key(lines[head]) in titles:
            head += 1
        return lines[head:]


@dataclass(frozen=True, slots=True)
class _HtmlResult:
    kept: list[str]
    removed_lines: int
    removed_chars: int


def _visible_lines(root: lxml.html.HtmlElement) -> list[str]:
    """The page's visible text nodes: what a reader could see, markup and scripts aside."""
    nodes = root.xpath(
        "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
        " or ancestor::template)]"
    )
    return [s for s in (str(n).strip() for n in nodes) if s]


def _readability_lines(html: str) -> list[str]:
    """readability-lxml's main content as lines, the fallback when trafilatura finds too little."""
    try:
        summary = Document(html).summary(html_partial=True)
        root = lxml.html.fragment_fromstring(
            summary.encode("utf-8", "replace"), create_parent="div", parser=_safe_parser()
        )
    except Exception:  # the fallback is best effort: on failure the primary result stands
        return []
    for el in root.iter(*_BLOCK_TAGS):
        el.text = "\n" + (el.text or "")
        el.tail = "\n" + (el.tail or "")
    text: str = root.text_content()
    return normalise_lines(text)
