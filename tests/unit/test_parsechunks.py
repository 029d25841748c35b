"""Long texts parsed in pieces: the pieces make the text again, and the joined parse holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.entities.doctext import TEXT_KEY, doc_text, keep_text
from service.parsechunks import join_docs, split_for_parse

if TYPE_CHECKING:
    from spacy.language import Language

PARAGRAPH = (
    "Chile and Peru signed a fisheries agreement in Lima on Tuesday. "
    "The Peruvian minister said talks with Bolivia would follow.\n"
)


class TestSplit:
    def test_short_texts_stay_whole(self) -> None:
        """A text within the size is one piece, itself."""
        assert split_for_parse(PARAGRAPH, 1000) == [PARAGRAPH]

    def test_pieces_make_the_text_again_cut_after_line_breaks(self) -> None:
        """Cuts fall after a line break where there is one, and nothing is lost."""
        text = PARAGRAPH * 20
        pieces = split_for_parse(text, 400)
        assert "".join(pieces) == text
        assert len(pieces) > 1
        assert all(piece.endswith("\n") for piece in pieces[:-1])
        assert all(len(piece) <= 400 for piece in pieces)

    def test_without_line_breaks_cuts_fall_after_sentences(self) -> None:
        """One long line is cut after a sentence's end and its space."""
        text = PARAGRAPH.replace("\n", " ") * 20
        pieces = split_for_parse(text, 400)
        assert "".join(pieces) == text
        assert all(piece.endswith(". ") for piece in pieces[:-1])

    def test_a_word_longer_than_the_size_is_cut_in_it(self) -> None:
        """No whitespace at all: cut at the size, still the same text."""
        text = "x" * 1000
        pieces = split_for_parse(text, 300)
        assert "".join(pieces) == text
        assert [len(p) for p in pieces] == [300, 300, 300, 100]


class TestJoin:
    def test_joined_pieces_give_the_whole_texts_entities_and_sentences(
        self, nlp: Language
    ) -> None:
        """Entities, their offsets and sentence count match the parse of the whole text."""
        text = PARAGRAPH * 12
        whole = nlp(text)
        joined = join_docs(list(nlp.pipe(split_for_parse(text, 500))), text)
        assert joined is not None and joined.text == text
        assert [(e.start_char, e.end_char, e.label_) for e in joined.ents] == [
            (e.start_char, e.end_char, e.label_) for e in whole.ents
        ]
        assert len(list(joined.sents)) == len(list(whole.sents))

    def test_pieces_that_do_not_make_the_text_are_refused(self, nlp: Language) -> None:
        """A join whose text differs is None, so the caller parses the text whole."""
        assert join_docs([nlp("One."), nlp("Two.")], "One. Two.") is None

    def test_a_single_doc_of_another_text_is_refused(self, nlp: Language) -> None:
        """A lone Doc that does not end where the text does is None, not a wrong join."""
        assert join_docs([nlp("One.")], "One. Two.") is None
        assert join_docs([nlp("One. Two. Three.")], "One. Two.") is None

    def test_the_joined_doc_keeps_its_text(self, nlp: Language) -> None:
        """One piece or several, the Doc holds the text it was read from for `doc_text`."""
        for text in (PARAGRAPH, PARAGRAPH * 12, ""):
            joined = join_docs(list(nlp.pipe(split_for_parse(text, 500))), text)
            assert joined is not None
            assert joined.user_data[TEXT_KEY] == text and doc_text(joined) == joined.text


class TestDocText:
    def test_the_kept_text_is_read_back(self, nlp: Language) -> None:
        """`doc_text` returns what `keep_text` kept, and spaCy's text for any other Doc."""
        doc = nlp("Chile and Peru signed a fisheries agreement.")
        assert doc_text(doc) == doc.text  # nothing kept: spaCy's own
        assert doc_text(keep_text(doc, "kept")) == "kept"  # read back, not rebuilt
