"""Raw article text or HTML in, the clean story body out: the text every offset points into."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

import lxml.html
import trafilatura
from lxml import etree
from readability import Document

from service.cleaning.htmlcheck import declares_entities, nesting_depth
from service.cleaning.linemodel import LineModel, shipped_model
from service.cleaning.repeats import LocalRepeatMemory, RepeatMemory, line_key
from service.cleaning.textblocks import Kind, normalise_lines
from service.errors import Rejected
from service.models import Article

__all__ = ["DROP_REASONS", "PARSER_MAX_DEPTH", "RULE_REASONS", "Cleaned", "Cleaner"]

#: Why a line was dropped: the line model, the repeat memory, a hand rule (the headline, a
#: boilerplate wording in HTML), or the HTML extractor leaving it out of the main content.
DROP_REASONS: Final = ("model", "repeat", "rule", "extractor")

#: libxml2's HTML parser stops without an exception below this depth (without huge_tree).
PARSER_MAX_DEPTH: Final = 255
# What still slips through trafilatura: pitches, pointers, menus and legal lines by wording.
_HTML_DROP: Final = frozenset({"call_to_action", "menu", "legal", "caption"})
#: Hand-rule verdicts that drop a scraped-text line even when the model keeps it: on held-out
#: folds they cut the furniture that leaks (0.272 -> 0.231 of it page by page, 0.021 -> 0.014 in
#: a stream) and add 0.002 F1 (BENCHMARKS.md, issue 21).
RULE_REASONS: Final = frozenset(
    "link no_letters caption legal menu byline dateline call_to_action teaser".split()
)
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
    removed_by: dict[str, int] = field(default_factory=dict)
    kept_lines: int = 0


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
        line_model: LineModel | None = None,
        repeats: RepeatMemory | None = None,
        rule_reasons: frozenset[str] = RULE_REASONS,
        copy_share: float = 0.5,
        max_depth: int = 500,
        min_html_ratio: float = 0.4,
        min_html_chars: int = 200,
        fallback_gain: float = 2.0,
    ) -> None:
        self._lines = line_model or shipped_model()
        self._classify = self._lines.classify
        self.repeats: RepeatMemory = repeats if repeats is not None else LocalRepeatMemory()
        self._rule_reasons = rule_reasons
        self._copy_share = copy_share
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
                return self._finish(
                    result.kept, "html", result.removed_lines, result.removed_chars, result.by
                )
        if article.text and article.text.strip():
            return self._clean_text(article)
        raise Rejected("empty_after_cleaning", "nothing of the article is left after cleaning")

    @staticmethod
    def _finish(
        kept: Sequence[str],
        fmt: Literal["text", "html"],
        lines: int,
        chars: int,
        by: dict[str, int],
    ) -> Cleaned:
        if not kept:
            raise Rejected("empty_after_cleaning", "nothing of the article is left after cleaning")
        return Cleaned("\n\n".join(kept), fmt, lines, chars, by, len(kept))

    def _clean_text(self, article: Article) -> Cleaned:
        """Lines the model keeps, less the headline and what the stream has repeated."""
        lines = normalise_lines(article.text or "")
        blocks = self._classify(lines)
        probs = self._lines.probabilities(blocks)
        why: list[str | None] = [None if p >= self._lines.threshold else "model" for p in probs]
        title = _title_key(article.title) if article.title else None
        # A headline line is no longer than the title with its separators (cheap test first).
        longest = 4 * len(article.title or "") + 40
        for i, block in enumerate(blocks):
            if why[i] is not None:
                continue
            if block.kind is Kind.BAD and block.reason in self._rule_reasons or (
                title is not None and len(block.text) <= longest and _title_key(block.text) == title
            ):
                why[i] = "rule"
        if all(why):
            # Nothing kept: a brief or a flash, too short for the page-shaped model to judge.
            # Keep what reads as text, as the hand selection did for a page without paragraphs.
            why = [
                None if w == "model" and b.kind is not Kind.BAD else w
                for w, b in zip(why, blocks, strict=True)
            ]
        self._drop_repeats(article, lines, why)
        kept = [line for line, w in zip(lines, why, strict=True) if w is None]
        removed = [line for line, w in zip(lines, why, strict=True) if w is not None]
        by: dict[str, int] = {r: why.count(r) for r in DROP_REASONS if r in why}
        return self._finish(kept, "text", len(removed), sum(len(r) for r in removed), by)

    def _drop_repeats(self, article: Article, lines: list[str], why: list[str | None]) -> None:
        """Mark kept lines the stream has repeated, unless the article is itself a copy.

        Every line is remembered; a kept line goes when it repeats, whatever its words (a
        background paragraph a source repeats in update after update goes too: its events were
        read the first times). When its longest kept line and most of its kept text repeat,
        the article is a copy of one seen before (a wire story, a redelivery under a new id):
        the story index groups it, and cutting its body here would leave nothing to group.
        """
        keys = [line_key(line) for line in lines]
        repeated = self.repeats.repeated(article.id, article.source, keys)
        if not repeated:
            return
        kept = [i for i, w in enumerate(why) if w is None]
        hits = [i for i in kept if keys[i] in repeated]
        if not hits:
            return
        longest = max(kept, key=lambda i: len(lines[i]))
        kept_chars = sum(len(lines[i]) for i in kept)
        if keys[longest] in repeated and sum(len(lines[i]) for i in hits) > (
            self._copy_share * kept_chars
        ):
            return
        for i in hits:
            why[i] = "repeat"

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
        extracted_count = len(lines)
        lines = [line for line in lines if self._classify.kind(line)[1] not in _HTML_DROP]
        if not lines:
            return None
        kept_chars = sum(len(x) for x in lines)
        removed = max(0, len(visible) - len(lines))
        by_rule = extracted_count - len(lines)
        by = {"rule": by_rule, "extractor": removed - by_rule}
        return _HtmlResult(
            lines,
            removed,
            max(0, visible_chars - kept_chars),
            {k: v for k, v in by.items() if v > 0},
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
    by: dict[str, int]


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
