"""The encoder typer: a linear head over the pretrained encoder's sentence and anchor vectors.

The head is plain numbers in a validated JSON file (no pickle), trained by
`service.events.train_encoder` on real news sentences and news-style story leads; the encoder
itself stays frozen. PLV-style training data merges CONCEDE and RETREAT into YIELD, so the head
scores YIELD and `predict` gives half of it to each: the trigger word (the lexicon) then says
which of the two it is, or, where none does, the n-gram typer (`combine.split_yield`). A
second head, trained on story leads alone, types a story's lead sentence: what a whole news
story reports is not what one sentence of it relates.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Final

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from service.events.encoder import BUILT_MODEL_SHA256, EncoderError, SentenceEncoder
from service.events.encoder import Sentence as Sentence

__all__ = [
    "NONE", "YIELD", "EncoderHeadFile", "EncoderTyper", "Sentence", "default_lead_head_path",
    "read_head", "shipped_encoder_typer",
]  # fmt: skip

NONE: Final = "NONE"
YIELD: Final = "YIELD"
_HEAD_FILE: Final = "encoder_head.json"
_LEAD_HEAD_FILE: Final = "encoder_lead_head.json"


class EncoderHeadFile(BaseModel):
    """The artefact `service.events.train_encoder` writes; a malformed file fails at load."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: int = Field(1, ge=1, le=1, description="Layout version of this file.")
    encoder_sha256: str = Field(description="sha256 of the encoder weights the head was fit on.")
    labels: list[str] = Field(min_length=2, description="Class names (NONE and YIELD included).")
    features: int = Field(ge=1, description="Input width: mean vector then anchor vector.")
    coef: list[list[float]] = Field(description="One row per label, `features` weights each.")
    intercept: list[float] = Field(description="Bias per label.")
    trained_on: dict[str, int | float | str] = Field(
        default_factory=dict, description="What the head was trained on (counts, seed, C)."
    )

    @model_validator(mode="after")
    def _shapes(self) -> EncoderHeadFile:
        k = len(self.labels)
        if len(self.coef) != k or len(self.intercept) != k:
            raise ValueError("coef and intercept need one entry per label")
        if any(len(row) != self.features for row in self.coef):
            raise ValueError(f"every coef row needs {self.features} weights")
        return self


def default_head_path() -> Path:
    """The head shipped inside the package."""
    return Path(str(resources.files("service.events") / "data" / _HEAD_FILE))


def default_lead_head_path() -> Path:
    """The story-lead head shipped inside the package."""
    return Path(str(resources.files("service.events") / "data" / _LEAD_HEAD_FILE))


def read_head(path: Path) -> EncoderHeadFile:
    """A head file, validated."""
    return EncoderHeadFile.model_validate(json.loads(path.read_text(encoding="utf-8")))


class _Head:
    """One head's weights as arrays."""

    def __init__(self, head: EncoderHeadFile, dim: int) -> None:
        if head.features != 2 * dim:
            raise ValueError(f"the head expects {head.features} inputs, the encoder gives "
                             f"{2 * dim}")  # fmt: skip
        self.labels = tuple(head.labels)
        self.coef = np.asarray(head.coef, dtype=np.float32).T
        self.intercept = np.asarray(head.intercept, dtype=np.float32)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """Softmax over every label, one row per feature row."""
        scores = features @ self.coef + self.intercept
        exp = np.exp(scores - scores.max(axis=1, keepdims=True))
        out: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
        return out


class EncoderTyper:
    """Probability of each PLOVER type for an anchored sentence; like the n-gram typer, NONE's
    share is left out of the dicts. With a `lead` head, the rows a caller marks as a story's
    lead are typed by it instead."""

    def __init__(
        self, encoder: SentenceEncoder, head: EncoderHeadFile, lead: EncoderHeadFile | None = None
    ) -> None:
        self.encoder = encoder
        self._head = _Head(head, encoder.dim)
        self._lead = _Head(lead, encoder.dim) if lead is not None else None
        self.labels = self._head.labels
        #: the sentence head scores PLV's YIELD, given half to CONCEDE and half to RETREAT
        self.merges_yield = YIELD in self._head.labels

    @classmethod
    def load(
        cls, head: Path | None = None, encoder: SentenceEncoder | None = None,
        lead: Path | None = None,
    ) -> EncoderTyper:  # fmt: skip
        """Read and validate the head files (the shipped ones by default) and load the encoder;
        with the built encoder, a head fit on other vectors is refused."""
        heads = read_head(head or default_head_path()), read_head(lead or default_lead_head_path())
        if encoder is None:
            for path, file in zip((head, lead), heads, strict=True):
                if file.encoder_sha256 != BUILT_MODEL_SHA256:
                    raise EncoderError(
                        f"the head {path or 'shipped'} was fit on encoder"
                        f" {file.encoder_sha256[:12]}, the built one is"
                        f" {BUILT_MODEL_SHA256[:12]}: run make train-events"
                    )
        return cls(encoder or SentenceEncoder(), *heads)

    def predict(
        self, sentences: Sequence[Sentence], lead: Collection[int] = ()
    ) -> list[dict[str, float]]:
        """Type -> probability per sentence, YIELD split evenly into CONCEDE and RETREAT; the
        rows in `lead` by the lead head when there is one."""
        return self.predict_others(sentences, lead)[0]

    def predict_others(
        self, sentences: Sequence[Sentence], lead: Collection[int] = ()
    ) -> tuple[list[dict[str, float]], list[list[dict[str, float]]]]:
        """`predict`, and each sentence's `others` words typed by the sentence head from the
        same encoder pass: the sentence's mean with that word's state as the anchor, so a
        second act in a sentence ("... and demanded their return") is read from its own word,
        not from the main act's."""
        if not sentences:
            return [], []
        means, anchors, others = self.encoder.encode_others(sentences)
        features = np.hstack([means, anchors])
        out = [_scores(self._head.labels, row) for row in self._head.probabilities(features)]
        rows = sorted(i for i in lead if 0 <= i < len(out)) if self._lead is not None else []
        if self._lead is not None and rows:
            for i, row in zip(rows, self._lead.probabilities(features[rows]), strict=True):
                out[i] = _scores(self._lead.labels, row)
        each: list[list[dict[str, float]]] = []
        for mean, words in zip(means, others, strict=True):
            if not len(words):
                each.append([])
                continue
            paired = np.hstack([np.broadcast_to(mean, words.shape), words])
            each.append([_scores(self._head.labels, r) for r in self._head.probabilities(paired)])
        return out, each


def _scores(labels: Sequence[str], row: np.ndarray) -> dict[str, float]:
    scores = {label: float(p) for label, p in zip(labels, row, strict=True) if label != NONE}
    half = scores.pop(YIELD, 0.0) / 2
    if half or "CONCEDE" not in scores:
        scores["CONCEDE"] = scores.get("CONCEDE", 0.0) + half
        scores["RETREAT"] = scores.get("RETREAT", 0.0) + half
    return scores


@lru_cache(maxsize=4)
def shipped_encoder_typer(head: Path | None = None, lead: Path | None = None) -> EncoderTyper:
    """The encoder and its heads (the packaged ones by default), loaded once per process."""
    return EncoderTyper.load(head, lead=lead)
