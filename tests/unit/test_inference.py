"""The inference-only forwards give thinc's floats exactly, and leave training alone."""

from __future__ import annotations

import numpy as np
import pytest
from spacy.language import Language
from thinc.api import Maxout, Model, NumpyOps, chain
from thinc.layers import layernorm, maxout

import service.entities.model as model_module
from service.entities.inference import faster_forwards
from service.entities.model import load_nlp

TEXTS = (
    "North Korea sent 1,500 troops to Russia on Tuesday, Seoul's spy agency said.",
    "Rebels shelled the port of Hodeidah, killing 12 people, officials in Sanaa said.",
    "The talks in Geneva ended without a deal; both sides blamed the other.",
)


def _pair(pieces: int) -> tuple[Model, Model, np.ndarray]:
    """A maxout-and-layer-norm stack twice, with the same weights; the second one faster."""
    ops = NumpyOps(use_blis=False)
    rng = np.random.default_rng(pieces)
    X = rng.standard_normal((40, 12)).astype("float32")
    X[5] = X[4]  # repeated rows, and pieces tied below
    plain = chain(Maxout(nO=8, nI=12, nP=pieces, normalize=True), Maxout(nO=6, nP=pieces))
    plain.initialize(X=X)
    for layer in plain.walk():
        layer.ops = ops
    faster = plain.copy()
    assert faster_forwards(faster.walk()) == 3  # two maxouts, one layer norm
    if pieces > 1:  # ties between pieces: the same weights for two pieces of every output
        for model in (plain, faster):
            first = model.layers[0].layers[0]
            W = first.get_param("W").copy()
            W[:, 1] = W[:, 0]
            first.set_param("W", W)
    return plain, faster, X


class TestSameFloats:
    @pytest.mark.parametrize("pieces", [1, 2, 3])
    def test_predict_gives_thincs_floats(self, pieces: int) -> None:
        """Bit for bit the output of thinc's own forwards, whatever the number of pieces."""
        plain, faster, X = _pair(pieces)
        assert np.array_equal(plain.predict(X), faster.predict(X))
        funcs = {layer._func for layer in faster.walk()}
        assert not funcs & {maxout.forward, layernorm.forward}

    def test_training_runs_thincs_forward(self) -> None:
        """With is_train the layers run thinc's forwards: the same output and gradient."""
        plain, faster, X = _pair(3)
        Y1, back1 = plain.begin_update(X)
        Y2, back2 = faster.begin_update(X)
        dY = np.ones_like(Y1)
        assert np.array_equal(Y1, Y2)
        assert np.array_equal(back1(dY), back2(dY))

    def test_no_gradient_after_predicting(self) -> None:
        """A predicting forward's backprop says why it cannot run, instead of a wrong result."""
        _, faster, X = _pair(3)
        _, backprop = faster(X, is_train=False)
        with pytest.raises(RuntimeError, match="inference-only"):
            backprop(np.ones((len(X), 6), dtype="float32"))


def _forwards(nlp: Language) -> set[object]:
    return {layer._func for layer in model_module._layers(nlp)}


class TestLoadedPipeline:
    def test_every_maxout_and_layer_norm_is_faster(self, nlp: Language) -> None:
        """load_nlp leaves no component layer on thinc's slower forwards."""
        assert not _forwards(nlp) & {maxout.forward, layernorm.forward}

    def test_same_annotations_and_vectors(
        self, nlp: Language, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The pipeline with thinc's forwards gives the same token vectors, tags, parse and
        entities, to the bit."""
        monkeypatch.setattr(model_module, "faster_forwards", lambda _: 0)
        plain = load_nlp("en_core_web_sm")
        assert {maxout.forward, layernorm.forward} <= _forwards(plain)  # thinc's own, compared
        for fast_doc, plain_doc in zip(nlp.pipe(TEXTS), plain.pipe(TEXTS), strict=True):
            assert np.array_equal(fast_doc.tensor, plain_doc.tensor)
            assert [(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in fast_doc] == [
                (t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in plain_doc
            ]
            assert fast_doc.ents
