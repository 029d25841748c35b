"""Names masked before the encoder reads a sentence (service/events/masking.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import pytest

from service.events.encoded import shipped_encoder_typer
from service.events.masking import masked

if TYPE_CHECKING:
    from spacy.language import Language


class _Span(NamedTuple):
    label_: str
    start_char: int
    end_char: int


@pytest.mark.parametrize(
    ("text", "start", "ents", "anchor", "expected", "word"),
    [
        # each name is its kind's word; the anchor follows the shorter text
        ("Yasser Arafat met Shimon Peres in Gaza.", 0,
         [_Span("PERSON", 0, 13), _Span("PERSON", 18, 30), _Span("GPE", 34, 38)], (14, 17),
         "someone met someone in country.", "met"),
        # a sentence further into its doc; a date is not a name and stays
        ("On Monday Iraq accused Kuwait.", 100,
         [_Span("DATE", 103, 109), _Span("GPE", 110, 114), _Span("GPE", 123, 129)], (15, 22),
         "On Monday country accused country.", "accused"),
    ],
)  # fmt: skip
def test_names_become_their_kind_and_the_anchor_moves(
    text: str, start: int, ents: list[_Span], anchor: tuple[int, int], expected: str, word: str
) -> None:
    """Names of a kind in MASKS become its word; the anchor's characters move to match."""
    sentence = masked(text, start, ents, anchor)
    assert sentence.text == expected
    assert sentence.anchor is not None
    assert sentence.text[sentence.anchor[0] : sentence.anchor[1]] == word


def test_the_anchor_is_never_masked() -> None:
    """A trigger the recogniser took for a name ("Protest") is read as written."""
    sentence = masked("Protest grows.", 0, [_Span("ORG", 0, 7)], (0, 7))
    assert (sentence.text, sentence.anchor) == ("Protest grows.", (0, 7))
    assert masked("No names here.", 0, [], None).text == "No names here."


def test_the_shipped_head_reads_the_act_not_the_names(nlp: Language) -> None:
    """Two leaders whose names the training sentences tie to accords: a meeting is still a
    meeting (unmasked, the head said AGREE at 0.81)."""
    doc = nlp("Palestinian leader Yasser Arafat met Israeli Prime Minister Shimon Peres in Gaza.")
    start = doc.text.index(" met ") + 1
    sentence = masked(doc.text, 0, doc.ents, (start, start + 3))
    assert "Arafat" not in sentence.text
    scores = shipped_encoder_typer().predict([sentence])[0]
    assert max(scores, key=scores.__getitem__) == "CONSULT"


def test_other_words_move_with_the_text() -> None:
    """Other acts' words move as the anchor does; one inside a masked name is None."""
    text = "Iraq attacked Kuwait and Egypt condemned Iraq."
    ents = [_Span("GPE", 0, 4), _Span("GPE", 14, 20), _Span("GPE", 25, 30), _Span("GPE", 41, 45)]
    sentence = masked(text, 0, ents, (5, 13), [(31, 40), (25, 30)])
    assert sentence.text == "country attacked country and country condemned country."
    assert sentence.others[1] is None
    start, end = sentence.others[0]  # type: ignore[misc]
    assert sentence.text[start:end] == "condemned"
