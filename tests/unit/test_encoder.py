"""The event encoder (service/events/encoder.py), its head (encoded.py) and anchors (anchor.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from pydantic import ValidationError

from service.events import encoder as encoder_module
from service.events.anchor import anchor_span
from service.events.encoded import (
    EncoderHeadFile,
    EncoderTyper,
    default_head_path,
    shipped_encoder_typer,
)
from service.events.encoder import EncoderError, Sentence, SentenceEncoder
from service.events.tokens import doc_tokens

if TYPE_CHECKING:
    from spacy.language import Language


@pytest.fixture(scope="module")
def typer() -> EncoderTyper:
    """The shipped encoder and head, as a worker loads them."""
    return shipped_encoder_typer()


def _head(labels: list[str], intercept: list[float]) -> EncoderHeadFile:
    return EncoderHeadFile(
        encoder_sha256=encoder_module.BUILT_MODEL_SHA256,
        labels=labels,
        features=768,
        coef=[[0.0] * 768 for _ in labels],
        intercept=intercept,
    )


class TestSentenceEncoder:
    def test_vectors_are_unit_length(self, typer: EncoderTyper) -> None:
        """Each sentence gives a mean and an anchor vector, both of length one."""
        means, anchors = typer.encoder.encode(
            [Sentence("Troops shelled the town.", (7, 14)), Sentence("Nothing here.")]
        )
        assert means.shape == anchors.shape == (2, 384)
        assert np.allclose(np.linalg.norm(means, axis=1), 1.0, atol=1e-4)
        assert np.allclose(np.linalg.norm(anchors, axis=1), 1.0, atol=1e-4)

    def test_anchor_reads_the_word(self, typer: EncoderTyper) -> None:
        """The anchor vector is the anchored word's state, not the sentence mean."""
        means, anchors = typer.encoder.encode([Sentence("Troops shelled the town.", (7, 14))])
        assert not np.allclose(means[0], anchors[0])
        _, plain = typer.encoder.encode([Sentence("Troops shelled the town.")])
        assert np.allclose(plain[0], means[0])

    def test_a_sentence_reads_the_same_whatever_shares_its_call(
        self, typer: EncoderTyper
    ) -> None:
        """A sentence's vectors are its own: encoded alone or beside a longer one, the same
        numbers (no padding, no activation scale shared with a neighbour)."""
        short = Sentence("Troops shelled the town.", (7, 14))
        long = Sentence("Protesters marched through the capital for a third day on Sunday, "
                        "demanding the release of detained opposition leaders.", (11, 18))
        alone = typer.encoder.encode([short])
        beside = typer.encoder.encode([long, short])
        assert np.array_equal(alone[0][0], beside[0][1])
        assert np.array_equal(alone[1][0], beside[1][1])

    def test_empty_input(self, typer: EncoderTyper) -> None:
        """No sentences, no rows."""
        means, anchors = typer.encoder.encode([])
        assert means.shape == anchors.shape == (0, 384)

    def test_long_sentence_is_windowed_on_its_anchor(self, typer: EncoderTyper) -> None:
        """A sentence past the window is cut around its anchor, which stays readable."""
        text = "word " * 300 + "Rebels attacked the base."
        start = text.index("attacked")
        means, anchors = typer.encoder.encode([Sentence(text, (start, start + 8))])
        assert np.isfinite(means).all() and np.isfinite(anchors).all()
        assert not np.allclose(means[0], anchors[0])

    def test_window_keeps_anchor_positions(self) -> None:
        """The window holds MAX_PIECES pieces and maps the anchor into them, and the other
        words inside it; one outside is left with no pieces."""
        ids = list(range(500))
        kept, where, others = encoder_module._window(ids, [400, 401], [[420], [10]])
        assert len(kept) == encoder_module.MAX_PIECES
        assert [kept[i] for i in where] == [400, 401]
        assert [kept[i] for i in others[0]] == [420] and others[1] == []

    def test_other_words_are_read_from_the_same_pass(self, typer: EncoderTyper) -> None:
        """A second act's word gives the state it would give as the anchor, with the same mean
        and anchor, from one run of the model; None reads the anchor's."""
        text = "Troops shelled the town and the ministry condemned the attack."
        shelled, condemned = (7, 14), (text.index("condemned"), text.index("condemned") + 9)
        means, anchors, others = typer.encoder.encode_others(
            [Sentence(text, shelled, (condemned, None))]
        )
        _, alone = typer.encoder.encode([Sentence(text, condemned)])
        plain_means, plain_anchors = typer.encoder.encode([Sentence(text, shelled)])
        assert np.array_equal(means, plain_means) and np.array_equal(anchors, plain_anchors)
        assert others[0].shape == (2, 384)
        assert np.allclose(others[0][0], alone[0], atol=1e-6)
        assert np.array_equal(others[0][1], anchors[0])
        assert not np.allclose(others[0][0], anchors[0])

    def test_changed_file_is_refused(self, tmp_path: Path) -> None:
        """A file whose hash is not the pinned one fails at load, naming the file."""
        path = tmp_path / "model.onnx"
        path.write_bytes(b"not the model")
        with pytest.raises(EncoderError, match="model.onnx has sha256"):
            encoder_module._checked(path, encoder_module.MODEL_SHA256)

    def test_missing_package_is_named(self) -> None:
        """Without the weights' package the error says what to install."""
        with pytest.raises(EncoderError, match="no_such_weights_package"):
            encoder_module._package_file("no_such_weights_package", "model.onnx")

    def test_missing_file_is_named(self, tmp_path: Path) -> None:
        """A missing file is an error naming its path."""
        with pytest.raises(EncoderError, match="encoder file missing"):
            SentenceEncoder(model=tmp_path / "absent.onnx")


class TestBuiltEncoderChecks:
    def test_unbuilt_encoder_names_the_command(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """Without the built file the error says how to build it."""
        monkeypatch.setattr(encoder_module, "BUILT_MODEL", tmp_path / "absent.onnx")
        with pytest.raises(EncoderError, match="make encoder"):
            encoder_module.SentenceEncoder()

    def test_a_head_fit_on_other_vectors_is_refused(self, tmp_path: Path) -> None:
        """A head whose encoder hash is not the built encoder's fails at load."""
        head = json.loads(default_head_path().read_text(encoding="utf-8"))
        head["encoder_sha256"] = encoder_module.MODEL_SHA256  # the package's own graph
        path = tmp_path / "head.json"
        path.write_text(json.dumps(head), encoding="utf-8")
        with pytest.raises(EncoderError, match="run make train-events"):
            EncoderTyper.load(path)


class TestEncoderHead:
    def test_shapes_are_validated(self) -> None:
        """A head whose rows do not match its labels or width fails at load."""
        with pytest.raises(ValidationError):
            EncoderHeadFile(encoder_sha256="x", labels=["A", "B"], features=2,
                            coef=[[0.0, 0.0]], intercept=[0.0, 0.0])  # fmt: skip
        with pytest.raises(ValidationError):
            EncoderHeadFile(encoder_sha256="x", labels=["A", "B"], features=2,
                            coef=[[0.0], [0.0]], intercept=[0.0, 0.0])  # fmt: skip

    def test_yield_is_split_and_none_left_out(self, typer: EncoderTyper) -> None:
        """YIELD's probability goes half to CONCEDE, half to RETREAT; NONE's is left out."""
        head = _head(["ACCUSE", "NONE", "YIELD"], [0.0, 0.0, float(np.log(2.0))])
        scores = EncoderTyper(typer.encoder, head).predict([Sentence("They gave up.")])[0]
        assert set(scores) == {"ACCUSE", "CONCEDE", "RETREAT"}
        assert scores["ACCUSE"] == pytest.approx(0.25, abs=1e-6)
        assert scores["CONCEDE"] == scores["RETREAT"] == pytest.approx(0.25, abs=1e-6)

    def test_lead_rows_take_the_lead_head(self, typer: EncoderTyper) -> None:
        """Rows marked as a story's lead are typed by the lead head, the others by the sentence
        head; a lead head with CONCEDE and RETREAT apart keeps them apart."""
        sentence = _head(["ACCUSE", "NONE", "YIELD"], [5.0, 0.0, 0.0])
        lead = _head(["ASSAULT", "CONCEDE", "RETREAT"], [0.0, 3.0, 0.0])
        both = EncoderTyper(typer.encoder, sentence, lead)
        rows = both.predict([Sentence("They gave up."), Sentence("They gave up.")], lead=[1])
        assert max(rows[0], key=rows[0].__getitem__) == "ACCUSE"
        assert set(rows[1]) == {"ASSAULT", "CONCEDE", "RETREAT"}
        assert rows[1]["CONCEDE"] > 0.8 > 0.1 > rows[1]["RETREAT"]
        alone = EncoderTyper(typer.encoder, sentence).predict([Sentence("They gave up.")], lead=[0])
        assert alone[0] == rows[0]

    def test_shipped_lead_head_keeps_every_type(self) -> None:
        """The shipped lead head scores each PLOVER type, CONCEDE and RETREAT apart."""
        from service.events.encoded import default_lead_head_path, read_head
        from service.events.lexicon import PLOVER_TYPES

        head = read_head(default_lead_head_path())
        assert sorted(head.labels) == sorted(PLOVER_TYPES)

    def test_width_must_match_the_encoder(self, typer: EncoderTyper) -> None:
        """A head fit on another encoder's width is refused."""
        head = EncoderHeadFile(encoder_sha256="x", labels=["A", "B"], features=2,
                               coef=[[0.0, 0.0], [0.0, 0.0]], intercept=[0.0, 0.0])  # fmt: skip
        with pytest.raises(ValueError, match="expects 2 inputs"):
            EncoderTyper(typer.encoder, head)

    @pytest.mark.parametrize(
        ("text", "anchor", "expected"),
        [
            ("Government troops shelled a rebel-held village overnight.", "shelled", "ASSAULT"),
            ("The foreign minister condemned the neighbouring country for the raid.",
             "condemned", "ACCUSE"),
            ("The rebel commander threatened to storm the capital if talks failed.",
             "threatened", "THREATEN"),
            ("The government rejected the opposition demand for early elections.",
             "rejected", "REJECT"),
            ("Thousands of workers marched through the city demanding higher wages.",
             "marched", "PROTEST"),
            ("The United States sent food aid to the flood victims in Pakistan.", "sent", "AID"),
        ],
    )  # fmt: skip
    def test_shipped_head_types_plain_sentences(
        self, typer: EncoderTyper, text: str, anchor: str, expected: str
    ) -> None:
        """The shipped head names the type of a sentence it never saw."""
        start = text.index(anchor)
        scores = typer.predict([Sentence(text, (start, start + len(anchor)))])[0]
        assert max(scores, key=scores.__getitem__) == expected


class TestAnchor:
    def test_root_without_triggers(self, nlp: Language) -> None:
        """With no trigger the anchor is the sentence's root."""
        doc = nlp("The rebels attacked the base.")
        with doc_tokens(doc) as tokens:
            sent = tokens.sents[0]
            assert anchor_span(sent, []) == (11, 19)

    def test_trigger_nearest_the_root(self, nlp: Language) -> None:
        """Of two triggers the one higher in the tree anchors ("said" heads "attacked")."""
        doc = nlp("Officials said that rebels attacked the base and burned it.")
        with doc_tokens(doc) as tokens:
            sent = tokens.sents[0]
            attacked = next(t for t in sent if t.text == "attacked")
            burned = next(t for t in sent if t.text == "burned")
            start = sent.text.index("attacked")
            assert anchor_span(sent, [burned, attacked]) == (start, start + 8)
