"""The entity fixer: a spaCy component after "ner" that adds known names and fixes labels.

Like spaCy's SpanRuler it is driven by phrase patterns (data: labels and phrases, built from the
gazetteer and the country tables), and it is registered as a factory, so `nlp.add_pipe` adds it.
Unlike SpanRuler, a known name replaces the model's entity only when it covers that entity's
core, so no mention the model found is lost; then each entity's label is checked once against
the title, facility and organisation word lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal, get_type_hints

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from service.entities.gazetteer import (
    FAC_WORDS,
    MINISTRY_WORDS,
    ORG_WORDS,
    ORGANISATIONS,
    PERSON_TITLES,
    PLACE_WORDS,
    SURNAME_WORDS,
)
from service.entities.geo import load_countries
from service.entities.spans import name_of, trim_span

__all__ = [
    "ENTITY_FIXER",
    "EntityFixer",
    "PhrasePattern",
    "configure_nlp",
    "fixer_patterns",
    "relabelled",
]

#: Name of our pipeline component, added right after "ner".
ENTITY_FIXER = "entity_service_fixer"

#: Words that open a person's name, never an organisation's ("Chancellor Olaf Scholz" is no ORG).
PERSON_OPENERS = frozenset(
    {"president", "chancellor", "prime", "premier", "mr.", "mrs.", "ms.", "dr.", "senator", "sen."}
)
#: Last words of a facility's or an organisation's name: no place, whatever cues it.
_NAMED_THING_WORDS = FAC_WORDS | ORG_WORDS
#: Labels whose last word can make them a facility (or, for PERSON, an organisation).
_RELABELLED = frozenset({"PERSON", "GPE", "LOC", "NORP"})


@dataclass(frozen=True, slots=True)
class PhrasePattern:
    """One known phrase: its label, how tokens are compared, and whether a title run follows.

    `title_run`: the phrase opens a longer name of title-case words ("Ministry of" + "Foreign
    Affairs"), which the span then covers.
    """

    label: str
    phrase: str
    attr: Literal["ORTH", "LOWER"] = "ORTH"
    title_run: bool = False


def fixer_patterns() -> Iterator[PhrasePattern]:
    """The fixer's patterns: country names and demonyms, organisations, ministries."""
    by_label: dict[str, set[str]] = {}
    for form, label in load_countries().surface_forms():
        by_label.setdefault(label, set()).add(form)
    for canonical, (_, aliases) in ORGANISATIONS.items():
        by_label.setdefault("ORG", set()).update((canonical, *aliases))
    for label, forms in sorted(by_label.items()):
        yield from (PhrasePattern(label, form) for form in sorted(forms))
    anchors = [f"{word} {kind}" for word in MINISTRY_WORDS for kind in ("ministry", "department")]
    yield from (PhrasePattern("ORG", anchor, "LOWER") for anchor in sorted(anchors))
    for opening in ("Ministry of", "Department of"):
        yield PhrasePattern("ORG", opening, "LOWER", title_run=True)


class EntityFixer:
    """Pipeline component: adds the names every news reader knows and fixes the model's labels.

    A known name (country, demonym, organisation, ministry) replaces the model's entity only when
    it covers that entity's core, so no mention the model found is ever lost.
    """

    def __init__(self, nlp: Language, patterns: Iterable[PhrasePattern]) -> None:
        grouped: dict[tuple[str, str], list[PhrasePattern]] = {}
        for pattern in patterns:
            key = f"{pattern.label}+title" if pattern.title_run else pattern.label
            grouped.setdefault((pattern.attr, key), []).append(pattern)
        self._matchers: dict[str, PhraseMatcher] = {}
        #: match id -> (label, title_run)
        self._keys: dict[int, tuple[str, bool]] = {}
        for (attr, key), group in grouped.items():
            matcher = self._matchers.setdefault(attr, PhraseMatcher(nlp.vocab, attr=attr))
            matcher.add(key, [nlp.make_doc(p.phrase) for p in group])
            self._keys[nlp.vocab.strings[key]] = (group[0].label, group[0].title_run)

    def __call__(self, doc: Doc) -> Doc:
        found: list[Span] = []
        for matcher in self._matchers.values():
            for key, start, end in matcher(doc):
                label, title_run = self._keys[key]
                if not title_run:
                    found.append(Span(doc, start, end, label=label))
                elif doc[start].is_title and (stop := _title_run(doc, end)) > end:
                    found.append(Span(doc, start, stop, label=label))
        ents = _merge(list(doc.ents), filter_spans(found)) if found else list(doc.ents)
        # a name a place noun announces ("the town of Karlovac") is a place, even over a person
        cued = [span for token in doc if token.lower_ in PLACE_WORDS and (span := _cued(token))]
        if cued:
            ents = _merge(ents, cued, over_persons=True)
        doc.ents = [_relabel(ent) for ent in ents]
        return doc


@Language.factory(ENTITY_FIXER)
def make_fixer(nlp: Language, name: str) -> EntityFixer:
    """spaCy factory: the fixer with the patterns built from our data."""
    return EntityFixer(nlp, fixer_patterns())


# spaCy's registry checks a factory's arguments against its annotations, and the one of spaCy
# 3.8.7 (pyproject.toml says why that release) cannot read them as the strings they are here
make_fixer.__annotations__ = get_type_hints(make_fixer)


def configure_nlp(nlp: Language) -> None:
    """Adds our entity fixer right after the model's "ner" (called once per process)."""
    if ENTITY_FIXER not in nlp.pipe_names:
        nlp.add_pipe(ENTITY_FIXER, after="ner" if "ner" in nlp.pipe_names else None)


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


def _cued(noun: Token) -> Span | None:
    """The title-case name (three words at most) right after "<noun> of" or after "capital":
    the small model tags "Karlovac" in "the town of Karlovac" a product and misses "Grozny" in
    "the Chechen capital Grozny", and the event coder then cannot tell where an attack was."""
    doc = noun.doc
    start = noun.i + 1
    if start < len(doc) and doc[start].lower_ == "of":
        start += 1
    elif noun.lower_ != "capital":
        return None
    end = start
    while end < min(len(doc), start + 3) and doc[end].is_title and doc[end].is_alpha:
        end += 1
    if end == start or doc[start].is_stop or doc[end - 1].lower_ in _NAMED_THING_WORDS:
        return None  # "the city of Karlovac Bridge" names a bridge
    return Span(doc, start, end, label="GPE")


def _core_tokens(span: Span) -> tuple[int, int]:
    """Token range of a span without the parts `trim_span` drops (what must stay covered)."""
    text = span.text  # only its own tokens: doc.text costs a join
    start, end = trim_span(text, 0, len(text))
    start_char, end_char = span.start_char + start, span.start_char + end
    first, last = span.start, span.end
    while first < last - 1 and span.doc[first].idx + len(span.doc[first]) <= start_char:
        first += 1
    while last - 1 > first and span.doc[last - 1].idx >= end_char:
        last -= 1
    return first, last


def _merge(model: list[Span], known: list[Span], *, over_persons: bool = False) -> list[Span]:
    """The model's entities, each replaced by a known name that covers its core (a person's
    too, `over_persons`)."""
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
        keeps_person = (
            not over_persons
            and any(model[i].label_ == "PERSON" for i in hits)
            and span.label_ != "ORG"
        )
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


def _relabel(ent: Span) -> Span:
    """The entity with its label fixed by its words (the one place these rules run)."""
    label = relabelled(ent.label_, name_of(ent.text).split(), titled=_titled(ent))
    return ent if label == ent.label_ else Span(ent.doc, ent.start, ent.end, label=label)


def relabelled(label: str, words: list[str], *, titled: bool) -> str:
    """'Kim Il Sung Square' tagged PERSON is a facility; 'Kim Il Sung University' an org;
    '(Chancellor) Olaf Scholz' tagged ORG a person. `words`: the trimmed name's words."""
    if label == "ORG" and _opens_person(words, titled):
        return "PERSON"
    if label not in _RELABELLED or len(words) < 2:
        return label
    last = words[-1].lower()
    if label == "PERSON" and last in SURNAME_WORDS:
        return label
    if last in FAC_WORDS:
        return "FAC"
    if label == "PERSON" and last in ORG_WORDS:
        return "ORG"
    return label


def _titled(ent: Span) -> bool:
    """Whether the word before the span is a title: 'Chancellor' before 'Olaf Scholz'."""
    return ent.start > 0 and ent.doc[ent.start - 1].lower_ in PERSON_OPENERS


def _opens_person(words: list[str], titled: bool) -> bool:
    """Whether an ORG span is really a titled person: '(Chancellor) Olaf Scholz'."""
    if not titled:
        if len(words) < 3 or words[0].lower() not in PERSON_OPENERS:
            return False
        words = words[1:]
    return (
        len(words) > 1
        and words[-1].lower() not in ORG_WORDS
        and all(word[:1].isupper() and word.isalpha() for word in words)
    )
