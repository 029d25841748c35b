"""The gazetteer data file: the shipped one is valid, a wrong one fails at load time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from service.datafiles import DataFileError
from service.entities import gazetteer
from service.entities.gazetteer import DATA_FILE, load_gazetteer


def _write(tmp_path: Path, change: Any) -> Path:
    data = orjson.loads(DATA_FILE.read_bytes())
    change(data)
    path = tmp_path / "gazetteer.json"
    path.write_bytes(orjson.dumps(data))
    return path


class TestShippedGazetteer:
    def test_loads_and_fills_the_tables(self) -> None:
        """The packaged file validates, and the module's tables are read from it."""
        data = load_gazetteer()
        assert data.country_names["KP"] == "North Korea"
        assert gazetteer.COUNTRY_ALIASES["DPRK"] == "KP"
        assert gazetteer.ORGANISATIONS["Wagner Group"] == ("RU", ())
        assert gazetteer.DEMONYMS["US"][0] == "American"
        assert "square" in gazetteer.FAC_WORDS


class TestBadGazetteer:
    @pytest.mark.parametrize(
        ("change", "fault"),
        [
            (lambda d: d["country_aliases"].update({"Narnia": "narnia"}), "country_aliases"),
            (lambda d: d["fac_words"].append("Square"), "lower case"),
            (lambda d: d["demonyms"].update({"XX": []}), "demonyms without a name"),
            (lambda d: d["organisations"]["NATO"].pop("aliases"), "aliases"),
            (lambda d: d.pop("regions"), "regions"),
        ],
    )
    def test_fails_naming_the_fault(self, tmp_path: Path, change: Any, fault: str) -> None:
        """A wrong entry stops loading with the file and the field, before any article."""
        path = _write(tmp_path, change)
        with pytest.raises(DataFileError, match=fault):
            load_gazetteer(path)
