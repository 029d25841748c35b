"""Country and sector of an event's party, from the knowledge base and what the article says.

A party is written as an entity name ("Vladimir Putin", "Moscow", "Hezbollah") or a phrase
("security forces in Guinea", "Burundian militiamen", "the government"). Its country comes
from, in order: a leader, official or organisation the knowledge base knows; a country, demonym,
capital or major city written in it ("Israel's militia ally", "the Iraqi government"); the
entity's own country; the title and demonym written just before the name in its sentence
("Russian President X"); and, for a national body with none of these ("the government",
"police"), the country the article is mostly about.

Its sector comes from the head role word of the phrase ("security forces" COP, "militiamen"
REB; "rebel leader" is REB: a word like "leader" takes the group's sector), else from the
person or organisation, else from the title before the name. A country or its capital acting
alone is its government (GOV): that is how CAMEO and PLOVER code "Russia said" or "Moscow said",
and so does this resolver. A city that is not a capital gives its country but no sector.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Final, NamedTuple

from service.actors.kb import (
    ActorKB,
    AgentWords,
    Person,
    Sector,
    load_agents,
    load_kb,
)
from service.entities.geo import load_provinces
from service.models import Entity

__all__ = ["ActorContext", "ActorResolver", "Party", "shipped_resolver"]

Party = tuple[str | None, Sector | None]

_WORD: Final = re.compile(r"[A-Za-z0-9\u00c0-\u024f][\w.'\u2019&-]*")
_POSSESSIVE: Final = re.compile(r"['\u2019]s?$")
_PREPOSITIONS: Final = frozenset(
    "in of from at near on across with for to by inside outside along against among "
    "under within throughout around".split()
)
#: Prepositions after which a place is where the party goes or acts, not whose it is.
_ELSEWHERE: Final = frozenset("to against with toward towards for into over on".split())
#: Sectors of bodies that belong to one country: only these borrow the article's country.
_NATIONAL: Final = frozenset({"GOV", "MIL", "COP", "LEG", "JUD", "SPY", "OPP"})
#: the sectors of titles a head of state or government holds ("President", "General")
_HEAD_SECTORS: Final = frozenset({"GOV", "MIL"})
#: How much of the article's country mentions one country needs to lend it to a party.
_MAIN_SHARE: Final = 0.6
_MAIN_MENTIONS: Final = 3
_BEFORE_CHARS: Final = 80
#: Countries whose leaders English news names family name first ("Xi Jinping", "Kim Jong Un").
_FAMILY_NAME_FIRST: Final = frozenset({"CN", "TW", "KP", "KR", "VN", "SG"})
#: a regnal number ends a monarch's or pope's name and is no surname ("Faisal II" is not the
#: "II" of "John Paul II"); "xi" is left out: it is Xi Jinping's family name
_REGNAL: Final = re.compile(r"(?:i{1,3}|iv|vi{0,3}|ix|xi{2,3}|xiv|xvi{0,3}|x)")
#: words before a name read for its title and demonym: "Papua New Guinea Prime Minister Sir"
_BEFORE_WORDS: Final = 8
#: lower-case words an apposition after a name may open with ("X, the Prime Minister of ...")
_APPOSITION_OPENERS: Final = frozenset(
    {"the", "a", "an", "former", "then", "acting", "deputy", "interim", "outgoing", "his",
     "her", "its", "their"}
)  # fmt: skip
#: lower-case words inside a title before a name ("Secretary of State X")
_TITLE_LINKS: Final = frozenset({"of", "for"})
#: a place after a name and up to two role words: "(rebels) in Aceh", "of Ivory Coast"
_LOCATED: Final = re.compile(
    r"\s+((?:[a-z][\w-]*\s+){0,2})(?:in|of)\s+(?:the\s+)?((?:[A-Z][\w.'-]*\s*){1,4})"
)
#: A country or people named before one of these names a place, not the country: "the Niger
#: Delta" is Nigeria's, "the Jordan Valley", "the Indian Ocean", "the South China Sea" none.
_FEATURES: Final = frozenset(
    "delta river valley basin sea ocean gulf strait straits lake canal desert peninsula".split()
)
_BORDERS: Final = frozenset({"border", "borders", "frontier", "frontiers"})
#: "Latin American", "South American": a continent's people, not the United States'
_CONTINENTAL: Final = frozenset({"latin", "south", "north", "central"})
#: a capitalised name right before "(", which an acronym in the brackets abbreviates
_EXPANSION: Final = re.compile(r"((?:[A-Z][\w.'&-]*\s+(?:(?:of|for|and|the|de)\s+)*){1,8})\($")


def _key(text: str) -> str:
    """How names are compared: lower case, no dots, no possessive ("People's" -> "people"), a
    hyphen a space ("Ban Ki-moon" is CountryInfo's "Ban Ki Moon")."""
    plain = text.lower().replace(".", "").replace("\u2019", "'").replace("-", " ")
    if "'" not in plain:
        return " ".join(plain.split())
    return " ".join(_POSSESSIVE.sub("", word) for word in plain.split())


class _Known(NamedTuple):
    """What the resolver keeps of a person or organisation (the KB's models weigh more)."""

    country: str | None
    sector: Sector
    head: bool = False


@dataclass(frozen=True, slots=True)
class ActorContext:
    """What the article tells about its parties: the text its entities' mentions point into,
    the sentence being coded, and its countries by mentions (most first)."""

    text: str = ""
    sentence: tuple[int, int] | None = None
    countries: tuple[tuple[str, int], ...] = ()

    @classmethod
    def of(cls, entities: Iterable[Entity], text: str = "") -> ActorContext:
        """The context of an article from its entities."""
        counts: Counter[str] = Counter()
        for entity in entities:
            if entity.country:
                counts[entity.country] += entity.count
        return cls(text=text, countries=tuple(counts.most_common()))

    def at(self, sentence: tuple[int, int]) -> ActorContext:
        """The same article, coding the sentence at `sentence` (character offsets)."""
        return replace(self, sentence=sentence)

    @property
    def main_country(self) -> str | None:
        """The country the article is mostly about, if one clearly is."""
        total = sum(n for _, n in self.countries)
        if not self.countries or total < _MAIN_MENTIONS:
            return None
        code, count = self.countries[0]
        return code if count / total >= _MAIN_SHARE else None

    def mentions(self, code: str | None) -> bool:
        """Whether the article names something of country `code`."""
        return code is not None and any(c == code for c, _ in self.countries)

    def before(self, entity: Entity) -> str:
        """The words just before the entity's first mention in the coded sentence."""
        span = self._mention(entity)
        if span is None or self.sentence is None:
            return ""
        return self.text[max(self.sentence[0], span[0] - _BEFORE_CHARS) : span[0]]

    def after(self, entity: Entity) -> str:
        """The words just after the entity's first mention in the coded sentence."""
        span = self._mention(entity)
        if span is None or self.sentence is None:
            return ""
        return self.text[span[1] : min(self.sentence[1], span[1] + _BEFORE_CHARS)]

    def _mention(self, entity: Entity) -> tuple[int, int] | None:
        if self.sentence is None or not self.text:
            return None
        start, end = self.sentence
        return next(((a, b) for a, b in entity.mentions if start <= a < end), None)


@dataclass(slots=True)
class _Token:
    text: str
    key: str
    capital: bool
    possessive: bool


@dataclass(slots=True)
class _Reading:
    """What one phrase holds."""

    country: str | None = None
    place_alone: bool = False  # the whole phrase is a country or its capital
    place_kind: str | None = None
    person: _Known | None = None
    organisation: _Known | None = None
    sector: Sector | None = None  # from the head role word
    titled: bool = False  # a title word ("President") is in it
    office: str | None = None  # the country of a title around a name ("Mauritania's President")


def _tokens(text: str) -> list[_Token]:
    out = []
    for match in _WORD.finditer(text):
        word = match.group(0).rstrip("-")
        possessive = bool(_POSSESSIVE.search(word)) and len(word) > 2
        if possessive:
            word = _POSSESSIVE.sub("", word)
        if word:
            proper = word[0].isupper() or "-" in word and word.split("-")[-1][:1].isupper()
            out.append(_Token(word, _key(word), proper, possessive))
    return out


class ActorResolver:
    """Indexes the knowledge base once (per worker); `resolve` is then table look-ups."""

    def __init__(self, kb: ActorKB | None = None, agents: AgentWords | None = None) -> None:
        kb = kb if kb is not None else load_kb()
        agents = agents if agents is not None else load_agents()
        self._places: dict[str, tuple[str, str]] = {}
        for code, country in kb.countries.items():
            for kind, names in (("city", country.cities), ("capital", country.capitals),
                                ("demonym", country.demonyms),
                                ("country", [country.name, *country.names])):  # fmt: skip
                for name in names:
                    self._places[_key(name)] = (code, kind)
        self._people, self._surnames = _people_index(kb.people)
        self._organisations: dict[str, _Known | None] = {}
        for entry in kb.organisations:
            org = _Known(entry.country, entry.sector)
            for name in (entry.name, *entry.aliases):
                k = _key(name)
                seen = self._organisations.get(k, org)
                self._organisations[k] = org if seen == org else None  # two groups' name: neither
        # "Tamil Tiger rebels": a plural name in the singular before a role word it modifies
        singular: dict[str, _Known | None] = {}
        for k, known in self._organisations.items():
            words = k.split()
            if len(words) > 1 and len(words[-1]) > 3 and k.endswith("s") and not k.endswith("ss"):
                one = singular.get(k[:-1], known)
                singular[k[:-1]] = known if one == known else None
        for k, known in singular.items():
            self._organisations.setdefault(k, known)
        self._agents: dict[str, Sector] = {}
        for sector, words in agents.sectors.items():
            for word in words:
                for form in _plurals(word):
                    self._agents.setdefault(_key(form), sector)
        self._titles = {_key(form) for t in agents.titles for form in _plurals(t)}
        self._provinces = load_provinces()
        self._deferring = {_key(form) for t in agents.deferring for form in _plurals(t)}
        self._longest = max(
            len(k.split())
            for k in (*self._places, *self._people, *self._organisations, *self._agents)
        )

    # --- the one entry point ------------------------------------------------------------------

    def resolve(
        self, text: str, entity: Entity | None, context: ActorContext | None = None
    ) -> Party:
        """(ISO country or None, sector or None) of a party written as `text`."""
        context = context or ActorContext()
        person_like = entity is not None and entity.label == "PERSON"
        tokens = _tokens(_completed(text, entity))
        reading = self._read(tokens, context, people=True, titles_only=person_like)
        near = _Reading()
        if entity is not None and entity.label in ("PERSON", "ORG"):
            near = self._around(reading, tokens, entity, context)
        country, sector = _decide(reading, entity, near)
        if entity is not None and entity.label == "NORP" and sector is None:
            sector = self._modified(context.after(entity))
        if (country is None and sector in _NATIONAL and reading.organisation is None
                and (entity is None or reading.titled or near.titled)):  # fmt: skip
            country = context.main_country
        return country, sector

    def _around(
        self, reading: _Reading, tokens: Sequence[_Token], entity: Entity, context: ActorContext
    ) -> _Reading:
        """What the words around a name say: the title and demonym before it ("Iraqi Foreign
        Minister X"), an apposition after it ("X, the Prime Minister of Sri Lanka"), the place
        after it ("the Supreme Court in India")."""
        near = self._before(context.before(entity), context)
        after = context.after(entity)
        if entity.label == "PERSON":
            apposition = self._apposition(after, context)
            near.titled = near.titled or apposition.titled
            near.country = near.country or apposition.country
            near.sector = near.sector or apposition.sector
            near.office = near.country if near.titled else None
            if near.titled and reading.person is None and near.sector in _HEAD_SECTORS:
                # "President Buhari": a titled name may be a head by surname alone; a cleric,
                # a rebel or an opposition leader is no head of state ("cleric Abu Bakar
                # Bashir" is not Sudan's al-Bashir)
                reading.person = self._by_surname(tokens, context, titled=True)
        near.country = near.country or self._located(after, context)
        if near.country is None and entity.label == "ORG":
            near.country, sector = self._expanded(context.before(entity), entity.name, context)
            near.sector = near.sector or sector
        return near

    def _expanded(self, before: str, acronym: str, context: ActorContext) -> Party:
        """The country of the name an acronym abbreviates just before it: "the Cambodia
        National Rescue Party (CNRP)" is Cambodia's."""
        letters = acronym.replace(".", "")
        if not (2 <= len(letters) <= 8 and letters.isupper() and letters.isalpha()):
            return None, None
        match = _EXPANSION.search(before)
        if match is None:
            return None, None
        words = match.group(1).split()
        initials = "".join(w[0] for w in words if w[0].isupper())
        if not initials.endswith(letters) or len(initials) > len(letters) + 2:
            return None, None
        return self.resolve(match.group(1), None, context)

        # --- reading a phrase ---------------------------------------------------------------------

    def _read(
        self, tokens: Sequence[_Token], context: ActorContext, *, people: bool,
        titles_only: bool = False,
    ) -> _Reading:  # fmt: skip
        """Places, people, organisations and role words of a phrase, longest names first."""
        out = _Reading()
        roles: list[tuple[int, str, Sector]] = []
        stop = next(
            (i for i, t in enumerate(tokens) if t.key in _PREPOSITIONS and i > 0), len(tokens)
        )
        content = [t for t in tokens if t.key not in ("the", "a", "an")]
        i, elsewhere = 0, False
        while i < len(tokens):
            if tokens[i].key in _PREPOSITIONS:  # "envoy to Iraq" is not Iraq's, "of Iraq" is
                elsewhere = tokens[i].key in _ELSEWHERE
            n = self._match(tokens, i, out, roles, context, people=people, elsewhere=elsewhere)
            i += n or 1
        if out.person is None and out.organisation is None and out.country is None and people:
            out.person = self._by_surname(tokens, context)
        if out.country is not None and out.place_kind is not None:
            place = [t for t in content if not t.possessive]
            out.place_alone = len(place) == len(content) and self._places.get(
                " ".join(t.key for t in content)
            ) is not None  # fmt: skip
        if titles_only:  # in a person's name only a title says anything ("Ngo" is a name)
            roles = [r for r in roles if r[1] in self._titles]
        out.sector = self._head(roles, stop)
        out.titled = any(word in self._titles for _, word, _ in roles)
        return out

    def _match(self, tokens: Sequence[_Token], i: int, out: _Reading,
               roles: list[tuple[int, str, Sector]], context: ActorContext, *,
               people: bool, elsewhere: bool = False) -> int:  # fmt: skip
        """The length of the longest name or role word at token i (0 if none), noted in out."""
        for n in range(min(self._longest, len(tokens) - i), 0, -1):
            span = tokens[i : i + n]
            k = " ".join(t.key for t in span)
            if span[0].capital:
                # one word is a surname at most: _by_surname reads those, heads only
                if people and n > 1 and out.person is None and (known := self._people.get(k)):
                    chosen = _choose(known, context)
                    if chosen is not None:
                        out.person = chosen
                        return n
                org = self._organisations.get(k)
                if org is not None and out.organisation is None and not self._continued(
                    tokens, i + n
                ):
                    out.organisation = org
                    return n
                place = self._places.get(k)
                if place is not None and self._beside(tokens, i + n, place):
                    return n + 1
                if place is not None and self._continental(tokens, i, place):
                    return n
                if place is not None:
                    if out.country is None and not elsewhere:
                        out.country, out.place_kind = place
                    return n
            sector = self._agents.get(k)
            if sector is not None:
                roles.append((i, k, sector))
                return n
        return 0

    def _beside(self, tokens: Sequence[_Token], end: int, place: tuple[str, str]) -> bool:
        """Whether a country or people's name ending at tokens[end] names a place beside it,
        not the party's country: a geographic feature ("the Niger Delta"), or a border
        ("fighters near the Afghan border" are on either side; "Afghan border guards" are
        Afghanistan's)."""
        if place[1] not in ("country", "demonym") or end >= len(tokens):
            return False
        word = tokens[end]
        if word.capital and word.key in _FEATURES:
            return True
        if word.key not in _BORDERS:
            return False
        return not any(" ".join(t.key for t in tokens[start : start + n]) in self._agents
                       for start in (end, end + 1) for n in (1, 2, 3))  # fmt: skip

    @staticmethod
    def _continental(tokens: Sequence[_Token], start: int, place: tuple[str, str]) -> bool:
        """Whether "American" at tokens[start] is a continent's ("Latin American leaders")."""
        return (
            place == ("US", "demonym")
            and start > 0
            and tokens[start - 1].capital
            and tokens[start - 1].key in _CONTINENTAL
        )

    def _continued(self, tokens: Sequence[_Token], end: int) -> bool:
        """Whether a name goes on past a known organisation's: "Department of State Services"
        (Nigeria's) is not the "Department of State"; a title after it ("CIA Director") is
        not more name."""
        if end >= len(tokens) or not tokens[end].capital:
            return False
        return not any(  # "NATO Secretary General X"
            " ".join(t.key for t in tokens[end : end + n]) in self._agents for n in (1, 2, 3)
        )

    def _head(self, roles: Sequence[tuple[int, str, Sector]], stop: int) -> Sector | None:
        """The sector of the phrase's head role word: the last before a preposition; a
        deferring word ('leader') yields to a role word before it or, failing that, after the
        preposition ('leader of the rebels')."""
        head = [r for r in roles if r[0] < stop]
        tail = [r for r in roles if r[0] >= stop]
        if not head:
            return tail[0][2] if tail else None
        last = head[-1]
        if last[1] in self._deferring:
            earlier = [r for r in head[:-1] if r[1] not in self._deferring]
            if earlier:
                return earlier[-1][2]
            if tail:
                return tail[0][2]
        return last[2]

    def _by_surname(
        self, tokens: Sequence[_Token], context: ActorContext, *, titled: bool = False
    ) -> _Known | None:
        """A head of state or government named by surname: alone ('Putin'), or with a first
        name the lists lack when the article names their country or a title stands before."""
        named = [t for t in tokens if t.key not in ("the",)]
        lead = 0  # titles first: "President Buhari", "Prime Minister Modi"
        while lead < len(named) - 1:
            step = next((n for n in (2, 1) if " ".join(t.key for t in named[lead : lead + n])
                         in self._agents), 0)  # fmt: skip
            if not step or lead + step >= len(named):
                break
            titled = titled or " ".join(t.key for t in named[lead : lead + step]) in self._titles
            lead += step
        named = named[lead:]
        run = list(itertools.takewhile(lambda t: t.capital, named))
        if not run or (len(run) < len(named) and named[len(run)].key not in self._agents):
            return None  # a name, or a name that modifies a role: "Bush administration"
        candidates = self._surnames.get(run[-1].key.split()[-1], [])  # "Ter-Petrosyan"
        if len(run) > 1 and not titled:
            candidates = [p for p in candidates if context.mentions(p.country)]
        return _choose(candidates, context)

    def _apposition(self, text: str, context: ActorContext) -> _Reading:
        """A title in apposition after a name: ", the former Prime Minister of Sri Lanka,"."""
        match = re.match(r"\s*,\s*([^,;:()\"]{1,80})", text)
        if match is None:
            return _Reading()
        tokens = _tokens(match.group(1))
        if not tokens or not (tokens[0].capital or tokens[0].key in _APPOSITION_OPENERS):
            return _Reading()  # ", held talks with the commander of X": the sentence goes on
        reading = self._read(tokens, context, people=False)
        return reading if reading.titled else _Reading()

    def _located(self, text: str, context: ActorContext) -> str | None:
        """The country of a place right after a name, or after the role words the name
        modifies: "... in Abuja", "... of Ivory Coast", "Boko Haram gunmen in Borno state"; a
        province names its country too (service.entities.geo.Provinces)."""
        match = _LOCATED.match(text)
        if match is None or any(t.key not in self._agents for t in _tokens(match.group(1))):
            return None
        words = _tokens(match.group(2))
        for n in range(len(words), 0, -1):
            place = self._places.get(" ".join(t.key for t in words[:n]))
            if place is not None:
                return None if self._beside(words, n, place) else place[0]
        countries = [code for code, _ in context.countries]
        for n in range(len(words), 0, -1):
            country = self._provinces(" ".join(t.text for t in words[:n]), countries)
            if country is not None:
                return country
        return None

    def _modified(self, text: str) -> Sector | None:
        """The role word a nationality modifies ('North Korean special forces' -> MIL): the
        first within three words, before any punctuation or preposition."""
        tokens = _tokens(re.split(r"[,;:()\"\u201c\u201d\u2014.]", text)[0])[:3]
        for i, token in enumerate(tokens):
            if token.key in _PREPOSITIONS:
                break
            for n in (2, 1):
                sector = self._agents.get(" ".join(t.key for t in tokens[i : i + n]))
                if sector is not None:
                    return sector
        return None

    def _before(self, text: str, context: ActorContext) -> _Reading:
        """The title and demonym written just before a name ('Iraqi Foreign Minister')."""
        tokens = _tokens(re.split(r"[,;:()\"\u201c\u201d\u2014]", text)[-1])[-_BEFORE_WORDS:]
        kept: list[_Token] = []
        for i in range(len(tokens) - 1, -1, -1):
            token = tokens[i]
            # "US Secretary of State", "Minister for Foreign Affairs": a title's own preposition
            inner = token.key in _TITLE_LINKS and bool(kept) and kept[0].capital and i > 0
            if not (token.capital or token.key in self._agents or inner):
                break
            kept.insert(0, token)
            if token.possessive and kept[1:]:
                break
        if not kept:
            return _Reading()
        return self._read(kept, context, people=False)


def _completed(text: str, entity: Entity | None) -> str:
    """The phrase with its entity's name whole where the phrase cuts it short: "Guerrillas of
    the Revolutionary Armed Forces" of "... Armed Forces of Colombia" is Colombia's FARC, not
    Guatemala's armed forces."""
    if entity is None or entity.name in text:
        return text
    words = entity.name.split()
    for n in range(len(words) - 1, 0, -1):
        start = " ".join(words[:n])
        before = text[: len(text) - len(start)]
        if text.endswith(start) and not before[-1:].isalnum():
            return text + entity.name[len(start) :]
    return text


def _decide(reading: _Reading, entity: Entity | None, near: _Reading) -> Party:
    """Country and sector from what the phrase names first, then the entity, then the words
    around it; a country or its capital alone is its government."""
    country, sector = reading.country, reading.sector
    org = near.organisation
    if (
        reading.person is not None and org is not None and org.sector == "IGO"
        and near.sector is not None and near.country is None
    ):  # fmt: skip
        return None, "IGO"  # "UN Secretary-General Ban Ki-moon" speaks for the UN, not Korea
    if reading.person is not None:
        # "Mauritania's President X": the office the text gives over a namesake's country
        known = near.office or reading.person.country
        country, sector = country or known, sector or reading.person.sector
    if reading.organisation is not None:
        org = reading.organisation
        country = None if org.sector == "IGO" else (org.country or country)
        sector = sector or org.sector
    if country is None and entity is not None and entity.country:
        country = entity.country
    if sector is None and reading.place_alone and reading.place_kind in ("country", "capital"):
        sector = "GOV"
    if reading.organisation is None or reading.organisation.sector != "IGO":
        country = country or near.country
    return country, sector or near.sector


def _people_index(
    people: Iterable[Person],
) -> tuple[dict[str, list[_Known]], dict[str, list[_Known]]]:
    """People by full name and spelling, and heads of state or government by surname."""
    by_name: dict[str, list[_Known]] = defaultdict(list)
    by_surname: dict[str, list[_Known]] = defaultdict(list)
    interned: dict[_Known, _Known] = {}
    for entry in people:
        known = _Known(entry.country, entry.sector, entry.head)
        person = interned.setdefault(known, known)  # 20,000 people, a few hundred kinds
        for name in (entry.name, *entry.aliases):
            by_name[_key(name)].append(person)
            if person.head:
                words = _key(name).split()
                last = words[-1]
                if len(words) > 1 and _REGNAL.fullmatch(last):
                    continue  # a monarch by regnal name: the whole name or nothing
                if person.country in _FAMILY_NAME_FIRST and len(words) > 1:
                    by_surname[words[0]].append(person)  # "Xi Jinping" is "Xi"
                by_surname[last].append(person)
                bare = re.sub(r"^(al|el|ul|ad|as|an|ar|at)-", "", last)  # "al-Assad"
                if bare != last:
                    by_surname[bare].append(person)
    return dict(by_name), dict(by_surname)


def _plurals(word: str) -> list[str]:
    """A role word and the plural forms news writes of it."""
    last = word.split()[-1]
    stem = word[: len(word) - len(last)]
    if last.endswith("man"):
        forms = [last[:-3] + "men"]
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        forms = [last[:-1] + "ies"]
    elif last.endswith(("s", "x", "ch", "sh")):
        forms = [last + "es"]
    else:
        forms = [last + "s"]
    return [word, *(stem + f for f in forms)]


def _choose(people: Sequence[_Known], context: ActorContext | None) -> _Known | None:
    """One person of the candidates: the country they share, else the one the article names,
    else none (a name that several countries' leaders bear is left unresolved)."""
    countries = {p.country for p in people}
    if len(countries) > 1 and context is not None:
        named = {c for c in countries if context.mentions(c)}
        if len(named) == 1:
            countries = named
    if len(countries) != 1:
        return None
    code = next(iter(countries))
    mine = [p for p in people if p.country == code]
    return next((p for p in mine if p.head), mine[0])


@lru_cache(maxsize=1)
def shipped_resolver() -> ActorResolver:
    """The resolver over the packaged knowledge base, built once per process."""
    return ActorResolver()
