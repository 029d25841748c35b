"""The encoder typer: a linear head over the pretrained encoder's sentence and anchor vectors.

The head is plain numbers in a validated JSON file (no pickle), trained by
`service.events.train_encoder` on real news sentences and news-style story leads; the encoder
itself stays frozen. PLV-style training data merges CONCEDE and RETREAT into YIELD, so the head
scores YIELD and `predict` gives half of it to each: the trigger word (the lexicon) then says
which of the two it is.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Final

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from service.events.encoder import Sentence as Sentence
from service.events.encoder import SentenceEncoder

__all__ = ["NONE", "YIELD", "EncoderHeadFile", "EncoderTyper", "Sentence", "shipped_encoder_typer"]

NONE: Final = "NONE"
YIELD: Final = "YIELD"
_HEAD_FILE: Final = "encoder_head.json"


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


class EncoderTyper:
    """Probability of each PLOVER type for an anchored sentence; like the n-gram typer, NONE's
    share is left out of the dicts."""

    def __init__(self, encoder: SentenceEncoder, head: EncoderHeadFile) -> None:
        if head.features != 2 * encoder.dim:
            raise ValueError(f"the head expects {head.features} inputs, the encoder gives "
                             f"{2 * encoder.dim}")  # fmt: skip
        self.encoder = encoder
        self.labels = tuple(head.labels)
        self._coef = np.asarray(head.coef, dtype=np.float32).T
        self._intercept = np.asarray(head.intercept, dtype=np.float32)

    @classmethod
    def load(cls, head: Path | None = None, encoder: SentenceEncoder | None = None) -> EncoderTyper:
        """Read and validate a head file (the shipped one by default) and load the encoder."""
        source = head or default_head_path()
        model = EncoderHeadFile.model_validate(json.loads(source.read_text(encoding="utf-8")))
        return cls(encoder or SentenceEncoder(), model)

    def features(self, sentences: Sequence[Sentence]) -> np.ndarray:
        """The head's input rows: mean vector then anchor vector."""
        means, anchors = self.encoder.encode(sentences)
        return np.hstack([means, anchors])

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """Softmax over every label, one row per feature row."""
        scores = features @ self._coef + self._intercept
        exp = np.exp(scores - scores.max(axis=1, keepdims=True))
        out: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
        return out

    def predict(self, sentences: Sequence[Sentence]) -> list[dict[str, float]]:
        """Type -> probability per sentence, YIELD split evenly into CONCEDE and RETREAT."""
        if not sentences:
            return []
        rows = self.probabilities(self.features(sentences)).tolist()
        out: list[dict[str, float]] = []
        for row in rows:
            scores = {label: p for label, p in zip(self.labels, row, strict=True) if label != NONE}
            half = scores.pop(YIELD, 0.0) / 2
            scores["CONCEDE"] = scores.get("CONCEDE", 0.0) + half
            scores["RETREAT"] = scores.get("RETREAT", 0.0) + half
            out.append(scores)
        return out


@lru_cache(maxsize=4)
def shipped_encoder_typer(head: Path | None = None) -> EncoderTyper:
    """The encoder and a head (the packaged one by default), loaded once per process."""
    return EncoderTyper.load(head)
