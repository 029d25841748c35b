"""The learned sentence typer: TF-IDF n-grams and a linear model, shipped as JSON weights.

The weights are plain numbers in a validated JSON file (no pickle), read once per worker; the
features are computed here exactly as the training script computed them (`features`), so what
was measured is what runs.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Final

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "NONE",
    "SentenceTyper",
    "TypeModelFile",
    "default_model_path",
    "features",
    "shipped_typer",
]

#: The label of sentences that report no event (kept out of `predict`'s dicts).
NONE: Final = "NONE"
_TOKEN_RE: Final = re.compile(r"[A-Za-z]+(?:['\u2019-][A-Za-z]+)*|\d+")
_MODEL_FILE: Final = "type_model.json"


def features(text: str, ngram: int = 2) -> list[str]:
    """Lower-cased word n-grams (1..ngram), digits folded to one symbol and capitalised words
    after the first (names: countries, people, months) folded to another, so the model learns
    how events are worded, not who took part in the stories it was trained on."""
    tokens = [
        "0" if t[0].isdigit() else ("N" if i and t[0].isupper() else t.lower())
        for i, t in enumerate(_TOKEN_RE.findall(text))
    ]
    out = list(tokens)
    for n in range(2, ngram + 1):
        out += map(" ".join, zip(*(tokens[k:] for k in range(n)), strict=False))  # n-grams
    return out


class TypeModelFile(BaseModel):
    """The artefact `service.events.train` writes; a malformed file fails at load time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: int = Field(1, ge=1, le=1, description="Layout version of this file.")
    labels: list[str] = Field(min_length=2, description="Class names, NONE included.")
    ngram: int = Field(ge=1, le=3, description="Longest word n-gram.")
    vocabulary: list[str] = Field(min_length=1, description="Feature names by column.")
    idf: list[float] = Field(description="Inverse document frequency by column.")
    coef: list[list[float]] = Field(description="One weight row per feature, one per label.")
    intercept: list[float] = Field(description="Bias per label.")
    trained_on: dict[str, int | float | str] = Field(
        default_factory=dict, description="What the model was trained on (counts, seed)."
    )

    @model_validator(mode="after")
    def _shapes(self) -> TypeModelFile:
        n, k = len(self.vocabulary), len(self.labels)
        if len(self.idf) != n or len(self.coef) != n:
            raise ValueError("idf and coef need one entry per vocabulary item")
        if any(len(row) != k for row in self.coef) or len(self.intercept) != k:
            raise ValueError("coef rows and intercept need one value per label")
        return self


def default_model_path() -> Path:
    """The model shipped inside the package."""
    return Path(str(resources.files("service.events") / "data" / _MODEL_FILE))


class SentenceTyper:
    """Probability of each PLOVER type for a sentence; NONE's share is left out of the dicts,
    so the values sum to the chance that the sentence reports an event at all."""

    def __init__(self, model: TypeModelFile) -> None:
        self.labels = tuple(model.labels)
        self.ngram = model.ngram
        self._index = {name: i for i, name in enumerate(model.vocabulary)}
        self._idf = np.asarray(model.idf, dtype=np.float64)
        self._coef = np.asarray(model.coef, dtype=np.float64)
        self._intercept = np.asarray(model.intercept, dtype=np.float64)
        self._keep = [i for i, name in enumerate(self.labels) if name != NONE]

    @classmethod
    def load(cls, path: Path | None = None) -> SentenceTyper:
        """Read and validate a model file (the shipped one by default)."""
        source = path or default_model_path()
        return cls(TypeModelFile.model_validate(json.loads(source.read_text(encoding="utf-8"))))

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Softmax over every label, one row per text, NONE included."""
        out = np.empty((len(texts), len(self.labels)))
        column = self._index.get
        for row, text in enumerate(texts):
            counts = Counter(map(column, features(text, self.ngram)))
            counts.pop(None, None)  # words outside the vocabulary
            scores = self._intercept
            if counts:
                cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
                tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64))
                x = tf * self._idf[cols]
                x /= math.sqrt(x.dot(x))  # np.linalg.norm's own sum, without its checks
                scores = scores + x @ self._coef[cols]
            exp = np.exp(scores - np.maximum.reduce(scores))
            out[row] = exp / np.add.reduce(exp)
        return out

    def predict(self, texts: list[str]) -> list[dict[str, float]]:
        """Type -> probability for each text (the hook EventExtractor's `model` expects)."""
        names = [self.labels[i] for i in self._keep]
        return [dict(zip(names, [row[i] for i in self._keep], strict=True))
                for row in self.probabilities(texts).tolist()]  # fmt: skip


@lru_cache(maxsize=1)
def shipped_typer() -> SentenceTyper:
    """The packaged model, loaded once per process."""
    return SentenceTyper.load()
