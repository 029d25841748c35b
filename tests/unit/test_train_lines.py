"""Tests for the line model's training: labels from a true body, a valid model file out."""

from __future__ import annotations

import json
from pathlib import Path

from service.cleaning.linemodel import LineModel
from service.cleaning.textblocks import BlockClassifier
from service.cleaning.train_lines import (
    Params,
    fit,
    label_lines,
    load_furniture,
    load_pages,
    macro_f1,
    main,
    wrapped_pages,
)

BODY = (
    "The central bank of Norland raised its main rate by half a point on Thursday, its third "
    "increase this year.\n"
    "Economy\n"
    "Two of the nine board members preferred a smaller step, the minutes showed, and the "
    "governor said more rises could follow."
)
PAGES = [
    (
        f"p{i}",
        "Norland Times\nHome\nEconomy\nSign in\n"
        + BODY.replace("Norland", name)
        + "\nMost read\nTerms of use\nShare this article",
        BODY.replace("Norland", name),
    )
    for i, name in enumerate(["Norland", "Ostland", "Valmora", "Brenna", "Sarnen", "Kessab"])
]


def _write(tmp_path: Path) -> Path:
    with (tmp_path / "articles_plaintext.jsonl").open("w") as pages:
        for page_id, text, _ in PAGES:
            pages.write(json.dumps({"id": page_id, "text": text}) + "\n")
    with (tmp_path / "truth.jsonl").open("w") as truth:
        for page_id, _, body in PAGES:
            truth.write(json.dumps({"id": page_id, "text": body}) + "\n")
    return tmp_path


class TestLabels:
    def test_story_lines_and_short_lines_near_them(self) -> None:
        """Long lines in the body are story; a short one only next to a story line."""
        lines = ["Economy", "Home", "Sign in", "Menu", *BODY.split("\n"), "Most read"]
        labels = label_lines(lines, BODY).tolist()
        assert labels == [False, False, False, False, True, True, True, False]

    def test_words_not_punctuation(self) -> None:
        """Containment is judged on words, so quotes and spacing do not matter."""
        assert label_lines(["“Rates rose,” she said."], "Rates rose, she said.").tolist() == [True]


class TestMacroF1:
    def test_perfect_and_empty(self) -> None:
        """The same text scores 1; an empty prediction scores 0."""
        assert macro_f1([(BODY, BODY)]) == 1.0
        assert macro_f1([("", BODY)]) == 0.0


class TestFit:
    def test_fit_writes_a_loadable_model(self, tmp_path: Path) -> None:
        """Training on a folder of pages writes weights the cleaner can load."""
        out = tmp_path / "model.json"
        assert main(["--data", str(_write(tmp_path)), "--out", str(out)]) == 0
        model = LineModel.load(out)
        assert 0 < model.threshold < 1

    def test_ablated_columns_get_no_weight(self, tmp_path: Path) -> None:
        """Columns zeroed for an ablation carry weight 0 in the file."""
        pages = load_pages(_write(tmp_path))
        model = fit(pages, Params(without=("rule_",), inner_folds=2))
        weights = dict(zip(model.features, model.coef, strict=True))
        assert all(w == 0.0 for name, w in weights.items() if name.startswith("rule_"))

    def test_wrapped_pages_label_the_furniture(self, tmp_path: Path) -> None:
        """Injected furniture lines are labelled not story; the page's own labels stay."""
        pages = load_pages(_write(tmp_path))
        furniture = load_furniture()
        injected = {
            line
            for style in furniture.styles
            for line in [*style.header, *style.inline, *style.footer]
        }
        wrapped = wrapped_pages(pages, furniture, 5, BlockClassifier())
        assert len(wrapped) == len(pages)
        for page, original in zip(wrapped, pages, strict=True):
            pairs = list(zip(page.lines, page.labels.tolist(), strict=True))
            assert any(line in injected for line, _ in pairs)
            assert not any(label for line, label in pairs if line in injected)
            own = [(line, label) for line, label in pairs if line not in injected]
            assert own == list(zip(original.lines, original.labels.tolist(), strict=True))
