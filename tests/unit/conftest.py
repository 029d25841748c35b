"""Fixtures for the unit tier: literal dependency trees and parsed sentences for events."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from service.events.index import EntityIndex

Tree = Callable[..., "Doc"]
Parse = Callable[[str], "tuple[Doc, EntityIndex]"]


@pytest.fixture(scope="session")
def tree() -> Tree:
    """A Doc built from literal words, heads (absolute indices), relations and tags: no model."""
    import spacy
    from spacy.tokens import Doc

    vocab = spacy.blank("en").vocab  # English lexical attributes (lower_) without a model

    def build(
        text: str,
        heads: list[int],
        deps: list[str],
        tags: list[str] | None = None,
        ents: list[str] | None = None,
    ) -> Doc:
        words = text.split()
        return Doc(
            vocab, words=words, heads=heads, deps=deps, tags=tags or ["NN"] * len(words),
            ents=ents,
        )  # fmt: skip

    return build


@pytest.fixture(scope="session")
def parse(nlp: Language) -> Parse:
    """Text -> the service's parse and its entity index, as the event coder receives them."""
    from service.entities.extractor import EntityExtractor
    from service.events.index import EntityIndex

    extract = EntityExtractor()

    def run(text: str) -> tuple[Doc, EntityIndex]:
        doc = nlp(text)
        return doc, EntityIndex(doc, extract(doc))

    return run
