"""The entity fixer component: known names added, labels fixed, no mention the model found lost."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Span

from service.entities.extractor import EntityExtractor
from service.entities.fixer import (
    ENTITY_FIXER,
    EntityFixer,
    PhrasePattern,
    configure_nlp,
    fixer_patterns,
    relabelled,
)
from service.entities.spans import trim_span


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    """The extractor, its tables built once for the module."""
    return EntityExtractor()


class TestConfigureNlp:
    def test_adds_the_fixer_once_after_ner(self, nlp: Language) -> None:
        """Calling it again leaves one fixer, placed right after the model's NER."""
        configure_nlp(nlp)
        assert nlp.pipe_names.count(ENTITY_FIXER) == 1
        assert nlp.pipe_names.index(ENTITY_FIXER) == nlp.pipe_names.index("ner") + 1

    @pytest.mark.parametrize(
        ("text", "surface", "label"),
        [
            (
                "Thousands gathered in Kim Il Sung Square to watch the parade.",
                "Kim Il Sung Square",
                "FAC",
            ),
            ("NATO said the alliance would respond.", "NATO", "ORG"),
            (
                "The National Intelligence Service disagreed.",
                "National Intelligence Service",
                "ORG",
            ),
            ("The Defense Ministry issued a statement.", "Defense Ministry", "ORG"),
            (
                "He spoke to the Ministry of Foreign Affairs in Seoul.",
                "Ministry of Foreign Affairs",
                "ORG",
            ),
            ("Ukrainian officials said the troops had withdrawn.", "Ukrainian", "NORP"),
            ("Chancellor Olaf Scholz spoke on Friday.", "Olaf Scholz", "PERSON"),
            ("The singer Tom Hall said he was tired.", "Tom Hall", "PERSON"),
            # a place noun announces a name the small model misses or calls a product
            ("Rebels shelled the town of Karlovac, killing two.", "Karlovac", "GPE"),
            ("Warplanes bombed the Chechen capital Grozny on Monday.", "Grozny", "GPE"),
            ("Troops landed on the southern island of Basilan on Monday.", "Basilan", "GPE"),
        ],
    )
    def test_fixes_doc_ents(self, nlp: Language, text: str, surface: str, label: str) -> None:
        """The doc's entities carry the label a news reader expects."""
        assert (surface, label) in [(ent.text, ent.label_) for ent in nlp(text).ents]

    def test_a_cued_place_replaces_only_what_lies_inside_it(self, nlp: Language) -> None:
        """"the city of X" makes X a place over the model's label for X, but a name it would cut
        in two stays as the model found it, a facility's name stays a facility, and a lower-case
        or stop word after the noun cues nothing."""
        doc = nlp.make_doc("They shelled the Town of Karlovac Council and the city of the dead.")
        doc.ents = [Span(doc, 3, 7, label="ORG")]
        assert [(e.text, e.label_) for e in EntityFixer(nlp, [])(doc).ents] == [
            ("Town of Karlovac Council", "ORG")
        ]
        doc = nlp.make_doc("They shelled the town of Karlovac Bridge on Monday.")
        doc.ents = [Span(doc, 5, 7, label="FAC")]
        assert [(e.text, e.label_) for e in EntityFixer(nlp, [])(doc).ents] == [
            ("Karlovac Bridge", "FAC")
        ]
        doc = nlp.make_doc("They shelled the town of Karlovac on Monday.")
        doc.ents = [Span(doc, 5, 6, label="PRODUCT")]
        assert [(e.text, e.label_) for e in EntityFixer(nlp, [])(doc).ents] == [("Karlovac", "GPE")]

    def test_possessive_does_not_hide_the_facility_word(self, nlp: Language) -> None:
        """The label rules read the trimmed name: "Kim Il Sung Square's" tagged PERSON is FAC."""
        doc = nlp.make_doc("Crowds filled Kim Il Sung Square's east side.")
        doc.ents = [Span(doc, 2, 7, label="PERSON")]
        assert doc.ents[0].text == "Kim Il Sung Square's"
        (ent,) = EntityFixer(nlp, [])(doc).ents
        assert ent.label_ == "FAC"


class TestPatterns:
    def test_patterns_are_data_from_the_tables(self) -> None:
        """Countries, demonyms, organisations and ministries come out as phrase patterns."""
        patterns = list(fixer_patterns())
        assert PhrasePattern("GPE", "North Korea") in patterns
        assert PhrasePattern("ORG", "NATO") in patterns
        assert PhrasePattern("ORG", "defense ministry", "LOWER") in patterns
        assert PhrasePattern("ORG", "Ministry of", "LOWER", title_run=True) in patterns

    def test_own_patterns_drive_the_component(self, nlp: Language) -> None:
        """Like SpanRuler, the component finds exactly the phrases it is given."""
        fixer = EntityFixer(nlp, [PhrasePattern("ORG", "Blue Lantern Society")])
        doc = nlp.make_doc("Members of the Blue Lantern Society met.")
        assert [(e.text, e.label_) for e in fixer(doc).ents] == [("Blue Lantern Society", "ORG")]

    def test_title_run_extends_the_phrase(self, nlp: Language) -> None:
        """'Ministry of' covers the title-case words after it, at most four."""
        fixer = EntityFixer(nlp, [PhrasePattern("ORG", "Ministry of", "LOWER", title_run=True)])
        doc = fixer(nlp.make_doc("The Ministry of Fisheries and Oceans said so."))
        assert [e.text for e in doc.ents] == ["Ministry of Fisheries and Oceans"]


class TestRelabelled:
    @pytest.mark.parametrize(
        ("label", "name", "titled", "expected"),
        [
            ("PERSON", "Kim Il Sung Square", False, "FAC"),
            ("PERSON", "Kim Il Sung University", False, "ORG"),
            ("PERSON", "Charlotte Church", False, "PERSON"),
            ("GPE", "Tahrir Square", False, "FAC"),
            ("LOC", "Crimean Bridge", False, "FAC"),
            ("ORG", "Olaf Scholz", True, "PERSON"),
            ("ORG", "Chancellor Olaf Scholz", False, "PERSON"),
            ("ORG", "Chancellor Olaf University", False, "ORG"),
            ("ORG", "Tahrir Square", False, "ORG"),
            ("GPE", "Square", False, "GPE"),
        ],
    )
    def test_rules(self, label: str, name: str, titled: bool, expected: str) -> None:
        """Facility and organisation words and titles decide the label, surnames excepted."""
        assert relabelled(label, name.split(), titled=titled) == expected


PARAGRAPHS = [
    "South Korea's President Yoon Suk Yeol met Japanese Prime Minister Fumio Kishida in "
    "Tokyo on Thursday. The two leaders discussed North Korea's missile launches and the "
    "U.S. alliance. Yoon said Seoul and Washington would respond.",
    "The European Union and NATO condemned the strike on Kharkiv. Ukrainian President "
    "Volodymyr Zelenskyy asked the UN Security Council to meet. Russia's Defense Ministry "
    "said its forces hit military targets near the Dnipro river.",
    "Protesters gathered in Tahrir Square in Cairo. Egypt's interior ministry said 40 people "
    "were detained. The Associated Press counted several thousand marchers, and Amnesty "
    "International called for their release.",
    "Chinese Foreign Minister Wang Yi visited Moscow on Monday, the Kremlin said. He met "
    "Sergei Lavrov and praised the partnership between Beijing and Russia.",
]


def _assert_raw_mentions_covered(nlp: Language, extractor: EntityExtractor, text: str) -> None:
    with nlp.select_pipes(disable=[ENTITY_FIXER]):
        raw = nlp(text)
    ours = [m for entity in extractor(nlp(text)) for m in entity.mentions]
    for ent in raw.ents:
        start, end = trim_span(text, ent.start_char, ent.end_char)
        assert any(s <= start and end <= e for s, e in ours), ent.text


class TestNoMentionLost:
    @pytest.mark.parametrize("text", PARAGRAPHS)
    def test_every_raw_mention_is_covered(
        self, nlp: Language, extractor: EntityExtractor, text: str
    ) -> None:
        """Each entity the raw model finds lies (trimmed) inside one of our mentions."""
        _assert_raw_mentions_covered(nlp, extractor, text)


class TestNewsyStrings:
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        words=st.lists(
            st.sampled_from(
                [
                    "the",
                    "U.S.",
                    "Russia's",
                    "President",
                    "Putin",
                    "said",
                    "in",
                    "Kyiv",
                    ",",
                    "NATO",
                    "North",
                    "Korean",
                    "troops",
                    "Square",
                    "Kim",
                    "'s",
                    "\n",
                    ".",
                ]
            ),
            max_size=40,
        )
    )
    def test_newsy_strings_keep_every_raw_mention(
        self, nlp: Language, extractor: EntityExtractor, words: list[str]
    ) -> None:
        """On name-dense strings the raw model's mentions all stay covered."""
        text = " ".join(words)
        _assert_raw_mentions_covered(nlp, extractor, text)
