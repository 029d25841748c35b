"""The actor knowledge base (data/actors.json, built) and the role words (data/agents.yaml).

actors.json is written by `service.actors.build` from public sources, never by hand: countries
with their names, demonyms, capitals and major cities; national leaders and officials; armed
groups, parties, agencies and international organisations. agents.yaml is the small closed
vocabulary of generic role words ("police", "rebels") that say what kind of party a phrase is.
Both are validated when loaded, so a bad file stops the worker at start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal, NamedTuple, get_args

from pydantic import Field, model_validator

from service.datafiles import CountryCode, DataFile, LowerWord, Name, load_data_file
from service.models import Sector

__all__ = [
    "AGENTS_FILE",
    "KB_FILE",
    "SECTORS",
    "ActorKB",
    "AgentWords",
    "Country",
    "Organisation",
    "Person",
    "Sector",
    "load_agents",
    "load_kb",
]

KB_FILE: Final = Path(__file__).with_name("data") / "actors.json"
AGENTS_FILE: Final = Path(__file__).with_name("data") / "agents.yaml"

SECTORS: Final[tuple[str, ...]] = get_args(Sector)


class Country(DataFile):
    """One country's names as news writes them."""

    name: Name = Field(description="The name news uses.")
    names: list[Name] = Field(description="Other names and spellings.")
    demonyms: list[Name] = Field(description="Nationality words and their plurals.")
    capitals: list[Name] = Field(description="Seats of government: 'Moscow said' is Russia's.")
    cities: list[Name] = Field(description="Major cities (not ambiguous between countries).")


class Person(NamedTuple):
    """A national leader or official: one row [name, aliases, country, sector, head, start,
    end, source] of the file (rows, not objects: 20,000 of them load in a fifth of the memory).

    `name` is the full name, or the surname where the source gives only it; `head` marks a head
    of state or government (found by surname alone); `sector` is GOV for heads and ministers,
    else as the source codes the post (SPY, MIL); `start` and `end` are the first and last year
    in office, `end` null while in office at the source's last update.
    """

    name: Name
    aliases: list[Name]
    country: CountryCode
    sector: Sector
    head: bool
    start: int | None
    end: int | None
    source: Literal["countryinfo", "reign"]


class Organisation(DataFile):
    """An armed group, party, agency, court or international organisation."""

    name: Name
    aliases: list[Name] = Field(default_factory=list)
    country: CountryCode | None = Field(description="Null for international organisations.")
    sector: Sector
    source: Literal["wordnet", "ucdp"]


class ActorKB(DataFile):
    """The contents of data/actors.json."""

    format: Literal[1]
    sources: list[str] = Field(description="What the file was built from, with licences.")
    countries: dict[CountryCode, Country]
    people: list[Person] = Field(
        description="Rows: [name, aliases, country, sector, head, start, end, source]."
    )
    organisations: list[Organisation]


class AgentWords(DataFile):
    """The contents of data/agents.yaml: role words by sector, and the titles among them."""

    sectors: dict[Sector, list[LowerWord]] = Field(
        description="Lower-case words and phrases (singular and irregular plurals) per sector."
    )
    titles: list[LowerWord] = Field(
        description="Words that, written before a name, make the person that kind of party."
    )
    deferring: list[LowerWord] = Field(
        description="Words naming someone of a group ('leader'): the group's role word before "
        "them decides ('rebel leader' is REB)."
    )

    @model_validator(mode="after")
    def _one_sector_per_word(self) -> AgentWords:
        seen: dict[str, str] = {}
        for sector, words in self.sectors.items():
            for word in words:
                if seen.setdefault(word, sector) != sector:
                    raise ValueError(f"{word!r} is listed under {seen[word]} and {sector}")
        unknown = [t for t in (*self.titles, *self.deferring) if t not in seen]
        if unknown:
            raise ValueError(f"titles without a sector: {', '.join(unknown)}")
        return self


def load_kb(path: Path = KB_FILE) -> ActorKB:
    """The knowledge base in `path`, validated (DataFileError when it is not right)."""
    return load_data_file(ActorKB, path)


def load_agents(path: Path = AGENTS_FILE) -> AgentWords:
    """The agent words in `path`, validated."""
    return load_data_file(AgentWords, path)
