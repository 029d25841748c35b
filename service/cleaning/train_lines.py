"""Train the line model from pages in scraped-text form and the human-extracted bodies.

Usage: python -m service.cleaning.train_lines --data DIR [--out PATH]

Each training page's true body is also trained on wrapped in aggregator furniture from
`data/training_furniture.yaml` (a seeded house style per page), the injected lines labelled not
story, so the model meets furniture inside a body as well as around it.

DIR holds `articles_plaintext.jsonl` (`id`, `text`: every visible line of a page) and
`truth.jsonl` (`id`, `text`: the story body a person extracted). A line is labelled story when
the body holds its words in order; a line of fewer than four words only when the body holds it
and a longer story line stands within two lines (a short line such as "Economy" is found in
many bodies by chance). Lines are weighted by log length and each page weighs the same, as the
score (macro over pages) does. The keep threshold is chosen by cross-validation inside the
training pages (pages never split), so the pages an evaluation holds out play no part in it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from pydantic import Field

from service.cleaning.linefeatures import page_features
from service.cleaning.linemodel import FEATURE_NAMES, LineModelFile, default_model_path
from service.cleaning.textblocks import BlockClassifier, normalise_lines
from service.datafiles import DataFile, load_data_file

__all__ = [
    "FurnitureFile",
    "FurnitureStyle",
    "Page",
    "Params",
    "fit",
    "label_lines",
    "load_furniture",
    "load_pages",
    "macro_f1",
    "main",
    "wrapped_pages",
]

_TOKEN: Final = re.compile(r"\w+")
_FURNITURE_FILE: Final = "training_furniture.yaml"
_THRESHOLDS: Final = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


@dataclass(frozen=True, slots=True)
class Params:
    """Everything that shapes the model; the defaults are the shipped model's."""

    c: float = 0.3  # inverse L2 strength of the logistic regression
    inner_folds: int = 4  # for choosing the threshold inside the training pages
    max_iter: int = 3000
    without: tuple[str, ...] = ()  # feature-name prefixes zeroed (to measure what they add)
    augment_weight: float = 0.5  # weight of a wrapped page against a real one (0: none)
    seed: int = 11


@dataclass(frozen=True, slots=True)
class Page:
    """One labelled page: its lines, their features and labels, and the true body."""

    id: str
    lines: list[str]
    features: npt.NDArray[np.float64]
    labels: npt.NDArray[np.bool_]
    body: str

    def weights(self) -> npt.NDArray[np.float64]:
        """Per-line weights: log length, rescaled so every page weighs the same."""
        w = np.log1p([len(_TOKEN.findall(line)) for line in self.lines]) + 0.5
        return w / w.sum() * 100.0 if len(w) else w


class FurnitureStyle(DataFile):
    """One house style of aggregator furniture."""

    name: str = Field(min_length=1)
    header: list[str] = Field(min_length=1)
    inline: list[str] = Field(min_length=1)
    footer: list[str] = Field(min_length=1)


class FurnitureFile(DataFile):
    """The training furniture file: house styles the model learns to cut."""

    styles: list[FurnitureStyle] = Field(min_length=1)


def load_furniture(path: Path | None = None) -> FurnitureFile:
    """The shipped training furniture (validated)."""
    default = Path(str(resources.files("service.cleaning") / "data" / _FURNITURE_FILE))
    return load_data_file(FurnitureFile, path or default)


def wrapped_pages(
    pages: Sequence[Page], furniture: FurnitureFile, seed: int, classify: BlockClassifier
) -> list[Page]:
    """Each page again with a seeded house style's furniture injected, labelled not story.

    Header lines go before the page's first story line, inline ones between story lines,
    footer lines after the last; the page's own lines and labels stay as they were.
    """
    rng = random.Random(seed)
    out = []
    for page in pages:
        story = np.flatnonzero(page.labels)
        if len(story) < 2:
            continue
        style = rng.choice(furniture.styles)
        rate = rng.uniform(0.2, 0.5)
        first, last = int(story[0]), int(story[-1])
        lines: list[str] = []
        labels: list[bool] = []
        for i, (line, label) in enumerate(zip(page.lines, page.labels.tolist(), strict=True)):
            if i == first:
                for item in rng.sample(style.header, rng.randint(1, len(style.header))):
                    lines.append(item)
                    labels.append(False)
            lines.append(line)
            labels.append(label)
            if first <= i < last and label and rng.random() < rate:
                lines.append(rng.choice(style.inline))
                labels.append(False)
            if i == last:
                for item in rng.sample(style.footer, rng.randint(1, len(style.footer))):
                    lines.append(item)
                    labels.append(False)
        blocks = classify(lines)
        out.append(
            Page(
                f"{page.id}~{style.name}",
                lines,
                page_features(blocks, classify),
                np.array(labels, dtype=bool),
                page.body,
            )
        )
    return out


def _joined(text: str) -> str:
    return " " + " ".join(_TOKEN.findall(text)) + " "


def label_lines(lines: Sequence[str], body: str) -> npt.NDArray[np.bool_]:
    """Story (True) or not for each line, judged against the human-extracted body."""
    held = _joined(body)
    counts = np.array([len(_TOKEN.findall(line)) for line in lines])
    contained = np.array(
        [c > 0 and _joined(line) in held for line, c in zip(lines, counts, strict=True)]
    )
    if not len(lines):
        return contained.astype(bool)
    long = contained & (counts >= 4)
    held_before = np.concatenate([[0], np.cumsum(long)])
    at = np.arange(len(lines))
    near = held_before[np.minimum(at + 3, len(lines))] > held_before[np.maximum(at - 2, 0)]
    labels: npt.NDArray[np.bool_] = contained & (long | near)
    return labels


def load_pages(data: Path, classify: BlockClassifier | None = None) -> list[Page]:
    """The labelled pages of DIR, in file order."""
    classify = classify or BlockClassifier()
    truth = {row["id"]: row["text"] for row in _jsonl(data / "truth.jsonl")}
    pages = []
    for row in _jsonl(data / "articles_plaintext.jsonl"):
        if row["id"] not in truth:
            continue
        lines = normalise_lines(row["text"])
        blocks = classify(lines)
        body = truth[row["id"]]
        pages.append(
            Page(row["id"], lines, page_features(blocks, classify), label_lines(lines, body), body)
        )
    return pages


def _jsonl(path: Path) -> Iterable[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    if len(tokens) < 4:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(zip(tokens, tokens[1:], tokens[2:], tokens[3:], strict=False))


def macro_f1(pairs: Iterable[tuple[str, str]]) -> float:
    """F1 of the page-averaged precision and recall of 4-word shingles (predicted, true)."""
    precisions, recalls = [], []
    for predicted, true in pairs:
        p, t = _shingles(predicted), _shingles(true)
        tp = sum((p & t).values())
        fp, fn = sum(p.values()) - tp, sum(t.values()) - tp
        if tp + fp:
            precisions.append(1.0 if not fp and not fn else tp / (tp + fp))
        if tp + fn:
            recalls.append(1.0 if not fp and not fn else tp / (tp + fn))
    mp = sum(precisions) / len(precisions) if precisions else 0.0
    mr = sum(recalls) / len(recalls) if recalls else 0.0
    return 2 * mp * mr / (mp + mr) if mp + mr else 0.0


def _fit_weights(pages: Sequence[Page], params: Params) -> tuple[Any, Any]:
    from sklearn.linear_model import LogisticRegression  # training only
    from sklearn.preprocessing import StandardScaler

    extra = (
        wrapped_pages(pages, load_furniture(), params.seed, BlockClassifier())
        if params.augment_weight > 0
        else []
    )
    x = _ablate(np.vstack([p.features for p in [*pages, *extra]]), params)
    y = np.concatenate([p.labels for p in [*pages, *extra]])
    w = np.concatenate(
        [p.weights() for p in pages] + [p.weights() * params.augment_weight for p in extra]
    )
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=params.c, max_iter=params.max_iter)
    model.fit(scaler.transform(x), y, sample_weight=w)
    return scaler, model


def _ablate(x: npt.NDArray[np.float64], params: Params) -> npt.NDArray[np.float64]:
    """`x` with the columns named in params.without set to 0 (a copy when any are)."""
    cols = [i for i, name in enumerate(FEATURE_NAMES) if name.startswith(params.without or ("\0",))]
    if not cols:
        return x
    x = x.copy()
    x[:, cols] = 0.0
    return x


def _predict(fitted: tuple[Any, Any], page: Page, params: Params) -> npt.NDArray[np.float64]:
    scaler, model = fitted
    x = scaler.transform(_ablate(page.features, params))
    out: npt.NDArray[np.float64] = model.predict_proba(x)[:, 1]
    return out


def _choose_threshold(pages: Sequence[Page], params: Params) -> float:
    """The threshold with the best macro F1 on inner held-out folds of the training pages."""
    if len(pages) < 2 * params.inner_folds:
        return 0.5
    probs: dict[str, npt.NDArray[np.float64]] = {}
    for k in range(params.inner_folds):
        train = [p for i, p in enumerate(pages) if i % params.inner_folds != k]
        fitted = _fit_weights(train, params)
        for i, page in enumerate(pages):
            if i % params.inner_folds == k:
                probs[page.id] = _predict(fitted, page, params)

    def kept(page: Page, threshold: float) -> str:
        return "\n".join(
            line for line, p in zip(page.lines, probs[page.id], strict=True) if p >= threshold
        )

    def score(threshold: float) -> float:
        return macro_f1((kept(page, threshold), page.body) for page in pages)

    return max(_THRESHOLDS, key=score)


def fit(pages: Sequence[Page], params: Params = Params()) -> LineModelFile:
    """Train on `pages` and return the model file."""
    threshold = _choose_threshold(pages, params)
    scaler, model = _fit_weights(pages, params)
    # A column without variance (or zeroed) gets weight 0; its scale is 1, not 0.
    scale = [float(s) if s > 0 else 1.0 for s in scaler.scale_]
    coef = [0.0 if s <= 0 else float(c) for s, c in zip(scaler.scale_, model.coef_[0], strict=True)]
    return LineModelFile(
        format=1,
        features=list(FEATURE_NAMES),
        mean=[round(float(m), 8) for m in scaler.mean_],
        scale=[round(s, 8) for s in scale],
        coef=[round(c, 8) for c in coef],
        intercept=round(float(model.intercept_[0]), 8),
        threshold=threshold,
        trained_on={
            "pages": len(pages),
            "lines": sum(len(p.lines) for p in pages),
            "story_lines": int(sum(p.labels.sum() for p in pages)),
            "c": params.c,
            "augment_weight": params.augment_weight,
            "seed": params.seed,
            **({"without": ",".join(params.without)} if params.without else {}),
        },
    )


def write_model(model: LineModelFile, path: Path) -> None:
    """The model as indented JSON (diffs stay readable)."""
    path.write_text(json.dumps(model.model_dump(mode="json"), indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Train on DIR's pages and write the model file."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="folder with the two JSONL files")
    ap.add_argument("--out", type=Path, default=default_model_path(), help="model file to write")
    args = ap.parse_args(argv)
    pages = load_pages(args.data)
    if not pages:
        print(f"no labelled pages in {args.data}", file=sys.stderr)  # noqa: T201 - a CLI
        return 2
    model = fit(pages)
    write_model(model, args.out)
    print(f"wrote {args.out}: {model.trained_on}, threshold {model.threshold}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
