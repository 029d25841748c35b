"""Names masked before the encoder reads a sentence, so that its head learns the act, not who.

A frozen encoder's vectors say who a sentence is about as loudly as what happened, and a linear
head over them learns the who: "Yasser Arafat met Shimon Peres" was typed AGREE, because the
training sentences that name those two report accords. Each name the recogniser found is
replaced by a plain word for its kind ("someone met someone"), in training and in the coder
alike; the anchor word itself is kept. The shipped head alone, 5-fold on the PLV sentences:
accuracy 0.773 unmasked, 0.787 masked (BENCHMARKS.md, session 10).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any, Final

from service.events.anchor import anchor_span, token_span
from service.events.encoder import Sentence
from service.events.tokens import Sent, Tok

__all__ = ["MASKS", "masked", "masked_sentence"]

#: entity label -> the word that stands for a name of that kind
MASKS: Final = {
    "PERSON": "someone",
    "GPE": "country",
    "NORP": "national",
    "ORG": "organisation",
    "LOC": "region",
    "FAC": "place",
}


def masked(
    text: str, start: int, ents: Iterable[Any], anchor: tuple[int, int] | None,
    others: Sequence[tuple[int, int]] = (),
) -> Sentence:  # fmt: skip
    """`text` (which begins at character `start` of its doc) with each of `ents` (spans with
    `label_`, `start_char`, `end_char` in the doc) of a kind in MASKS replaced by its word, and
    the anchor's characters (within `text`) moved to match; so are `others`' (spans of other
    acts' words); one inside a masked name becomes None (read as the anchor)."""
    pieces: list[str] = []
    pos = 0
    cuts: list[tuple[int, int, int]] = []  # (begin, end, change in length) of each mask
    for ent in ents:
        word = MASKS.get(ent.label_)
        begin, end = ent.start_char - start, ent.end_char - start
        if word is None or begin < pos or begin < 0 or end > len(text):
            continue
        if anchor is not None and begin < anchor[1] and anchor[0] < end:
            continue  # the word the event hangs on is read as written
        pieces += [text[pos:begin], word]
        cuts.append((begin, end, len(word) - (end - begin)))
        pos = end
    if not pieces:
        return Sentence(text, anchor, tuple(others))
    pieces.append(text[pos:])

    def moved(span: tuple[int, int]) -> tuple[int, int] | None:
        if any(begin < span[1] and span[0] < end for begin, end, _ in cuts):
            return None
        shift = sum(change for _, end, change in cuts if end <= span[0])
        return span[0] + shift, span[1] + shift

    return Sentence(
        "".join(pieces), None if anchor is None else moved(anchor), tuple(map(moved, others))
    )


def masked_sentence(
    sent: Sent, triggers: Collection[Tok], others: Collection[Tok] = ()
) -> Sentence:
    """A sentence of a doc as the encoder reads it: names masked, anchored on its triggers;
    `others` (tokens of other acts in it) are read from the same pass."""
    spans = tuple(token_span(sent, token) for token in others)
    return masked(sent.text, sent.start_char, sent.ents, anchor_span(sent, triggers), spans)
