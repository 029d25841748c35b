"""Tests for the line model: its data file is validated, and it keeps stories, drops furniture."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from service.cleaning.linefeatures import CONTEXT_NAMES, LINE_NAMES, densest_run, page_features
from service.cleaning.linemodel import FEATURE_NAMES, LineModel, LineModelFile, shipped_model
from service.cleaning.textblocks import BlockClassifier, normalise_lines
from service.datafiles import DataFileError

PAGE = "\n".join(
    [
        "World News Today",
        "Home",
        "Politics",
        "Business",
        "Sign in",
        "Rescue teams reached the flooded villages of the Varen valley on Sunday after two days "
        "of heavy rain, the interior ministry said, and began moving families to schools on "
        "higher ground.",
        "The river rose almost three metres overnight, cutting the only road into the valley "
        "and leaving about two thousand people without power or drinking water.",
        '"We have never seen the water come up this fast," said Anna Holm, the mayor of Oster '
        "Mill, who spent the night helping neighbours onto boats.",
        "Forecasters expect more rain on Tuesday, and the army has sent two helicopters to the "
        "regional airport in case the roads stay closed.",
        "Share this article",
        "Most read",
        "Terms of use",
    ]
)


def _file(**changes: object) -> dict[str, object]:
    n = len(FEATURE_NAMES)
    data: dict[str, object] = {
        "format": 1,
        "features": list(FEATURE_NAMES),
        "mean": [0.0] * n,
        "scale": [1.0] * n,
        "coef": [0.0] * n,
        "intercept": 0.0,
        "threshold": 0.5,
    }
    data.update(changes)
    return data


class TestModelFile:
    def test_shipped_file_loads(self) -> None:
        """The packaged weights validate and name every feature the code computes."""
        assert 0 < shipped_model().threshold < 1

    @pytest.mark.parametrize(
        ("changes", "fault"),
        [
            ({"features": list(FEATURE_NAMES)[:-1]}, "features differ"),
            ({"coef": [0.0]}, "one value per feature"),
            ({"scale": [0.0] * len(FEATURE_NAMES)}, "must not be 0"),
            ({"threshold": 1.5}, "threshold"),
            ({"pickle": "x"}, "pickle"),
        ],
    )
    def test_malformed_file_refused(
        self, tmp_path: Path, changes: dict[str, object], fault: str
    ) -> None:
        """A file that does not match the features or its own shapes stops the load, named."""
        path = tmp_path / "line_model.json"
        path.write_text(json.dumps(_file(**changes)), "utf-8")
        with pytest.raises(DataFileError, match=fault):
            LineModel.load(path)


class TestShippedModel:
    def test_keeps_the_story_drops_the_furniture(self) -> None:
        """On a scraped page the paragraphs stay and the menus and footer go."""
        model = shipped_model()
        lines = normalise_lines(PAGE)
        keep = model.keep(model.classify(lines))
        kept = [line for line, k in zip(lines, keep, strict=True) if k]
        assert kept == lines[5:9]

    def test_no_lines_no_probabilities(self) -> None:
        """An empty page gives an empty answer."""
        assert shipped_model().probabilities([]).shape == (0,)

    def test_bias_folds_the_scaling(self) -> None:
        """Scores equal the logistic model on standardised features, as trained."""
        rng = np.random.default_rng(3)
        n = len(FEATURE_NAMES)
        mean, scale, coef = rng.normal(size=n), rng.uniform(0.5, 2, size=n), rng.normal(size=n)
        file = LineModelFile.model_validate(
            _file(mean=mean.tolist(), scale=scale.tolist(), coef=coef.tolist(), intercept=0.3)
        )
        model = LineModel(file)
        blocks = model.classify(normalise_lines(PAGE))
        x = page_features(blocks, model.classify)
        expected = 1 / (1 + np.exp(-(((x - mean) / scale) @ coef + 0.3)))
        assert np.allclose(model.probabilities(blocks), expected)


class TestFeatures:
    def test_one_column_per_name(self) -> None:
        """The feature matrix has one row per line and one column per feature name."""
        classify = BlockClassifier()
        blocks = classify(normalise_lines(PAGE))
        assert page_features(blocks, classify).shape == (
            len(blocks),
            len(LINE_NAMES) + len(CONTEXT_NAMES),
        )

    @pytest.mark.parametrize(
        "text",
        [
            "x",
            "。",
            "東京で会議が開かれた。\n参加者は十人だった。",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 line\n\U0001f600",
            "..\n,\n|",
        ],
    )
    def test_odd_lines_give_finite_features(self, text: str) -> None:
        """One-character, CJK, astral and punctuation-only lines give finite numbers."""
        classify = BlockClassifier()
        x = page_features(classify(normalise_lines(text)), classify)
        assert np.isfinite(x).all()

    @pytest.mark.parametrize(
        ("weights", "span"),
        [([-1.0, 3.0, -1.0, 2.0, -9.0], (1, 3)), ([-1.0, -2.0], (0, -1)), ([5.0], (0, 0))],
    )
    def test_densest_run(self, weights: list[float], span: tuple[int, int]) -> None:
        """The max-sum span, or an empty one when nothing sums above zero."""
        assert densest_run(np.array(weights)) == span
