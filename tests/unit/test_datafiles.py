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
