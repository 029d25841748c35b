"""spaCy doc -> distinct, normalised entities with exact mention offsets, countries and places."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from service.entities.doctext import doc_text
from service.entities.gazetteer import (
    COUNTRY_HOMONYMS,
    ORGANISATIONS,
    PERSON_TITLES,
    PLACE_WORDS,
)
from service.entities.geo import (
    Countries,
    Places,
    Provinces,
    is_acronym,
    load_countries,
    load_places,
    load_provinces,
    name_key,
)
from service.entities.spans import POSSESSIVES, is_possessive, strip_possessive, trim_span
from service.models import Entity, Geo

__all__ = ["EntityExtractor"]

#: Labels whose text is a name (looked up in tables); the rest (DATE, CARDINAL...) stay as written.
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
#: Words before a place name ("moved to Vladivostok") that mark a one-word PERSON as a place.
_PLACE_PREPOSITIONS = frozenset(
    {"in", "to", "from", "near", "outside", "around", "into", "towards", "toward", "across", "at",
     "through", "throughout"}
)
#: A one-word PERSON naming a city this big is the city ("shelling Kharkiv"), preposition or not.
_BIG_CITY = 1_000_000
#: Smaller cities need the preposition as well.
_CITY = 100_000
#: A U.S. city named like its state must be this big to be meant ("New York", not "Oregon, OH").
_STATE_CITY = 500_000
#: Resolved names kept between articles before the memo starts afresh.
_MEMO_SIZE = 100_000
#: Labels whose country tells which countries the article is about.
_COUNTRY_LABELS = frozenset({"GPE", "NORP"})
#: What stands between a place no table knows and the place after it that holds it: "Chibok
#: in northeastern Nigeria's Borno state", "Chibok, Nigeria".
_INSIDE = re.compile(r"\s+in\s+(?:the\s+)?(?:[a-z-]+\s+)?|\s*,\s*")
#: ... and between the place before it that holds it and the place: "Tonga's capital
#: Nuku'alofa", "Nigeria's northern city of Maiduguri" (a place word among the words).
_OWNED = re.compile(r"'s?((?:\s+[a-z-]+){1,3})(?:\s+of)?\s+")
#: Labels grouped together when they carry the same name (the model wavers between them).
_FAMILY = {"GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE", "ORG": "GROUP", "NORP": "GROUP"}


@dataclass(slots=True)
class _Mention:
    """One entity mention, resolved on its own before grouping."""

    start: int
    end: int
    label: str
    name: str
    country: str | None = None
    geo: Geo | None = None
    known: bool = False  # named in one of our tables; never re-read as a surname
    after_preposition: bool = False  # "in X", "to X": what a place, not a person, follows


class EntityExtractor:
    """Groups a doc's entity mentions into distinct entities with normalised names.

    Countries get `country` and no `geo` (a country is not a point); cities get both, chosen
    among namesakes by the countries the article mentions, then by population. Demonyms stay
    NORP entities under their own adjective ("North Koreans" -> "North Korean", country KP), so
    "the North Korean troops" and "North Korea" remain two entities a consumer can join by code.
    Mentions are the model's spans, trimmed only of a leading "the", a trailing possessive and
    spaces; titles stay inside the span but leave the name ("President Yoon Suk Yeol").
    """

    def __init__(self) -> None:
        self._countries: Countries = load_countries()
        self._places: Places = load_places()
        self._provinces: Provinces = load_provinces()
        self._geo_words = frozenset(
            word for form, _ in self._countries.surface_forms() for word in form.split()
        )
        self._orgs: dict[str, tuple[str, str | None]] = {}
        for canonical, (code, aliases) in ORGANISATIONS.items():
            for form in (canonical, *aliases):
                self._orgs[name_key(form)] = (canonical, code or None)
        forms = [
            form
            for canonical, (_, aliases) in ORGANISATIONS.items()
            for form in (canonical, *aliases)
        ]
        # "WHO" only in capitals, unless a mixed-case spelling is listed too ("Nato").
        self._org_acronyms = frozenset(name_key(form) for form in forms if is_acronym(form)) - {
            name_key(form) for form in forms if not is_acronym(form)
        }
        # Names recur across articles ("U.S.", "Putin"): resolve each (label, name) once.
        self._memo: dict[tuple[str, str], tuple[str, str, str | None, bool]] = {}

    def __call__(self, doc: Doc) -> list[Entity]:
        ents = doc.ents
        mentions = [self._resolve(ent) for ent in ents]
        for i in range(1, len(ents)):
            if mentions[i].label == "PERSON" and mentions[i].country is None:
                mentions[i].country = _country_by_title(ents[i - 1], ents[i], mentions[i - 1])
        article_countries = {m.country or "" for m in mentions if m.label in _COUNTRY_LABELS}
        for mention in mentions:
            if mention.label in {"GPE", "LOC"} and not mention.known:
                self._locate(mention, article_countries)
        _attach_surnames(mentions)
        for mention in mentions:
            if mention.label == "PERSON" and " " not in mention.name:
                self._name_as_place(mention, article_countries)
            elif mention.label == "ORG" and mention.after_preposition and not mention.known:
                # "marched through Dhaka" tagged ORG: a big city after "in" or "through" is a place
                self._name_as_place(mention, article_countries)
        _place_in_context(mentions, doc_text(doc))
        _settle_homonyms(mentions)
        return _group(mentions)

    def _name_as_place(self, m: _Mention, countries: set[str]) -> None:
        """'moved to Vladivostok' tagged PERSON (or ORG): a known city that names no one here is
        a place."""
        place = self._places(m.name, countries)
        # an ORG needs a big city ("shares in Toyota" are the firm's, Toyota City has 420,000)
        small = _CITY if m.after_preposition and m.label == "PERSON" else _BIG_CITY
        if place is None or place.population < small:
            return
        m.label = "GPE"
        self._locate(m, countries)

    def _resolve(self, ent: Span) -> _Mention:
        text = ent.text
        start, end = trim_span(text, 0, len(text))
        name = " ".join(text[start:end].split())
        mention = _Mention(ent.start_char + start, ent.start_char + end, ent.label_, name)
        if mention.label in ("PERSON", "ORG") and len(ent) == 1 and ent.start > 0:
            before = ent.doc[ent.start - 1]
            if before.tag_ == "JJ" and ent.start > 1:  # "in central Harare"
                before = ent.doc[ent.start - 2]
            mention.after_preposition = before.lower_ in _PLACE_PREPOSITIONS
        if mention.label in _NAME_LABELS:
            key = (mention.label, name)
            resolved = self._memo.get(key)
            if resolved is None:
                self._name(mention)
                if len(self._memo) >= _MEMO_SIZE:
                    self._memo.clear()
                resolved = self._memo[key] = (
                    mention.name,
                    mention.label,
                    mention.country,
                    mention.known,
                )
            mention.name, mention.label, mention.country, mention.known = resolved
        return mention

    def _name(self, m: _Mention) -> None:
        key = name_key(m.name)
        org = self._orgs.get(key)
        if org is not None and key in self._org_acronyms and not is_acronym(m.name):
            org = None  # "Who" is no World Health Organization
        if org is not None and (m.label != "PERSON" or " " in m.name):
            m.name, m.country, m.label, m.known = org[0], org[1], "ORG", True
            return
        words = m.name.split()
        # "Sri Lanka's" tagged PERSON is the country; one word may be a name ("Chad", "Jordan")
        multiword_country = len(words) > 1 and self._countries.country(m.name) is not None
        if (
            m.label == "PERSON" and self._countries.demonym(m.name) is None
            and not multiword_country
        ):  # fmt: skip
            self._person(m)
            return
        country = self._countries.country(m.name)
        if country is not None:
            m.name, m.country, m.label, m.known = country[0], country[1], "GPE", True
            return
        demonym = self._countries.demonym(m.name)
        if demonym is not None:
            m.name, m.country, m.label, m.known = demonym[0], demonym[1], "NORP", True
            return
        part = self._countries.part(m.name)
        if part is not None:
            m.country, m.label, m.known = part, "GPE", True
            return
        if self._countries.is_region(m.name):
            m.label, m.known = "LOC", True
            return
        if m.label in {"ORG", "FAC", "NORP"}:
            m.country = self._leading_country(words)

    def _person(self, m: _Mention) -> None:
        """'Russian President Vladimir Putin' -> 'Vladimir Putin' of RU: titles leave the name."""
        words = m.name.split()
        cut = 0
        for i, word in enumerate(words[:-1]):
            lower = word.lower()
            if lower in PERSON_TITLES:
                cut = i + 1
            elif not (self._geo_word(word) or is_possessive(lower) or lower in {"of", "the"}):
                break
        if cut:
            # Only a titled prefix tells a country: "Russian President ...", not "Chad Thomas".
            m.country = self._leading_country(words[:cut])
            m.name = " ".join(words[cut:])

    def _geo_word(self, word: str) -> bool:
        """Whether a word belongs to a country name or demonym ('South', "Korea's", 'Russian')."""
        return strip_possessive(word) in self._geo_words

    def _leading_country(self, words: list[str]) -> str | None:
        """Country of a leading demonym or country name: 'Russian navy' -> RU."""
        for size in (2, 1, 3):
            if len(words) <= size - 1:
                continue
            head = strip_possessive(" ".join(words[:size]))
            found = self._countries.demonym(head) or self._countries.country(head)
            if found is not None:
                return found[1]
        return None

    def _locate(self, m: _Mention, countries: set[str]) -> None:
        if self._places.is_us_state(m.name):
            # A U.S. city of that name ("New York", "Washington") or else the state (no point).
            place = self._places(m.name, {"US"})
            if place is None or place.country != "US" or place.population < _STATE_CITY:
                m.country = "US"
                return
        else:
            place = self._places(m.name, countries)
        if place is not None:
            m.country = place.country
            m.geo = Geo(lat=place.lat, lon=place.lon, geonames_id=place.geonames_id)
            if name_key(f"the {m.name}") == name_key(place.name):
                m.name = place.name  # "the Hague" was trimmed to "Hague"
        elif m.label == "GPE":
            # no city of that name: a province ("Aceh") has a country but is no point
            m.country = self._provinces(m.name, countries)


def _country_by_title(before: Span, person: Span, prior: _Mention) -> str | None:
    """'Russian President Vladimir Putin': the country of a demonym that precedes a title."""
    if not 0 < person.start - before.end <= 4:
        return None
    between = person.doc[before.end : person.start]
    words = [t.lower_ for t in between if not is_possessive(t.lower_) and t.lower_ != "'"]
    if words and len(words) <= 3 and all(w in PERSON_TITLES for w in words):
        return prior.country if prior.label in {"GPE", "NORP"} else None
    return None


def _place_in_context(mentions: list[_Mention], text: str) -> None:
    """A place no table knows takes the country of the known place the text puts it in, just
    after it ("the town of Chibok in northeastern Nigeria's Borno state", "Chibok, Nigeria")
    or just before it ("Tonga's capital Nuku'alofa"); it stays without a point."""
    for i, m in enumerate(mentions):
        if m.label not in ("GPE", "LOC") or m.country is not None:
            continue
        after = mentions[i + 1] if i + 1 < len(mentions) else None
        if (
            after is not None and after.label == "GPE" and after.country
            and _INSIDE.fullmatch(text, m.end, after.start)
            and (text[m.end : after.start].strip() != "," or not _owner(text, after.end))
        ):  # fmt: skip
            m.country = after.country  # "X, Fiji's envoy said": Fiji's envoy, not X's country
            continue
        before = mentions[i - 1] if i > 0 else None
        if before is not None and before.label == "GPE" and before.country:
            owned = _OWNED.fullmatch(text, before.end, m.start)
            if owned is not None and PLACE_WORDS.intersection(owned.group(1).lower().split()):
                m.country = before.country


def _owner(text: str, end: int) -> bool:
    """Whether a possessive follows the mention ending at `end`."""
    return text.startswith(POSSESSIVES, end)


def _settle_homonyms(mentions: list[_Mention]) -> None:
    """'Georgia' is the U.S. state in an article whose other places are all American."""
    homonyms = [m for m in mentions if m.label == "GPE" and m.name in COUNTRY_HOMONYMS]
    if not homonyms:
        return
    places = {m.country for m in mentions if m.label == "GPE" and m.country} - {
        m.country for m in homonyms
    }
    for m in homonyms:
        if places == {COUNTRY_HOMONYMS[m.name]}:
            m.country = COUNTRY_HOMONYMS[m.name]


def _attach_surnames(mentions: list[_Mention]) -> None:
    """'Putin' after 'Vladimir Putin' (or 'Yoon' with 'Yoon Suk Yeol') joins the full name."""
    first_seen: dict[str, int] = {}
    for m in mentions:
        if m.label == "PERSON" and " " in m.name:
            first_seen.setdefault(m.name, m.start)
    if not first_seen:
        return
    # Every leading and trailing run of words of a full name -> the full names it may stand for.
    parts: dict[str, list[str]] = {}
    for name in first_seen:
        words = name.split()
        for k in range(1, len(words)):
            for part in {" ".join(words[:k]), " ".join(words[-k:])}:
                parts.setdefault(part, []).append(name)
    for m in mentions:
        candidates = parts.get(m.name)
        if candidates is None or m.known or m.geo is not None or m.label not in _NAME_LABELS:
            continue
        if m.label != "PERSON" and " " in m.name:
            continue
        before = [name for name in candidates if first_seen[name] <= m.start]
        chosen = (
            max(before, key=first_seen.__getitem__)
            if before
            else min(candidates, key=first_seen.__getitem__)
        )
        m.name, m.label = chosen, "PERSON"


def _group(mentions: Iterable[_Mention]) -> list[Entity]:
    """One entity per (name, label family), in order of first mention."""
    groups: dict[tuple[str, str], list[_Mention]] = {}
    for m in mentions:
        groups.setdefault((m.name, _FAMILY.get(m.label, m.label)), []).append(m)
    entities = []
    for (name, _), group in groups.items():
        labels = Counter(m.label for m in group)
        top = max(labels.values())
        label = next(m.label for m in group if labels[m.label] == top)
        spans = sorted({(m.start, m.end) for m in group})
        entities.append(
            Entity(
                name=name,
                label=label,
                count=len(spans),
                mentions=spans,
                country=next((m.country for m in group if m.country), None),
                geo=next((m.geo for m in group if m.geo), None),
            )
        )
    return entities
