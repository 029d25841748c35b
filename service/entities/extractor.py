"""spaCy doc -> distinct, normalised entities with exact mention offsets, countries and places."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from service.entities.gazetteer import (
    COUNTRY_HOMONYMS,
    FAC_WORDS,
    KEEP_POSSESSIVE,
    MINISTRY_WORDS,
    ORG_WORDS,
    ORGANISATIONS,
    PERSON_TITLES,
    SURNAME_WORDS,
)
from service.entities.geo import (
    Countries,
    Places,
    is_acronym,
    load_countries,
    load_places,
    name_key,
)
from service.models import Entity, Geo

__all__ = ["ENTITY_FIXER", "EntityExtractor", "EntityFixer", "configure_nlp", "trim_span"]

#: Name of our pipeline component, added right after "ner".
ENTITY_FIXER = "entity_service_fixer"

_LEADING = ("the ", "The ", "THE ")
_POSSESSIVES = ("'s", "\u2019s", "'S", "\u2019S")
_APOSTROPHES = ("'", "\u2019")
#: Labels whose text is a name (looked up in tables); the rest (DATE, CARDINAL...) stay as written.
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
#: Words that open a person's name, never an organisation's ("Chancellor Olaf Scholz" is no ORG).
_PERSON_OPENERS = frozenset(
    {"president", "chancellor", "prime", "premier", "mr.", "mrs.", "ms.", "dr.", "senator", "sen."}
)
#: Words before a place name ("moved to Vladivostok") that mark a one-word PERSON as a place.
_PLACE_PREPOSITIONS = frozenset(
    {"in", "to", "from", "near", "outside", "around", "into", "towards", "toward", "across", "at"}
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
#: Labels grouped together when they carry the same name (the model wavers between them).
_FAMILY = {"GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE", "ORG": "GROUP", "NORP": "GROUP"}


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets without outer spaces, a leading 'the' or a trailing possessive; never empty."""
    s, e = start, end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if text.startswith(_LEADING, s) and e - s > 4:
        s += 4
        while s < e and text[s].isspace():
            s += 1
    if text[s:e] in KEEP_POSSESSIVE:
        return s, e
    if e - s > 2 and text.endswith(_POSSESSIVES, s, e):
        e -= 2
    elif e - s > 2 and text.endswith(_APOSTROPHES, s, e) and text[e - 2] in "sS":
        e -= 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e) if s < e else (start, end)


def _trimmed(span: Span) -> tuple[int, int]:
    """`trim_span` on one entity, reading only its own tokens (doc.text costs a join)."""
    text = span.text
    start, end = trim_span(text, 0, len(text))
    return span.start_char + start, span.start_char + end


def _core_tokens(span: Span) -> tuple[int, int]:
    """Token range of a span without the parts `trim_span` drops (what must stay covered)."""
    start_char, end_char = _trimmed(span)
    start, end = span.start, span.end
    while start < end - 1 and span.doc[start].idx + len(span.doc[start]) <= start_char:
        start += 1
    while end - 1 > start and span.doc[end - 1].idx >= end_char:
        end -= 1
    return start, end


class EntityFixer:
    """Pipeline component: adds the names every news reader knows and fixes the model's labels.

    A known name (country, demonym, organisation, ministry) replaces the model's entity only when
    it covers that entity's core, so no mention the model found is ever lost.
    """

    def __init__(self, nlp: Language) -> None:
        countries = load_countries()
        self._phrases = PhraseMatcher(nlp.vocab, attr="ORTH")
        by_label: dict[str, set[str]] = {}
        for form, label in countries.surface_forms():
            by_label.setdefault(label, set()).add(form)
        for canonical, (_, aliases) in ORGANISATIONS.items():
            by_label.setdefault("ORG", set()).update((canonical, *aliases))
        for label, forms in sorted(by_label.items()):
            self._phrases.add(label, [nlp.make_doc(form) for form in sorted(forms)])
        self._ministries = PhraseMatcher(nlp.vocab, attr="LOWER")
        kinds = ("ministry", "department")
        anchors = [f"{word} {kind}" for word in MINISTRY_WORDS for kind in kinds]
        self._ministries.add("ORG", [nlp.make_doc(anchor) for anchor in sorted(anchors)])
        self._ministries.add("OF", [nlp.make_doc("Ministry of"), nlp.make_doc("Department of")])
        self._of = nlp.vocab.strings["OF"]

    def __call__(self, doc: Doc) -> Doc:
        found = [Span(doc, start, end, label=key) for key, start, end in self._phrases(doc)]
        for key, start, end in self._ministries(doc):
            if key != self._of:
                found.append(Span(doc, start, end, label="ORG"))
            elif doc[start].is_title and (stop := _title_run(doc, end)) > end:
                found.append(Span(doc, start, stop, label="ORG"))
        if not found:
            doc.ents = [_relabel(ent) for ent in doc.ents]
            return doc
        ents = _merge(list(doc.ents), filter_spans(found))
        doc.ents = [_relabel(ent) for ent in ents]
        return doc


def _title_run(doc: Doc, start: int) -> int:
    """End of 'Foreign Affairs' or 'Defence and Security' after 'Ministry of' (4 words at most)."""
    end = start
    limit = min(len(doc), start + 4)
    while end < limit:
        if doc[end].is_title:
            end += 1
        elif doc[end].lower_ in {"and", "of"} and end + 1 < limit and doc[end + 1].is_title:
            end += 2
        else:
            break
    return end


def _merge(model: list[Span], known: list[Span]) -> list[Span]:
    """The model's entities, each replaced by a known name that covers its core."""
    cores = [_core_tokens(ent) for ent in model]
    owner = {token: i for i, ent in enumerate(model) for token in range(ent.start, ent.end)}
    dropped: set[int] = set()
    added: list[Span] = []
    for span in known:
        hits = {owner[t] for t in range(span.start, span.end) if t in owner}
        if not hits and not _stands_alone(span):
            continue
        covers = all(cores[i][0] >= span.start and cores[i][1] <= span.end for i in hits)
        # A person the model saw ("Jordan" the player) is not overruled by a country list.
        keeps_person = any(model[i].label_ == "PERSON" for i in hits) and span.label_ != "ORG"
        if covers and not keeps_person:
            dropped.update(hits)
            added.append(span)
    kept = [ent for i, ent in enumerate(model) if i not in dropped]
    return sorted(kept + added, key=lambda ent: ent.start)


def _stands_alone(span: Span) -> bool:
    """A one-word name the model missed must stand alone: not 'Chad Thomas' or 'WHO IS'."""
    if len(span) > 1:
        return True
    doc = span.doc
    if span.start > 0:
        before = doc[span.start - 1]
        if before.is_title and before.is_alpha and not before.is_stop:
            return False
    if span.end < len(doc):
        after = doc[span.end]
        if after.is_title and not after.is_stop and after.lower_ not in PERSON_TITLES:
            return False
        if after.is_upper and after.is_alpha and len(after) > 1:
            return False
    return True


def _titled(ent: Span) -> bool:
    """Whether the word before the span is a title: 'Chancellor' before 'Olaf Scholz'."""
    return ent.start > 0 and ent.doc[ent.start - 1].lower_ in _PERSON_OPENERS


def _opens_person(words: list[str], titled: bool) -> bool:
    """Whether an ORG span is really a titled person: '(Chancellor) Olaf Scholz'."""
    if not titled:
        if len(words) < 3 or words[0].lower() not in _PERSON_OPENERS:
            return False
        words = words[1:]
    return (
        len(words) > 1
        and words[-1].lower() not in ORG_WORDS
        and all(word[:1].isupper() and word.isalpha() for word in words)
    )


def _relabel(ent: Span) -> Span:
    """'Kim Il Sung Square' tagged PERSON is a facility; 'Kim Il Sung University' an org."""
    if ent.label_ == "ORG" and _opens_person(ent.text.split(), _titled(ent)):
        return Span(ent.doc, ent.start, ent.end, label="PERSON")
    if ent.label_ not in {"PERSON", "GPE", "NORP"} or len(ent) < 2:
        return ent
    last = ent[-1].lower_
    if ent.label_ == "PERSON" and last in SURNAME_WORDS:
        return ent
    if last in FAC_WORDS:
        return Span(ent.doc, ent.start, ent.end, label="FAC")
    if ent.label_ == "PERSON" and last in ORG_WORDS:
        return Span(ent.doc, ent.start, ent.end, label="ORG")
    return ent


@Language.factory(ENTITY_FIXER)
def _make_fixer(nlp: Language, name: str) -> EntityFixer:
    return EntityFixer(nlp)


def configure_nlp(nlp: Language) -> None:
    """Adds our entity fixer right after the model's "ner" (called once per process)."""
    if ENTITY_FIXER not in nlp.pipe_names:
        nlp.add_pipe(ENTITY_FIXER, after="ner" if "ner" in nlp.pipe_names else None)


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
                self._person_as_place(mention, article_countries)
        _settle_homonyms(mentions)
        return _group(mentions)

    def _person_as_place(self, m: _Mention, countries: set[str]) -> None:
        """'moved to Vladivostok' tagged PERSON: a known city that names no one here is a place."""
        place = self._places(m.name, countries)
        if place is None or place.population < (_CITY if m.after_preposition else _BIG_CITY):
            return
        m.label = "GPE"
        self._locate(m, countries)

    def _resolve(self, ent: Span) -> _Mention:
        text = ent.text
        start, end = trim_span(text, 0, len(text))
        name = " ".join(text[start:end].split())
        mention = _Mention(ent.start_char + start, ent.start_char + end, ent.label_, name)
        if mention.label == "PERSON" and len(ent) == 1 and ent.start > 0:
            mention.after_preposition = ent.doc[ent.start - 1].lower_ in _PLACE_PREPOSITIONS
        if mention.label == "ORG" and _opens_person(name.split(), _titled(ent)):
            mention.label = "PERSON"
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
        if m.label == "PERSON":
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
        if len(words) > 1 and words[-1].lower() in FAC_WORDS and m.label != "ORG":
            m.label = "FAC"
        if m.label in {"ORG", "FAC", "NORP"}:
            m.country = self._leading_country(words)

    def _person(self, m: _Mention) -> None:
        words = m.name.split()
        last = words[-1].lower()
        if len(words) > 1 and last in FAC_WORDS and last not in SURNAME_WORDS:
            m.label = "FAC"
            return
        if len(words) > 1 and last in ORG_WORDS and last not in SURNAME_WORDS:
            m.label, m.country = "ORG", self._leading_country(words)
            return
        cut = 0
        for i, word in enumerate(words[:-1]):
            lower = word.lower()
            if lower in PERSON_TITLES:
                cut = i + 1
            elif not (self._geo_word(word) or lower in {"'s", "\u2019s", "of", "the"}):
                break
        if cut:
            # Only a titled prefix tells a country: "Russian President ...", not "Chad Thomas".
            m.country = self._leading_country(words[:cut])
            m.name = " ".join(words[cut:])

    def _geo_word(self, word: str) -> bool:
        """Whether a word belongs to a country name or demonym ('South', "Korea's", 'Russian')."""
        return word.removesuffix("'s").removesuffix("\u2019s") in self._geo_words

    def _leading_country(self, words: list[str]) -> str | None:
        """Country of a leading demonym or country name: 'Russian navy' -> RU."""
        for size in (2, 1, 3):
            if len(words) <= size - 1:
                continue
            head = " ".join(words[:size])
            head = head.removesuffix("'s").removesuffix("\u2019s")
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


def _country_by_title(before: Span, person: Span, prior: _Mention) -> str | None:
    """'Russian President Vladimir Putin': the country of a demonym that precedes a title."""
    if not 0 < person.start - before.end <= 4:
        return None
    between = person.doc[before.end : person.start]
    words = [t.lower_ for t in between if t.lower_ not in {"'s", "\u2019s", "'"}]
    if words and len(words) <= 3 and all(w in PERSON_TITLES for w in words):
        return prior.country if prior.label in {"GPE", "NORP"} else None
    return None


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
