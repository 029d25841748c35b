"""Data files: a file that does not match its model stops the process with the file and fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.datafiles import DataFile, DataFileError, LowerWord, Name, load_data_file


class _Words(DataFile):
    names: list[Name]
    words: list[LowerWord]


class TestLoadDataFile:
    def test_valid_file_loads(self, tmp_path: Path) -> None:
        """A file that matches its model comes back as the model."""
        path = tmp_path / "ok.json"
        path.write_text('{"names": ["North Korea"], "words": ["gen.", "ex-president"]}')
        assert load_data_file(_Words, path).words == ["gen.", "ex-president"]

    @pytest.mark.parametrize(
        ("content", "fault"),
        [
            ('{"names": ["ok"], "words": ["Square"]}', "lower case"),
            ('{"names": [" padded"], "words": []}', "names.0"),
            ('{"names": [""], "words": []}', "names.0"),
            ('{"names": [1], "words": []}', "names.0"),
            ('{"names": [], "words": [], "extra": 1}', "extra"),
            ('{"names": []}', "words"),
            ("not json", "invalid data file"),
        ],
    )
    def test_bad_file_names_file_and_fault(self, tmp_path: Path, content: str, fault: str) -> None:
        """Each kind of mistake is refused with the path and the offending field."""
        path = tmp_path / "bad.json"
        path.write_text(content)
        with pytest.raises(DataFileError, match=fault) as caught:
            load_data_file(_Words, path)
        assert str(path) in str(caught.value)

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file is a clear error, not a traceback from deep inside."""
        with pytest.raises(DataFileError, match="cannot read data file"):
            load_data_file(_Words, tmp_path / "absent.json")


class TestYamlDataFile:
    """A .yaml data file is held to the same strict rules as a JSON one."""

    def test_yaml_file_loads(self, tmp_path: Path) -> None:
        """Comments and block lists read as the JSON they stand for."""
        path = tmp_path / "ok.yaml"
        path.write_text("# who\nnames: [North Korea]\nwords:\n  - gen.\n  - ex-president\n")
        assert load_data_file(_Words, path).words == ["gen.", "ex-president"]

    @pytest.mark.parametrize(
        ("content", "fault"),
        [
            ("names: []\nwords: [on]\n", "words.0"),  # YAML 1.1 reads a plain `on` as true
            ("names: [2024-10-08]\nwords: []\n", "not plain YAML data"),  # a date, not JSON
            ("names: [\n", "not plain YAML data"),
        ],
    )
    def test_bad_yaml_names_file_and_fault(self, tmp_path: Path, content: str, fault: str) -> None:
        """A boolean where a word belongs, a YAML-only value or broken YAML is refused."""
        path = tmp_path / "bad.yaml"
        path.write_text(content)
        with pytest.raises(DataFileError, match=fault) as caught:
            load_data_file(_Words, path)
        assert str(path) in str(caught.value)
