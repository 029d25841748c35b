"""Resolve date expressions ("Oct. 8 to Oct. 13", "in June", "Tuesday") to ISO day ranges."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from typing import Any, Final

import dateparser

from service.models import DateInfo

__all__ = ["DateResolver"]

_MONTHS: Final[dict[str, int]] = {}
for _i, _name in enumerate(calendar.month_name):
    if _i:
        _MONTHS[_name.lower()] = _i
        _MONTHS[_name[:3].lower()] = _i
_MONTHS["sept"] = 9
_WEEKDAYS: Final = {name.lower(): i for i, name in enumerate(calendar.day_name)}

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)(?:[a-z]+|\.)?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_ONE_DATE = (
    rf"(?:{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?|{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?"
    rf"|{_MONTH}(?:\s+{_YEAR})?|{_YEAR})"
)

_RANGE_RE: Final = re.compile(
    rf"\b(?:from|between)\s+(?P<a>{_ONE_DATE})\s+(?:to|and|until|till|through|thru)\s+"
    rf"(?P<b>{_ONE_DATE})(?![\w])",
    re.IGNORECASE,
)
_DAY_SPAN_RE: Final = re.compile(
    rf"\b(?P<m>{_MONTH})\s+(?P<d1>\d{{1,2}})\s*[-\u2013]\s*(?P<d2>\d{{1,2}})(?:,?\s+(?P<y>{_YEAR}))?\b",
    re.IGNORECASE,
)
_MONTH_DAY_RE: Final = re.compile(
    rf"^(?:(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})|(?P<d2>{_DAY})\s+(?P<m2>{_MONTH}))(?:,?\s+(?P<y>{_YEAR}))?$",
    re.IGNORECASE,
)
_MONTH_RE: Final = re.compile(rf"^(?P<m>{_MONTH})(?:\s+(?P<y>{_YEAR}))?$", re.IGNORECASE)
_YEAR_IN_RE: Final = re.compile(rf"\b{_YEAR}\b")
_YEAR_RE: Final = re.compile(rf"^(?:the\s+year\s+)?(?P<y>{_YEAR})$", re.IGNORECASE)
_LEADING_RE: Final = re.compile(
    r"^(?:on|in|from|since|during|by|until|late|early|earlier|later|this|the|of)\s+", re.IGNORECASE
)
# Only texts that look like dates reach dateparser, which costs about a millisecond a call.
_DATEPARSER_GUARD_RE: Final = re.compile(
    r"\d|\b(?:ago|yesterday|today|tomorrow|week|month|year|weekend)\b", re.IGNORECASE
)
# "100 years", "two weeks" are lengths of time, not dates (dateparser reads them as "ago").
_DURATION_RE: Final = re.compile(
    r"^(?:the\s+)?(?:past\s+|last\s+|next\s+)?(?:\S+\s+)?(?:\S+\s+)?"
    r"(?:years?|months?|weeks?|days?|hours?|decades?|centuries)$",
    re.IGNORECASE,
)
_RELATIVE: Final[dict[str, tuple[int, int]]] = {
    "today": (0, 0), "tonight": (0, 0), "this morning": (0, 0), "this afternoon": (0, 0),
    "this evening": (0, 0), "yesterday": (-1, -1), "last night": (-1, -1),
    "tomorrow": (1, 1), "the weekend": (-2, 0), "this weekend": (-2, 0),
}  # fmt: skip


def _month(text: str) -> int:
    return _MONTHS[text.lower().rstrip(".")[:3]]


def _past_year(month: int, day: int, anchor: date | None) -> int | None:
    """The year that puts month/day on or before the anchor (news reports the past)."""
    if anchor is None:
        return None
    year = anchor.year
    if (month, day) > (anchor.month, anchor.day) and (
        date(year, month, min(day, 28)) - anchor
    ) > timedelta(days=7):
        year -= 1
    return year


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


class DateResolver:
    """Turns a date expression into a `DateInfo`, cheaply for the common news forms."""

    def __init__(self) -> None:
        self._settings: dict[str, Any] = {
            "PREFER_DATES_FROM": "past",
            "RETURN_AS_TIMEZONE_AWARE": False,
        }

    def find_range(self, text: str) -> re.Match[str] | None:
        """The first explicit range in a sentence ("from Oct. 8 to Oct. 13", "Oct. 8-13");
        a sentence without the words or the dash a range needs is not searched."""
        low = text.lower()
        found = _RANGE_RE.search(text) if "from" in low or "between" in low else None
        if found is None and ("-" in text or "\u2013" in text):
            found = _DAY_SPAN_RE.search(text)
        return found

    def resolve_range(self, match: re.Match[str], published_at: datetime | None) -> DateInfo:
        """A `DateInfo` spanning both ends of a range found by `find_range`."""
        try:
            return self._resolve_range(match, published_at)
        except (OverflowError, ValueError):  # a day before 0001-01-01 or after 9999-12-31
            return DateInfo(text=match.group(0))

    def _resolve_range(self, match: re.Match[str], published_at: datetime | None) -> DateInfo:
        anchor = published_at.date() if published_at else None
        if match.re is _DAY_SPAN_RE:
            month = _month(match["m"])
            d1, d2 = int(match["d1"]), int(match["d2"])
            year = int(match["y"]) if match["y"] else _past_year(month, d2, anchor)
            if year is None or not (1 <= d1 <= d2 <= calendar.monthrange(year, month)[1]):
                return DateInfo(text=match.group(0))
            return DateInfo(
                text=match.group(0), start=date(year, month, d1), end=date(year, month, d2)
            )
        first_text, last_text = match["a"], match["b"]
        stated = _YEAR_IN_RE.search(last_text)
        if stated and not _YEAR_IN_RE.search(first_text) and not _YEAR_RE.match(last_text):
            first_text = f"{first_text} {stated.group(0)}"  # "March 2 and March 5, 2023"
        first = self._absolute(first_text, anchor)
        last = self._absolute(last_text, anchor)
        if first is None or last is None or first[0] > last[1]:
            return DateInfo(text=match.group(0))
        return DateInfo(text=match.group(0), start=first[0], end=last[1])

    def __call__(self, text: str, published_at: datetime | None) -> DateInfo:
        """Resolve one date expression; unresolvable text keeps its text with no days."""
        text = " ".join(text.split())
        anchor = published_at.date() if published_at else None
        try:
            span = self._absolute(text, anchor) or self._relative(text, anchor)
        except (OverflowError, ValueError):
            # "yesterday" of 0001-01-01, "tomorrow" of 9999-12-31: a day the calendar lacks.
            return DateInfo(text=text)
        if (
            span is None
            and published_at is not None
            and _DATEPARSER_GUARD_RE.search(text)
            and not _DURATION_RE.match(text)
        ):
            span = self._dateparser(text, published_at)
        if span is None:
            return DateInfo(text=text)
        return DateInfo(text=text, start=span[0], end=span[1])

    def _absolute(self, text: str, anchor: date | None) -> tuple[date, date] | None:
        """Month-day, month and year forms; a missing year is taken from the anchor."""
        core = text.strip().rstrip(",")
        while (stripped := _LEADING_RE.sub("", core)) != core:
            core = stripped
        try:
            if m := _MONTH_DAY_RE.match(core):
                month = _month(m["m1"] or m["m2"])
                day = int(re.sub(r"\D", "", m["d1"] or m["d2"]))
                year = int(m["y"]) if m["y"] else _past_year(month, day, anchor)
                if year is None:
                    return None
                day_date = date(year, month, day)
                return day_date, day_date
            if m := _MONTH_RE.match(core):
                month = _month(m["m"])
                year = int(m["y"]) if m["y"] else _past_year(month, 1, anchor)
                if year is None:
                    return None
                return date(year, month, 1), _month_end(year, month)
            if m := _YEAR_RE.match(core):
                year = int(m["y"])
                return date(year, 1, 1), date(year, 12, 31)
        except (KeyError, ValueError):
            return None
        return None

    def _relative(self, text: str, anchor: date | None) -> tuple[date, date] | None:
        """Weekdays, today/yesterday, last week/month/year against the anchor."""
        if anchor is None:
            return None
        core = text.strip().lower()
        while (stripped := _LEADING_RE.sub("", core)) != core:
            core = stripped
        if core in _RELATIVE:
            a, b = _RELATIVE[core]
            return anchor + timedelta(days=a), anchor + timedelta(days=b)
        words = core.split()
        if words and words[-1] in ("morning", "afternoon", "evening", "night") and len(words) > 1:
            words = words[:-1]
        if words and words[0] in ("last", "next", "past"):
            which, words = words[0], words[1:]
        else:
            which = ""
        if len(words) == 1 and words[0] in _WEEKDAYS:
            day = _weekday(_WEEKDAYS[words[0]], which, anchor)
            return day, day
        if which == "last":
            return _last_period(words, anchor)
        return None

    def _dateparser(self, text: str, published_at: datetime) -> tuple[date, date] | None:
        """The general fallback: dateparser anchored at the publication time."""
        base = published_at.replace(tzinfo=None)
        settings = {**self._settings, "RELATIVE_BASE": base}
        try:
            parsed = dateparser.parse(text, languages=["en"], settings=settings)
        except (ValueError, OverflowError, TypeError, AttributeError):
            return None
        if parsed is None:
            return None
        day = parsed.date()
        return day, day


def _weekday(weekday: int, which: str, anchor: date) -> date:
    """'Tuesday' is the latest Tuesday up to the anchor; 'last'/'next' Tuesday skip today."""
    back = (anchor.weekday() - weekday) % 7
    if which == "last" and back == 0:
        back = 7
    if which == "next":
        back = -((weekday - anchor.weekday()) % 7 or 7)
    return anchor - timedelta(days=back)


def _last_period(words: list[str], anchor: date) -> tuple[date, date] | None:
    """'last week', 'last month', 'last year', 'last June' before the anchor."""
    if words == ["week"]:
        start = anchor - timedelta(days=anchor.weekday() + 7)
        return start, start + timedelta(days=6)
    if words == ["month"]:
        prev = anchor.replace(day=1) - timedelta(days=1)
        return prev.replace(day=1), prev
    if words == ["year"]:
        return date(anchor.year - 1, 1, 1), date(anchor.year - 1, 12, 31)
    if len(words) == 1 and words[0].rstrip(".")[:3] in _MONTHS:
        month = _month(words[0])
        year = anchor.year if month < anchor.month else anchor.year - 1
        return date(year, month, 1), _month_end(year, month)
    return None
