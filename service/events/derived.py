"""The trigger words the training script derived (story association, WordNet synonyms).

Written by `service.events.train`, never by hand: each word carries the type it signals, where
it came from and how strongly the stories tie it to that type, so a reader can audit it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DerivedLexicon", "DerivedWord", "default_lexicon_path", "shipped_lexicon"]

_LEXICON_FILE: Final = "derived_lexicon.json"


class DerivedWord(BaseModel):
    """One derived trigger."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str = Field(min_length=3, description="PLOVER type the word signals.")
    source: Literal["stories", "wordnet"] = Field(description="How the word was found.")
    score: float = Field(description="Association z-score with the type in the stories.")
    stories: int = Field(ge=0, description="Training stories of that type that use the word.")


class DerivedLexicon(BaseModel):
    """Verb lemmas and event nouns by type, as the training script found them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: int = Field(1, ge=1, le=1)
    verbs: dict[str, DerivedWord] = Field(default_factory=dict)
    nouns: dict[str, DerivedWord] = Field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> DerivedLexicon:
        """Read and validate a lexicon file (the shipped one by default)."""
        source = path or default_lexicon_path()
        return cls.model_validate(json.loads(source.read_text(encoding="utf-8")))


def default_lexicon_path() -> Path:
    """The lexicon shipped inside the package."""
    return Path(str(resources.files("service.events") / "data" / _LEXICON_FILE))


@lru_cache(maxsize=1)
def shipped_lexicon() -> DerivedLexicon:
    """The packaged lexicon, loaded once per process."""
    return DerivedLexicon.load()
