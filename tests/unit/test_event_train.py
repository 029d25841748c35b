"""The training script end to end on a tiny invented story set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.events.derived import DerivedLexicon
from service.events.train import main
from service.events.typer import SentenceTyper

pytest.importorskip("sklearn")

_PLACES = ("Arland", "Borovia", "Celesta", "Dunmark", "Estoria", "Fenwick", "Galvia", "Hollis")
#: invented stories: a lead that reports the type, a detail sentence, and a background one
_TEMPLATES = {
    "ASSAULT": (
        "Troops from {a} shelled border villages in {b} on Tuesday, killing twelve civilians.",
        "Witnesses said artillery shells struck homes and a market.",
        "The region has a long history of trade in wool and grain.",
    ),
    "PROTEST": (
        "Thousands of workers in {a} marched through the capital to protest a new fuel tax.",
        "The protesters chanted slogans and waved banners outside parliament.",
        "The capital is known for its old cathedral and its river port.",
    ),
    "AGREE": (
        "{a} and {b} signed an agreement on Friday to reopen their shared border.",
        "Under the deal both sides pledged to cut tariffs on farm goods.",
        "The two countries share a coastline along the northern sea.",
    ),
    "REQUEST": (
        "{a} urged {b} on Monday to release three detained fishermen.",
        "The foreign ministry appealed for a swift answer and asked for consular access.",
        "Fishing is the main source of income in the coastal towns.",
    ),
}


def _write_stories(folder: Path) -> None:
    rows = []
    for label, (lead, detail, background) in _TEMPLATES.items():
        for i in range(8):
            a, b = _PLACES[i], _PLACES[(i + 3) % len(_PLACES)]
            text = "\n\n".join((lead.format(a=a, b=b), detail, background))
            rows.append({"id": f"{label}-{i}", "text": text, "label": label})
    folder.mkdir()
    (folder / "synthetic_stories.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))


class TestTrainingScript:
    """service.events.train from a data folder to loadable artefacts."""

    def test_trains_loadable_artefacts(self, tmp_path: Path) -> None:
        """The script writes a model and a lexicon that load and type new sentences."""
        _write_stories(tmp_path / "data")
        out = tmp_path / "out"
        assert main(["--data", str(tmp_path / "data"), "--out", str(out)]) == 0
        typer = SentenceTyper.load(out / "type_model.json")
        DerivedLexicon.load(out / "derived_lexicon.json")
        assert set(typer.labels) == {*_TEMPLATES, "NONE"}
        rows = typer.predict(["Crowds marched through the capital to protest the tax.",
                              "Artillery shelled the villages, killing civilians."])  # fmt: skip
        assert max(rows[0], key=rows[0].__getitem__) == "PROTEST"
        assert max(rows[1], key=rows[1].__getitem__) == "ASSAULT"

    def test_same_data_same_files(self, tmp_path: Path) -> None:
        """Two runs on the same data write identical files (fixed seeds)."""
        _write_stories(tmp_path / "data")
        outputs = []
        for run in ("one", "two"):
            main(["--data", str(tmp_path / "data"), "--out", str(tmp_path / run)])
            outputs.append((tmp_path / run / "type_model.json").read_bytes())
        assert outputs[0] == outputs[1]
