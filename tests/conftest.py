"""Fixtures shared by both tiers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from service.config import Settings

if TYPE_CHECKING:
    from spacy.language import Language

    from service.pipeline import Pipeline


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Defaults, as a fresh deployment would have them (one worker in-process)."""
    return Settings(workers=1)


@pytest.fixture(scope="session")
def nlp() -> Iterator[Language]:
    """The service's spaCy pipeline, loaded once per test session."""
    from service.entities.model import load_nlp

    yield load_nlp("en_core_web_sm")


@pytest.fixture(scope="session")
def pipeline(settings: Settings, nlp: Language) -> Pipeline:
    """The whole pipeline, sharing the session's model."""
    from service.pipeline import Pipeline

    return Pipeline(settings, nlp=nlp)
