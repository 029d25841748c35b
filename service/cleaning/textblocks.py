"""Line (block) classification of scraped text: story paragraphs kept, boilerplate dropped."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import justext  # type: ignore[import-untyped]  # jusText ships no type information

__all__ = ["Block", "BlockClassifier", "Kind", "block_weight", "normalise_lines"]

_SPACE = re.compile(r"[^\S\n]+")
_WORD = re.compile(r"\w+")
_LETTER = re.compile(r"[^\W\d_]")
# Scripts written without spaces between words: length is counted in characters there.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_TERMINAL = re.compile(r"[.!?。！？…:;][\"'”’»)\]]*$")
_SENTENCE_END = re.compile(r"[.!?。！？][\"'”’»)\]]*$")
# A teaser cut short by the page ("Ministers meet in Gen..", "Troops cross…"): no space before.
_ELLIPSIS_END = re.compile(r"\w(?:\.\.+|…)[\"'”’»)\]]*$")
# A caption credit, complete ("(AP Photo/Jane Doe)") or cut mid-word ("(AP Ph"): the opening
# is searched only in the line's tail after its last inner ")" (see _caption_credit), so a line
# of many "(AP " is scanned once.
_CREDIT_OPEN = re.compile(
    r"\((?:AP|AFP|EPA|Reuters|REUTERS|Getty|Xinhua|Yonhap|Photo|PHOTO|Image|Picture|Credit|File)"
    r"\b"
)
_CREDIT_LEAD = re.compile(
    r"(?:[Pp]hoto|[Ii]mage|[Pp]icture|[Cc]redit|[Cc]aption|[Ff]ile photo|[Pp]ictured)s?\s*"
    r"(?::|/|by\b)"
)
# A parenthesis opened near the end and never closed: a credit cut mid-word.
_OPEN_PAREN_END = re.compile(r"\(\s*[A-Z][A-Za-z]*(?:[ /][A-Za-z]*){0,2}$")
_IMPERATIVE_START = re.compile(
    r"^(?:get|download|install|sign|log|subscribe|join|follow|share|click|tap|start|try|watch|"
    r"listen|register|read|continue|see|view|explore|discover|learn|find|shop|buy|order|"
    r"upgrade|unlock|support|donate|like|tweet|email|print|save|skip|back|go|open|create|"
    r"enable|allow|accept|manage|update|visit|check|claim|enjoy|stay|already|become|"
    r"don'?t miss|want|never miss)\b",
    re.IGNORECASE,
)
# A pointer to another story ("Read more: ...", "Watch: ...") rather than a sentence of this one.
_POINTER_PREFIX = re.compile(
    r"^(?:read (?:more|also|next)|see (?:also|more)|related(?: posts?| stories| articles)?|"
    r"also(?: read| see)?|more|watch|listen|"
    r"explainer|analysis|opinion|live|latest|recommended|up next)\s*[:|»›>-]",
    re.IGNORECASE,
)
# A sentence that sells: an imperative sales verb with subscription or app wording.
_PITCH = re.compile(
    r"(?:^|[.!?]\s+)(?:subscribe|sign (?:up|in)|log in|download|install|register|join|get|try|"
    r"start|unlock|upgrade|continue|become)\b[^.!?]*\b(?:subscri\w*|membership|member|app|"
    r"newsletter|access|account|free|trial|premium|inbox|reading)\b",
    re.IGNORECASE,
)
_READER_ADDRESS = re.compile(r"\b(?:you|your|yours)\b", re.IGNORECASE)
_CTA_WORDS = re.compile(
    r"\b(?:subscri\w*|membership|member|sign(?:ed)? (?:in|up)|log(?:ged)? ?in|newsletters?|"
    r"inbox|app|apps|account|free trial|premium|titles|cookies?|notifications?|"
    r"unlimited access|download|ad ?blocker|javascript|register)\b",
    re.IGNORECASE,
)
_NAV_PHRASE = re.compile(
    r"^(?:top (?:news|stories|headlines)|related(?: stories| articles| news| content| links|"
    r" topics| coverage)?|our picks|editors?'? picks|most (?:read|popular|viewed|shared|"
    r"emailed|watched)|trending(?: now| stories)?|recommended(?: for you| stories)?|"
    r"more (?:from|on|stories|news|in)\b.*|read (?:more|next|also)\b.*|see (?:more|also)\b.*|"
    r"you (?:may|might) (?:also )?like\b.*|also read\b.*|advertisement|sponsored(?: content)?|"
    r"promoted(?: stories)?|share(?: this)?(?: article| story| on \w+)?|comments?(?: \(\d+\))?|"
    r"(?:leave|post|add) a comment|print|email|tweet|whatsapp|facebook|twitter|linkedin|"
    r"reddit|pinterest|telegram|home|menu|search|close|skip to (?:main )?content|"
    r"back to top|next article|previous article|latest(?: news| stories)?|breaking news|"
    r"just in|live updates?|watch(?: live| now)?|listen|video|photos?|gallery|"
    r"topics?|tags?|categories|sections?|in (?:this|other) news|don'?t miss|"
    r"follow us(?: on \w+)?|connect with us|about us|contact(?: us)?|terms(?: of (?:use|service))?|"
    r"privacy(?: policy)?|cookie(?: policy| settings)?|accessibility|sitemap|careers|"
    r"all rights reserved|load more|show more|view all|see all)[\s:.!|>»›-]*$",
    re.IGNORECASE,
)
_LEGAL = re.compile(
    r"^(?:©|\(c\)|copyright\b)|all rights reserved|no part of this|"
    r"may not be (?:published|reproduced|redistributed)|terms of (?:use|service)|privacy policy",
    re.IGNORECASE,
)
_SOCIAL_COUNT = re.compile(
    r"\b(?:shared|viewed|liked|read) [\d,.]+k? times\b|^\d[\d,.]*k? (?:shares|views|comments)$",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^(?:by|text|words|reporting by|written by|posted by|photos? by|edited by)\b\s*:?\s*"
    r"[^\W\d_]",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}\b|"
    r"\b\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|"
    r"\b\d{1,2}:\d{2}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b",
    re.IGNORECASE,
)
# "Jane Doe/Reuters": a photo credit on its own line.
_CREDIT_LINE = re.compile(r"^(?:[A-Z][\w.'-]*\s){1,3}[A-Z][\w.'-]*\s?/\s?[A-Z][\w.& -]{1,30}$")
# Matched whole (fullmatch); the local part of an address stops at its first "@", so there is
# one way to split a line of "@"s, not one per "@".
_LINKISH = re.compile(r"(?:https?://|www\.)\S+|[^\s@]+@\S+\.\w+", re.IGNORECASE)


def _caption_credit(line: str) -> bool:
    """A credit in parentheses closing the line ("... (AP Photo/Jane Doe)"), or a credit label.

    The credit's "(" must have no ")" after it but an optional last one, so only the tail after
    the last inner ")" can hold it.
    """
    body = line.rstrip()
    body = body.removesuffix(")")
    return bool(_CREDIT_OPEN.search(body, body.rfind(")") + 1) or _CREDIT_LEAD.match(line))


def _doubled(line: str) -> bool:
    """A teaser printed twice in one line (image alt text followed by the same link text)."""
    half = len(line) // 2
    return len(line) >= 20 and line[:half].strip() == line[half:].strip()


class Kind(Enum):
    """What a line looks like on its own, before its neighbours are considered."""

    GOOD = "good"  # a paragraph of running text
    SENTENCE = "sentence"  # short, but shaped like a sentence
    SHORT = "short"  # a heading, a menu item, a byline
    BAD = "bad"  # boilerplate by its wording


@dataclass(frozen=True, slots=True)
class Block:
    """One non-empty line of the input with the classifier's verdict."""

    text: str
    kind: Kind
    reason: str
    words: int = 0
    stopwords: int = 0


def normalise_lines(text: str) -> list[str]:
    """Split into lines with inner whitespace collapsed: the units the classifier judges."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return [line for line in lines if line]


def _form_reason(line: str, n: int) -> str | None:
    """Boilerplate by its form: links, bare symbols, captions, legal lines, menus, bylines."""
    if _LINKISH.fullmatch(line):
        return "link"
    if not _LETTER.search(line):
        return "no_letters"
    if _OPEN_PAREN_END.search(line) or _caption_credit(line):
        return "caption"
    if _LEGAL.search(line) and n <= 40:
        return "legal"
    if n <= 8 and _NAV_PHRASE.match(line):
        return "menu"
    if _CREDIT_LINE.match(line):
        return "caption"
    if n <= 8 and not _SENTENCE_END.search(line):
        if _BYLINE.match(line):
            return "byline"
        if _DATELINE.search(line):
            return "dateline"
    return None


def _pitch_reason(line: str, n: int) -> str | None:
    """Boilerplate of a short line by what it asks of the reader: pitches and teasers."""
    if _POINTER_PREFIX.match(line) or _PITCH.search(line):
        return "call_to_action"
    imperative = bool(_IMPERATIVE_START.match(line))
    you = bool(_READER_ADDRESS.search(line))
    cta = bool(_CTA_WORDS.search(line))
    if _SENTENCE_END.search(line):
        # A sentence addressing the reader may be the story's: only the sales pitch goes.
        if (imperative or n <= 12) and you and cta:
            return "call_to_action"
    elif imperative and (n <= 6 or you or cta) or you and cta:
        return "call_to_action"
    if _ELLIPSIS_END.search(line) and n <= 15:
        return "teaser"
    return None


class BlockClassifier:
    """Judges each line by length, sentence shape, stop-word density and call-to-action wording."""

    def __init__(
        self,
        *,
        good_words: int = 10,
        good_chars_cjk: int = 40,
        stopword_density: float = 0.25,
        short_max_words: int = 25,
    ) -> None:
        self._stopwords = frozenset(w.casefold() for w in justext.get_stoplist("English"))
        self._good_words = good_words
        self._good_chars_cjk = good_chars_cjk
        self._density = stopword_density
        self._short_max_words = short_max_words

    @property
    def stopwords(self) -> frozenset[str]:
        """The case-folded English stop words the density is counted with."""
        return self._stopwords

    #: Words that speak to the reader ("you", "your").
    reader_address = _READER_ADDRESS
    #: Subscription, app, account and cookie wording.
    cta_words = _CTA_WORDS

    def boilerplate_reason(self, line: str, words: Sequence[str]) -> str | None:
        """Why a line is boilerplate by its wording alone, or None."""
        n = len(words)
        reason = _form_reason(line, n)
        if reason is None and n <= self._short_max_words:
            reason = _pitch_reason(line, n)
        if reason is None and (_SOCIAL_COUNT.search(line) or _doubled(line)):
            reason = "teaser"
        return reason

    def kind(self, line: str) -> tuple[Kind, str]:
        """Classify one normalised line."""
        block = self.block(line)
        return block.kind, block.reason

    def block(self, line: str) -> Block:
        """One normalised line's verdict, with its word and stop-word counts."""
        words = _WORD.findall(line)
        n = len(words)
        stops = sum(map(self._stopwords.__contains__, map(str.casefold, words)))
        reason = self.boilerplate_reason(line, words)
        if reason is not None:
            return Block(line, Kind.BAD, reason, n, stops)
        kind, why = self._shape(line, n, stops)
        return Block(line, kind, why, n, stops)

    def _shape(self, line: str, n: int, stops: int) -> tuple[Kind, str]:
        cjk = len(_CJK.findall(line))
        if cjk * 2 > len(line):
            if cjk >= self._good_chars_cjk and _TERMINAL.search(line):
                return Kind.GOOD, "cjk_paragraph"
            return (
                (Kind.SENTENCE, "cjk_sentence")
                if _SENTENCE_END.search(line)
                else (Kind.SHORT, "cjk_short")
            )
        density = stops / n if n else 0.0
        ends = bool(_TERMINAL.search(line))
        if n >= self._good_words and ends:
            return Kind.GOOD, "paragraph"
        if n >= 2 * self._good_words and density >= self._density:
            return Kind.GOOD, "long"
        if _SENTENCE_END.search(line) and n >= 3 and (stops > 0 or density == 0.0 and n >= 5):
            return Kind.SENTENCE, "sentence"
        return Kind.SHORT, "short"

    def __call__(self, lines: Sequence[str]) -> list[Block]:
        """Classify every line on its own."""
        return [self.block(line) for line in lines]


def block_weight(block: Block) -> int:
    """How much a line argues for the story run: paragraphs by length, the rest against.

    The old hand selection kept the max-sum run of these weights; the line model reads where
    that run lies (linefeatures.context_features) instead of obeying it.
    """
    if block.kind is Kind.GOOD:
        return len(block.text)
    if block.kind is Kind.SENTENCE:
        return -5
    return -(len(block.text) + 20)
