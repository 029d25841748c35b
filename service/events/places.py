"""Where an event happened: a place the sentence puts it in, else the article's dateline."""

from __future__ import annotations

import re
from typing import Any, Final

from service.events.index import PLACE_LABELS, EntityIndex
from service.events.lexicon import Lexicon
from service.events.tree import Span
from service.models import Entity

__all__ = ["Places"]

# "KYIV, Oct. 18 (Reuters) -": the place an article was filed from
_DATELINE_RE: Final = re.compile(
    r"^\s*([A-Z][A-Za-z.' -]{1,40}?)\s*(?:,[^\n]{0,40}?)?\s*(?:\(|--|-|\u2014|\u2013)"
)
_DATELINE_TOKENS: Final = 30  # doc.text would rebuild the whole text


class Places:
    """Finds an event's location; movements also take their destination ("to X")."""

    def __init__(self, lexicon: Lexicon) -> None:
        roles = lexicon.roles
        self._preps = roles.place_preps
        self._movement_preps = roles.place_preps | roles.move_preps
        self._movements = lexicon.types.movement

    def __call__(
        self, doc: Any, sent: Span, index: EntityIndex, used: set[str], type_: str
    ) -> Entity | None:
        """A place the sentence puts the event in ("in X", "at X"; "to X" for movements) that
        is not a party to it, else the dateline."""
        preps = self._movement_preps if type_ in self._movements else self._preps
        for entity, prep in index.places_in(sent):
            if entity.name not in used and prep in preps:
                return entity
        return index.cached("dateline", doc[0], lambda _: dateline(doc, index))


def dateline(doc: Any, index: EntityIndex) -> Entity | None:
    """The place named in the article's dateline, if it is a known place."""
    match = _DATELINE_RE.match(doc[:_DATELINE_TOKENS].text)
    if match is None:
        return None
    span = doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
    if span is None:
        return None
    entity = index.of(span[0])
    return entity if entity is not None and entity.label in PLACE_LABELS else None
