"""The verb, phrase and noun lexicon that maps English event wording to PLOVER event types."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final

__all__ = [
    "COOPERATIVE",
    "DOMESTIC_NOUNS",
    "HOSTILE",
    "LIGHT_VERBS",
    "NEEDS_TARGET",
    "NOUN_TRIGGERS",
    "OBJECT_PHRASES",
    "PARTICLE_PHRASES",
    "PLOVER_TYPES",
    "PREP_PHRASES",
    "RECIPROCAL",
    "SPEECH_VERBS",
    "VERB_TYPES",
    "base_forms",
]

PLOVER_TYPES: Final = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip

# Verbs that signal a type on their own (CAMEO verb dictionaries, collapsed to PLOVER roots).
_VERBS: Final[dict[str, str]] = {
    "AGREE": "agree pledge promise commit ratify accede consent offer",
    "CONSULT": "meet visit host convene negotiate discuss consult confer mediate arrive tour",
    "SUPPORT": "praise support back endorse defend apologize apologise welcome commend hail "
    "approve applaud congratulate thank forgive reassure",
    "CONCEDE": "concede accept allow permit yield relent compromise release free",
    "COOPERATE": "cooperate co-operate collaborate ally partner coordinate",
    "AID": "aid assist help donate supply fund finance arm rescue",
    "RETREAT": "withdraw retreat evacuate demobilize demobilise disarm resign surrender abandon",
    "REQUEST": "demand request urge ask appeal plead petition beg implore",
    "ACCUSE": "accuse criticize criticise condemn denounce blame charge complain allege "
    "investigate probe rebuke censure deplore slam chide castigate fault",
    "REJECT": "reject deny refuse dismiss oppose veto rebuff decline spurn repudiate",
    "THREATEN": "threaten warn vow swear menace",
    "PROTEST": "protest demonstrate riot march picket boycott rally",
    "SANCTION": "sanction expel embargo",
    "MOBILIZE": "deploy mobilize mobilise dispatch station redeploy reinforce",
    "COERCE": "arrest detain deport ban confiscate seize prevent raid censor hack jail "
    "imprison blockade besiege disperse outlaw suppress evict",
    "ASSAULT": "attack shell kill bomb shoot wound invade kidnap abduct assassinate torture "
    "abuse massacre ambush storm capture fight clash bombard murder execute injure "
    "behead rape strike hit fire",
}

#: Verbs that carry no type alone and are typed by their object (send troops, send aid).
LIGHT_VERBS: Final = frozenset(
    "send provide give deliver issue lodge file stage hold launch impose sign reach open "
    "halt suspend cut lift ease express take begin renew resume conduct carry mount make "
    "transfer move mass ship extend start block sever freeze cancel stop recall summon restore "
    "normalize normalise establish upgrade "
    "release call push press train break conclude seal ink announce pay".split()
)

_TROOPS = (
    "troops soldiers forces army units brigades battalions division divisions warships ships "
    "tanks reinforcements personnel marines contingent fighters jets aircraft peacekeepers "
    "reservists hackers navy"
)
_AID = (
    "aid assistance weapons arms equipment supplies food money funds loans loan ammunition "
    "missiles goods medicine help relief grants grant support shelter asylum vaccines fuel"
)

#: (verb, object head) -> type; the object decides what a light or ambiguous verb means.
OBJECT_PHRASES: Final[dict[tuple[str, str], str]] = {}


def _add(verbs: str, objects: str, type_: str) -> None:
    for verb in verbs.split():
        for obj in objects.split():
            OBJECT_PHRASES[(verb, obj)] = type_


_add("send dispatch deploy transfer move station mass train mobilize mobilise", _TROOPS, "MOBILIZE")
_add("send provide give deliver supply donate ship extend", _AID, "AID")
_add("impose slap announce", "sanctions embargo tariffs penalties", "SANCTION")
_add("impose declare", "curfew law emergency blockade", "COERCE")
_add("issue deliver make", "ultimatum threat threats warning warnings", "THREATEN")
_add("issue make deliver", "demand demands call appeal reminder request plea", "REQUEST")
_add("lodge file register issue make", "protest complaint complaints", "ACCUSE")
_add("express voice", "concern concerns regret outrage anger dismay alarm", "ACCUSE")
_add("express voice offer", "support solidarity condolences sympathy", "SUPPORT")
_add(
    "stage hold organize organise launch begin start mount",
    "demonstration demonstrations protest protests strike strikes rally rallies march "
    "marches sit-in boycott",
    "PROTEST",
)
_add(
    "hold begin open resume renew launch start conduct",
    "talks negotiations meeting meetings summit consultations mediation dialogue",
    "CONSULT",
)
_add(
    "sign reach conclude seal ink strike extend renew",
    "agreement deal pact treaty accord ceasefire truce",
    "AGREE",
)
_add(
    "launch conduct hold stage begin start",
    "exercises drills games maneuvers manoeuvres",
    "COOPERATE",
)
_add(
    "launch carry mount make",
    "attack attacks offensive strike strikes raid raids airstrike airstrikes missiles rockets "
    "assault invasion",
    "ASSAULT",
)
_add("open", "fire", "ASSAULT")
_add("fire", "shells shell missiles missile rockets rocket shots bullets", "ASSAULT")
_add(
    "halt suspend cut freeze cancel stop sever recall withdraw",
    "aid assistance ties relations visit trip talks trade loans ambassador envoy cooperation",
    "SANCTION",
)
_add("lift ease relax", "sanctions ban embargo restrictions blockade curfew", "CONCEDE")
_add("release free", "prisoners hostages detainees captives", "CONCEDE")
_add("take", "hostage hostages", "ASSAULT")
_add("block", "roads road bridge highway highways streets", "PROTEST")
_add("break", "ties relations", "SANCTION")
_add("summon", "ambassador envoy diplomat diplomats charge", "ACCUSE")
_add("restore normalize normalise establish resume upgrade", "relations ties", "COOPERATE")
_add("pay", "compensation reparations", "RETREAT")
_add("call", "strike", "PROTEST")
_add("stop shun quit", "work", "PROTEST")
_add("push press", "plan resolution", "REQUEST")

#: (verb, particle) -> type for phrasal verbs.
PARTICLE_PHRASES: Final[dict[tuple[str, str], str]] = {
    ("call", "off"): "CONCEDE",
    ("back", "down"): "CONCEDE",
    ("give", "in"): "CONCEDE",
    ("pull", "out"): "RETREAT",
    ("pull", "back"): "RETREAT",
    ("step", "down"): "RETREAT",
    ("crack", "down"): "COERCE",
    ("turn", "down"): "REJECT",
    ("blow", "up"): "ASSAULT",
    ("set", "up"): "COOPERATE",
    ("lash", "out"): "ACCUSE",
    ("cut", "off"): "SANCTION",
    ("shut", "down"): "COERCE",
}

#: (verb, preposition) -> type for verbs typed by their preposition (call for, fire at).
PREP_PHRASES: Final[dict[tuple[str, str], str]] = {
    ("call", "for"): "REQUEST",
    ("call", "on"): "REQUEST",
    ("call", "upon"): "REQUEST",
    ("push", "for"): "REQUEST",
    ("press", "for"): "REQUEST",
    ("fire", "at"): "ASSAULT",
    ("fire", "on"): "ASSAULT",
    ("take", "part"): "COOPERATE",
    ("side", "with"): "SUPPORT",
    ("talk", "with"): "CONSULT",
    ("talk", "to"): "CONSULT",
    ("speak", "with"): "CONSULT",
    ("work", "with"): "COOPERATE",
}

#: Event nouns typed on their own when they name both sides ("a pact between X and Y").
NOUN_TRIGGERS: Final[dict[str, str]] = {
    noun: type_
    for type_, nouns in {
        "AGREE": "pact agreement deal treaty accord ceasefire truce",
        "CONSULT": "talks meeting summit negotiations visit mediation",
        "ASSAULT": "attack attacks invasion shelling bombing airstrike airstrikes offensive",
        "COOPERATE": "exercises drills alliance partnership cooperation",
        "MOBILIZE": "dispatch deployment buildup",
        "SANCTION": "sanctions embargo",
        "AID": "aid assistance",
    }.items()
    for noun in nouns.split()
}

#: Verbs too ambiguous to code without a named target ("the service arrived", "charging").
NEEDS_TARGET: Final = frozenset(
    "arrive tour host offer charge ask allow free release strike hit fire storm capture execute "
    "abuse arm back help welcome thank investigate probe fund finance supply march rally "
    "approve".split()
)

#: Verbs whose event holds both ways when both sides are named ("X and Y agreed").
RECIPROCAL: Final = frozenset(
    "agree meet negotiate discuss confer consult cooperate collaborate partner sign talk "
    "reach conclude seal ink hold renew resume begin open clash".split()
)

#: Verbs that report speech: "X said Y did Z" codes Y's act with X as the source.
SPEECH_VERBS: Final = frozenset(
    "say tell report announce claim state add confirm reveal quote believe suggest insist "
    "disclose note write assert acknowledge estimate show".split()
)

COOPERATIVE: Final = frozenset({"CONSULT", "AID", "CONCEDE", "COOPERATE", "RETREAT", "SUPPORT"})
HOSTILE: Final = frozenset({"ASSAULT", "COERCE", "SANCTION"})

#: Object heads that name a group inside the actor's own country (coded actor -> own country).
DOMESTIC_NOUNS: Final = frozenset(
    "opposition demonstrators demonstration demonstrations protesters protestors protest "
    "students rebels insurgents militants government authorities police citizens civilians "
    "people workers candidates newspaper newspapers refugees prisoners party parties leader "
    "leaders president minister journalists activists dissidents villagers residents "
    "strike rally rallies reforms elections union unions guerrillas groups allocation land "
    "freedoms opponents critics supporters army military troops forces people person persons "
    "soldiers soldier policemen officers others".split()
)

_IRREGULAR: Final[dict[str, str]] = {
    "met": "meet", "sent": "send", "held": "hold", "gave": "give", "given": "give",
    "took": "take", "taken": "take", "made": "make", "fought": "fight", "shot": "shoot",
    "struck": "strike", "stricken": "strike", "sought": "seek", "swore": "swear",
    "sworn": "swear", "withdrew": "withdraw", "withdrawn": "withdraw", "began": "begin",
    "begun": "begin", "broke": "break", "broken": "break", "forgave": "forgive",
    "forgiven": "forgive", "said": "say", "told": "tell", "hit": "hit", "cut": "cut",
    "shut": "shut", "set": "set", "put": "put", "paid": "pay", "spoke": "speak",
    "spoken": "speak", "blew": "blow", "blown": "blow", "froze": "freeze", "frozen": "freeze",
    "beat": "beat", "beaten": "beat", "undertook": "undertake", "led": "lead",
    "brought": "bring", "wrote": "write", "written": "write", "shown": "show", "ate": "eat",
}  # fmt: skip


def _inflections(base: str) -> Iterator[str]:
    """Regular English inflections of a verb; over-generation is harmless in a lookup table."""
    yield base
    if base.endswith(("s", "x", "z", "ch", "sh")):
        yield base + "es"
    elif base.endswith("y") and base[-2:-1] not in ("a", "e", "o", "u"):
        yield base[:-1] + "ies"
    else:
        yield base + "s"
    if base.endswith("e"):
        stem = base[:-1]
        yield base + "d"
        yield (
            (stem[:-1] + "ying")
            if base.endswith("ie")
            else (base + "ing" if base.endswith(("ee", "ye", "oe")) else stem + "ing")
        )
        return
    if base.endswith("y") and base[-2:-1] not in ("a", "e", "o", "u"):
        yield base[:-1] + "ied"
        yield base + "ing"
        return
    yield base + "ed"
    yield base + "ing"
    if (
        len(base) >= 3
        and base[-1] not in "aeiouwxy"
        and base[-2] in "aeiou"
        and base[-3] not in "aeiou"
    ):
        yield base + base[-1] + "ed"
        yield base + base[-1] + "ing"
    if base.endswith("l"):  # British spelling: cancelled, travelling
        yield base + "led"
        yield base + "ling"


def base_forms(bases: Iterable[str]) -> dict[str, str]:
    """Map every inflected form of the given verbs back to its base form."""
    table: dict[str, str] = {}
    wanted = set(bases)
    for base in sorted(wanted):
        for form in _inflections(base):
            table.setdefault(form, base)
    for form, base in _IRREGULAR.items():
        if base in wanted:
            table[form] = base
    return table


VERB_TYPES: Final[dict[str, str]] = {
    verb: type_ for type_, verbs in _VERBS.items() for verb in verbs.split()
}
