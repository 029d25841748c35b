"""The learned line model: keep or drop each line of scraped text, shipped as JSON weights.

A logistic regression over `linefeatures.page_features`, trained by `service.cleaning.train_lines`
on human-labelled pages. The weights, the feature scaling and the threshold are plain numbers in
a validated data file (no pickle), read once per process.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from service.cleaning.linefeatures import CONTEXT_NAMES, LINE_NAMES, page_features
from service.cleaning.textblocks import Block, BlockClassifier
from service.datafiles import DataFile, load_data_file

__all__ = ["FEATURE_NAMES", "LineModel", "LineModelFile", "default_model_path", "shipped_model"]

#: The columns the model reads, in order; a file trained on other columns is refused.
FEATURE_NAMES: Final = (*LINE_NAMES, *CONTEXT_NAMES)
_MODEL_FILE: Final = "line_model.json"


class LineModelFile(DataFile):
    """The artefact `service.cleaning.train_lines` writes; a malformed file fails at load time."""

    format: Literal[1] = Field(description="Layout version of this file.")
    features: list[str] = Field(description="Column names, as linefeatures names them.")
    mean: list[float] = Field(description="Per-column mean subtracted before the weights.")
    scale: list[float] = Field(description="Per-column divisor after the mean (never 0).")
    coef: list[float] = Field(description="One weight per column.")
    intercept: float = Field(description="Bias of the logistic model.")
    threshold: float = Field(gt=0, lt=1, description="Lines scoring at least this are kept.")
    trained_on: dict[str, int | float | str] = Field(
        default_factory=dict, description="What the model was trained on (pages, lines, seed)."
    )

    @model_validator(mode="after")
    def _shapes(self) -> LineModelFile:
        if tuple(self.features) != FEATURE_NAMES:
            raise ValueError("features differ from what linefeatures computes; retrain the model")
        n = len(self.features)
        if len(self.mean) != n or len(self.scale) != n or len(self.coef) != n:
            raise ValueError("mean, scale and coef need one value per feature")
        if any(s == 0 for s in self.scale):
            raise ValueError("scale values must not be 0")
        return self


def default_model_path() -> Path:
    """The model shipped inside the package."""
    return Path(str(resources.files("service.cleaning") / "data" / _MODEL_FILE))


class LineModel:
    """Probability that each line belongs to the story, from the line and its page."""

    def __init__(self, model: LineModelFile, classify: BlockClassifier | None = None) -> None:
        self.threshold = model.threshold
        self.classify = classify or BlockClassifier()
        scale = np.asarray(model.scale, dtype=np.float64)
        # (x - mean) / scale @ coef + b, folded into one weight vector and one bias.
        self._weights = np.asarray(model.coef, dtype=np.float64) / scale
        self._bias = model.intercept - float(np.asarray(model.mean) @ self._weights)

    @classmethod
    def load(cls, path: Path | None = None) -> LineModel:
        """Read and validate a model file (the shipped one by default)."""
        return cls(load_data_file(LineModelFile, path or default_model_path()))

    def probabilities(self, blocks: Sequence[Block]) -> npt.NDArray[np.float64]:
        """One story probability per block."""
        if not blocks:
            return np.zeros(0)
        scores = page_features(blocks, self.classify) @ self._weights + self._bias
        out: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(scores, -40.0, 40.0)))
        return out

    def keep(self, blocks: Sequence[Block]) -> list[bool]:
        """Whether each block is kept (its probability reaches the threshold)."""
        return (self.probabilities(blocks) >= self.threshold).tolist()  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def shipped_model() -> LineModel:
    """The packaged model, loaded once per process."""
    return LineModel.load()
