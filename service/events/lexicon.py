"""The event lexicon: word lists kept in data/*.yaml, validated once so a bad file fails at start.

Word lists are space-separated strings in the files (a plain YAML `on` or `off` would be read as a
boolean); every type named must be one of PLOVER's sixteen. Loading goes through
`service.datafiles`, so a bad file raises its `DataFileError` naming the file and the fault.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Annotated, Final, Literal, get_args

from pydantic import AfterValidator, BeforeValidator, Field, StrictStr, model_validator

from service.datafiles import DataFile, load_data_file

__all__ = [
    "DATA_DIR",
    "DrillWords",
    "PLOVER_TYPES",
    "Lexicon",
    "ModalityWords",
    "ObjectPhrases",
    "PloverType",
    "RoleWords",
    "TriggerWords",
    "TypeClasses",
    "load_lexicon",
]

PloverType = Literal[
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
]  # fmt: skip
PLOVER_TYPES: Final[tuple[str, ...]] = get_args(PloverType)

DATA_DIR: Final = Path(__file__).with_name("data")

_WORD: Final = re.compile(r"[a-z'][a-z'-]*")


def _words(value: object) -> object:
    """A space-separated string is a set of words; anything else is left to validation."""
    return frozenset(value.split()) if isinstance(value, str) else value


def _pair(value: object) -> object:
    """'call off' is the pair (call, off)."""
    return tuple(value.split()) if isinstance(value, str) else value


def _lower_word(value: str) -> str:
    if not _WORD.fullmatch(value):
        raise ValueError(f"{value!r} is not a lower-case word")
    return value


Word = Annotated[StrictStr, AfterValidator(_lower_word)]
Words = Annotated[frozenset[Word], BeforeValidator(_words), Field(min_length=1)]
Types = Annotated[frozenset[PloverType], BeforeValidator(_words), Field(min_length=1)]
#: "verb particle", "verb preposition" or "prefix verb"
Pair = Annotated[tuple[Word, Word], BeforeValidator(_pair)]


class ObjectPhrases(DataFile):
    """Every verb of the group with every object head signals the type."""

    type: PloverType
    verbs: Words
    objects: Words


def _one_type_each(table: Iterable[tuple[str, frozenset[str]]], what: str) -> None:
    seen: dict[str, str] = {}
    for type_, words in table:
        for word in sorted(words):
            if word in seen:
                raise ValueError(f"{what} {word!r} is listed under {seen[word]} and {type_}")
            seen[word] = type_


class DrillWords(DataFile):
    """Military exercises: the nouns, the words that make them joint, and those of taking
    part in them (which is with others)."""

    nouns: Words
    joint: Words
    taking_part: Words


class TriggerWords(DataFile):
    """triggers.yaml: the words that signal an event, and how their type is decided."""

    verbs: dict[PloverType, Words]
    light_verbs: Words
    object_phrases: tuple[ObjectPhrases, ...] = Field(min_length=1)
    particle_phrases: dict[Pair, PloverType]
    hyphen_phrases: dict[Pair, PloverType]
    prep_phrases: dict[Pair, PloverType]
    nouns: dict[PloverType, Words]
    needs_target: Words
    reciprocal: Words
    exchanged: Words
    drills: DrillWords

    @model_validator(mode="after")
    def _unambiguous(self) -> TriggerWords:
        _one_type_each(self.verbs.items(), "verb")
        _one_type_each(self.nouns.items(), "noun")
        return self

    def verb_types(self) -> dict[str, str]:
        """Verb base form -> the type it signals on its own."""
        return {verb: type_ for type_, verbs in self.verbs.items() for verb in verbs}

    def noun_types(self) -> dict[str, str]:
        """Event noun -> its type."""
        return {noun: type_ for type_, nouns in self.nouns.items() for noun in nouns}

    def object_types(self) -> dict[tuple[str, str], str]:
        """(verb, object head) -> type; a later group overrides an earlier one."""
        return {
            (verb, obj): group.type
            for group in self.object_phrases
            for verb in group.verbs
            for obj in group.objects
        }


class RoleWords(DataFile):
    """roles.yaml: the words that decide actor, target, source and place."""

    speech_verbs: Words
    converse_verbs: Words
    pronouns: Words
    domestic_nouns: Words
    apart: Words
    target_preps: Words
    actor_preps: Words
    target_np_preps: Words
    place_preps: Words
    move_preps: Words
    projectile_verbs: Words
    sent_preps: Words
    causative_verbs: Words
    owning_participles: Words
    restating_nouns: Words
    pair_nouns: Words
    mission_nouns: Words
    resigning_verbs: Words
    resigning_phrases: list[Pair]
    detaining_verbs: Words
    extraditing_verbs: Words


class ModalityWords(DataFile):
    """modality.yaml: the words that make an act hypothetical, denied, promised or a plan."""

    hypothetical_marks: Words
    hypothetical_modals: Words
    hypothetical_determiners: Words
    obligation: Words
    future_aux: Words
    future_heads: Words
    failure: Words
    denial: Words
    stative_passive: Words


class TypeClasses(DataFile):
    """types.yaml: classes of PLOVER types that the coding rules treat alike."""

    cooperative: Types
    hostile: Types
    acted_upon: Types
    force: Types
    symmetric: Types
    verbal: Types
    troop: Types
    movement: Types


class Inflection(DataFile):
    """inflection.yaml: irregular verb forms (regular ones are generated by rule)."""

    irregular: dict[Word, Word] = Field(min_length=1)


class Lexicon(DataFile):
    """All the event coder's vocabulary, one validated model per data file."""

    triggers: TriggerWords
    roles: RoleWords
    modality: ModalityWords
    types: TypeClasses
    inflection: Inflection


@cache
def load_lexicon(directory: Path = DATA_DIR) -> Lexicon:
    """The lexicon in `directory` (the packaged one by default), read and validated once."""
    return Lexicon(
        triggers=load_data_file(TriggerWords, directory / "triggers.yaml"),
        roles=load_data_file(RoleWords, directory / "roles.yaml"),
        modality=load_data_file(ModalityWords, directory / "modality.yaml"),
        types=load_data_file(TypeClasses, directory / "types.yaml"),
        inflection=load_data_file(Inflection, directory / "inflection.yaml"),
    )
