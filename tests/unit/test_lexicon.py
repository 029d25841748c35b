"""Tests for service.events.lexicon: the word lists load from data files, and a bad file fails."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from service.datafiles import DataFileError
from service.events.lexicon import DATA_DIR, PLOVER_TYPES, load_lexicon


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A private copy of the packaged data files, to break one at a time."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


class TestPackagedLexicon:
    """The lexicon shipped with the package."""

    def test_loads_once(self) -> None:
        """Loading twice gives the same validated object."""
        assert load_lexicon() is load_lexicon()

    def test_every_type_is_plover(self) -> None:
        """Every type named in the trigger files is one of PLOVER's sixteen."""
        words = load_lexicon().triggers
        named = (
            set(words.verb_types().values())
            | set(words.noun_types().values())
            | set(words.object_types().values())
            | set(words.particle_phrases.values())
            | set(words.prep_phrases.values())
        )
        assert named == set(PLOVER_TYPES)

    @pytest.mark.parametrize(
        ("table", "key", "type_"),
        [
            ("verb_types", "attack", "ASSAULT"),
            ("noun_types", "ceasefire", "AGREE"),
            ("object_types", ("send", "troops"), "MOBILIZE"),
            ("object_types", ("launch", "strikes"), "ASSAULT"),  # a later group overrides
            ("object_types", ("stage", "strikes"), "PROTEST"),
        ],
    )
    def test_tables(self, table: str, key: object, type_: str) -> None:
        """The derived tables map wording to its type."""
        assert getattr(load_lexicon().triggers, table)()[key] == type_

    def test_phrases_are_word_pairs(self) -> None:
        """'call on' in the file is the pair (call, on), not a YAML boolean."""
        words = load_lexicon().triggers
        assert words.prep_phrases[("call", "on")] == "REQUEST"
        assert words.particle_phrases[("call", "off")] == "CONCEDE"

    def test_word_lists(self) -> None:
        """Space-separated lists become sets of words."""
        lexicon = load_lexicon()
        assert {"say", "tell"} <= lexicon.roles.speech_verbs
        assert "'ll" in lexicon.modality.future_aux
        assert lexicon.inflection.irregular["withdrew"] == "withdraw"


class TestBadFile:
    """A malformed data file stops the loader with an error naming the file."""

    @pytest.mark.parametrize(
        ("name", "old", "new", "problem"),
        [
            ("triggers", "  THREATEN: threaten", "  THREATS: threaten", "THREATS"),
            ("triggers", "  - type: AID\n", "  - type: HELP\n", "type"),
            ("triggers", "light_verbs: >-", "light_verbs:\n  - send: troops\nold_light: >-",
             "light_verbs"),
            ("triggers", "call off: CONCEDE", "call: CONCEDE", "particle_phrases"),
            ("triggers", "  SANCTION: sanction expel embargo",
             "  SANCTION: sanction expel embargo attack", "listed under"),
            ("triggers", "  SANCTION: sanctions embargo", "  SANCTION: sanctions embargo pact",
             "noun 'pact'"),
            ("roles", "pronouns: it they", "pronouns: It they", "lower-case"),
            ("roles", "move_preps: to into", "move_preps: to into\nfrom_preps: from",
             "from_preps: Extra inputs"),
            ("modality", "denial: deny refuse", "denial:\n  - yes\n  - refuse\nx_denial: deny",
             "denial"),
            ("types", "force: ASSAULT COERCE", "force: ASSAULT BOMBING", "force"),
            ("types", "hostile: ASSAULT COERCE SANCTION", "hostile: ''", "hostile"),
            ("inflection", "  met: meet", "  met: [meet]", "met"),
            ("inflection", "irregular:", "irregular: [", "inflection.yaml"),
        ],
    )  # fmt: skip
    def test_rejected(self, data: Path, name: str, old: str, new: str, problem: str) -> None:
        """An unknown type, a wrong shape, an unknown key or a bad word is refused."""
        path = data / f"{name}.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text  # the case edits what it means to edit
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(DataFileError, match=f"{name}.yaml") as caught:
            load_lexicon(data)
        assert problem in str(caught.value)

    def test_missing_file(self, data: Path) -> None:
        """A missing file is an error naming it."""
        (data / "roles.yaml").unlink()
        with pytest.raises(DataFileError, match="roles.yaml"):
            load_lexicon(data)

    def test_intact_copy_loads(self, data: Path) -> None:
        """The copy itself is valid: the failures above come from the edits."""
        assert load_lexicon(data) == load_lexicon()
