"""The UCDP actor list as a source of armed groups for the knowledge base (service.actors.build).

UCDP Actor Dataset (Uppsala Conflict Data Program, ucdp-actor-*.csv, version 22.1; CC BY 4.0;
Davies, Pettersson and Öberg 2022) lists the formally organised non-state party of every armed
conflict since 1946 (Org 1), with its names and the countries it fought in, first where it
began. UCDP says where a group fought, WordNet where it is from: a group takes the nation its
own names give, else WordNet's country, else the first of at most three countries it fought in,
else the nation its fellow rebels' names give.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from typing import Any, Final

from service.actors.names import key, named_country, proper, role_head, unique

__all__ = ["merged", "parse_ucdp", "renamed"]

#: UCDP's (Gleditsch and Ward's) states that hold other ISO 3166-1 countries: a group UCDP
#: places there may be one of those's (Hamas: Israel, not Palestine; the Soviet Union's
#: Baltic and Ukrainian insurgents)
_UCDP_WIDER: Final = frozenset(
    {"Israel", "Serbia (Yugoslavia)", "Morocco", "Russia (Soviet Union)"}
)
_UCDP_PLACES: Final = 3  # a group that fought in more countries has no one home


def parse_ucdp(
    text: str, country_of: dict[str, str], roles: dict[str, str], *,
    nation_of: dict[str, str] | None = None, common: Collection[str] = (),
) -> list[dict[str, Any]]:  # fmt: skip
    """The formally organised non-state armed groups (Org 1) of the UCDP actor list, each with
    its names and its home: the nation its name gives ("Palestinian Islamic Jihad", "Taleban
    Movement of Pakistan"; `nation_of`: names, demonyms, capitals), else the first country it
    fought in, of at most three (none when it fought in more, or first in a state UCDP draws
    wider than ISO does)."""
    common = frozenset(common)
    out = []
    conflicts: list[tuple[set[str], list[str]]] = []  # each group's conflicts and places
    for row in csv.DictReader(io.StringIO(text)):
        if row.get("Org", "").strip() != "1":
            continue
        fields = ("NameData", "NameOrig", "NameOrigFullEng", "NewName", "NewNameFullEng")
        # a field may list several names: "KADEK, KONGRA-GEL, PKK"
        names = unique(n for f in fields for part in _listed(row.get(f) or "")
                        if (n := " ".join(part.split())) and n != "n/a")  # fmt: skip
        # a role word, a country's name, a description ("Hutu rebels") or words that name
        # something else ("Union", Seleka's; "The Base", al-Qaida's; "Tibet"; `common`) name
        # no one group; an acronym is written in capitals
        names = [n for n in names if len(n) > 2 and proper(n) and key(n) not in roles
                 and key(n) not in country_of and not _described(n, roles)
                 and (n.isupper() or common.isdisjoint(_words(key(n))))]  # fmt: skip
        places = [p for p in _listed(row.get("Location") or "") if p]
        if not names or not places:
            continue
        home = next((c for n in names if (c := named_country(n, nation_of or country_of))),
                    None)  # fmt: skip
        named = home is not None
        if home is None and len(places) <= _UCDP_PLACES and places[0] not in _UCDP_WIDER:
            home = _ucdp_country(places[0], country_of)
        # UCDP's parties are armed groups, save an authority that rules a territory ("the
        # Palestinian National Authority")
        sector = "GOV" if role_head(names[-1], roles) == "GOV" else "REB"
        out.append({"name": names[0], "aliases": names[1:], "country": home, "sector": sector,
                    "source": "ucdp", "named": named})  # fmt: skip
        conflicts.append(({c for c in _listed(row.get("ConflictId") or "") if c}, places))
    _from_peers(out, conflicts, country_of)
    return out


def _from_peers(
    groups: list[dict[str, Any]], conflicts: list[tuple[set[str], list[str]]],
    country_of: dict[str, str],
) -> None:  # fmt: skip
    """A group with no home takes the one its fellow rebels' names give, when every group of
    its conflicts whose name gives a nation gives the same, where it fought: Hamas fought
    Israel's government beside the PLO, Fatah and Palestinian Islamic Jihad, so it is
    Palestinian."""
    named: dict[str, set[str]] = defaultdict(set)
    for group, (ids, _) in zip(groups, conflicts, strict=True):
        if group["named"]:
            for conflict in ids:
                named[conflict].add(group["country"])
    for group, (ids, places) in zip(groups, conflicts, strict=True):
        if group["country"] is not None:
            continue
        homes = {c for conflict in ids for c in named.get(conflict, ())}
        if len(homes) != 1:
            continue
        # ... and where it began: Boko Haram's only peers with a nation are Cameroon's
        home = next(iter(homes))
        if places[0] in _UCDP_WIDER or _ucdp_country(places[0], country_of) == home:
            group["country"] = home


def _described(name: str, roles: dict[str, str]) -> bool:
    """A description, not a name: a people and what its armed members are ("Hutu rebels",
    "Sikh insurgents"); "Mahdi Army" and "Furqan Brigades" are one group's names."""
    words = key(name).split()
    return len(words) == 2 and roles.get(words[-1]) == "REB" and words[-1].endswith("s")


def _words(name: str) -> set[str]:
    """A lower-case name as WordNet may list it: 'the base' -> base, 'spiders' -> spider."""
    name = name.removeprefix("the ")
    return {name, name[:-1] if name.endswith("s") and not name.endswith("ss") else name}


def renamed(
    groups: Iterable[dict[str, Any]], keep: Callable[[str], bool]
) -> list[dict[str, Any]]:
    """The groups with only the names `keep` keeps; a group left with none is dropped."""
    out = []
    for group in groups:
        names = [n for n in (group["name"], *group["aliases"]) if keep(n)]
        if names:
            out.append({**group, "name": names[0], "aliases": names[1:]})
    return out


def _listed(field_: str) -> list[str]:
    """A UCDP field's comma-separated items, commas in brackets kept: 'Russia (Soviet
    Union), Military faction (forces of A, B & C)'."""
    return [part.strip() for part in re.split(r",(?![^()\[\]]*[)\]])", field_)]


def _ucdp_country(place: str, country_of: dict[str, str]) -> str | None:
    """ISO code of a UCDP location: 'Russia (Soviet Union)', 'DR Congo (Zaire)'."""
    match = re.match(r"([^(]+?)\s*(?:\(([^)]+)\))?$", place)
    if match is None:
        return None
    for name in (place, match.group(1), match.group(2) or "", match.group(1).replace("-", " and ")):
        code = country_of.get(key(name))
        if code is not None:
            return code
    return None


def merged(wordnet: list[dict[str, Any]], ucdp: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """WordNet's groups with the names UCDP adds ("PKK"), then UCDP's that WordNet lacks. A
    nation a group's name gives ("Palestinian National Liberation Movement", UCDP's Fatah)
    decides; else WordNet says where a group is from and UCDP only where it fought, so UCDP's
    home counts where WordNet gives none (the Taliban)."""
    # a name WordNet gives another kind of body keeps that meaning ("ISI": Pakistan's
    # intelligence service, not the Islamic State of Iraq)
    other = {key(n) for e in wordnet if e["sector"] != "REB" for n in (e["name"], *e["aliases"])}
    ucdp = renamed(ucdp, lambda n: key(n) not in other)
    # the same group by a name only UCDP's one group has, not by an acronym ("FLNC": Corsica's
    # front and the Congo's) nor a name several groups bear ("National Liberation Army"); a
    # name two groups keep names neither (service.actors.resolver)
    bearers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for group in ucdp:
        for name in (group["name"], *group["aliases"]):
            if not name.isupper():
                bearers[key(name)].append(group)
    by_name = {k: v[0] for k, v in bearers.items() if len(v) == 1}
    links = [{id(g): g for n in (e["name"], *e["aliases"]) if (g := by_name.get(key(n)))}
             for e in wordnet]  # fmt: skip
    # ... and one WordNet group only: Egypt's al-Gama'a al-Islamiyya is also called "Islamic
    # Group", as WordNet calls Jemaah Islamiyah too
    matches = Counter(i for linked in links for i in linked)
    out: list[dict[str, Any]] = []
    for entry, linked in zip(wordnet, links, strict=True):
        same = [g for i, g in linked.items() if matches[i] == 1]
        if same:
            named = {g["country"] for g in same if g["named"]}
            homes = {g["country"] for g in same}
            if len(named) == 1:
                entry = {**entry, "country": next(iter(named))}
            elif entry["country"] is None and len(homes) == 1:
                entry = {**entry, "country": next(iter(homes))}
            extra = [n for g in same for n in (g["name"], *g["aliases"])]
            entry = {**entry, "aliases": unique([entry["name"], *entry["aliases"], *extra])[1:]}
        out.append(entry)
    rest = [{k: v for k, v in g.items() if k != "named"} for g in ucdp if id(g) not in matches]
    return out + rest
