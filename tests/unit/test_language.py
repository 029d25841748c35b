"""Language detection: English news is "en", even short and full of foreign names; others not."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.cleaning.language import (
    NEWS_LANGUAGES,
    LanguageDetector,
    detect_language,
    is_latin_script,
    language_code,
    letters_sample,
    load_language_tables,
)
from service.datafiles import DataFileError

ENGLISH = [
    "Seoul said on Friday it would respond to the launch.",
    "Kim Jong Un and Vladimir Putin signed a pact in Pyongyang on Wednesday.",
    "Troops were sent to Kursk, officials in Kyiv said.",
    "Yoon Suk Yeol convened an emergency meeting in Seoul. His aides said the threat was grave.",
    "Xi Jinping hosted Lula da Silva in Beijing for talks on trade and climate.",
    "Erdogan and Netanyahu traded accusations over Gaza after the strike.",
    "Police in Lagos arrested 12 protesters. They were released on Sunday.",
    "Juan Carlos Rodriguez, the mayor of San Salvador, resigned after the vote.",
    "Vladivostok, Ussuriysk, Khabarovsk and Blagoveshchensk host the troops, the agency said.",
    "Scholz, Macron and Sanchez met in Brussels. They agreed that the fund would grow.",
    "NORTH KOREA SENDS TROOPS TO RUSSIA, SEOUL SAYS",
    "Scholz, Macron and Sanchez met in Brussels.",
    "Shares of Apple rose 3% on Tuesday after the company said profits had doubled.",
    # the model spreads its guesses over Dutch, Slovene, Afrikaans, Hausa: it cannot tell
    "Putin met Erdogan in Sochi.",
    "Obasanjo met Abacha in Abuja.",
    "Kim Jong Un met Moon Jae-in at Panmunjom.",
    "King Abdullah II of Jordan met Iraqi Prime Minister Nouri al-Maliki in Amman on Sunday.",
]

OTHER = [
    ("fr", "Les troupes nord-coréennes sont arrivées en Russie, selon Séoul."),
    ("fr", "Kim Jong Un et Vladimir Poutine ont signé un pacte de défense mutuelle."),
    ("de", "Nordkorea hat Soldaten nach Russland geschickt, teilte der Geheimdienst mit."),
    ("de", "Kim Jong Un und Wladimir Putin unterzeichneten einen Vertrag in Pjöngjang."),
    ("es", "Corea del Norte envió tropas a Rusia, según el servicio de inteligencia."),
    ("es", "El gobierno anunció nuevas medidas para la economía el lunes."),
    ("ru", "Северная Корея отправила войска в Россию, сообщила разведка."),
    ("zh", "朝鲜向俄罗斯派遣了军队，韩国情报机构表示。"),
    ("it", "Il governo ha annunciato nuove misure per l'economia."),
    ("nl", "De regering heeft maandag nieuwe maatregelen aangekondigd."),
    ("ha", "Shugaban kasar Najeriya ya gana da ministoci a Abuja ranar Litinin."),
    ("sw", "Rais wa Kenya alikutana na viongozi wa upinzani mjini Nairobi."),
    ("ms", "Presiden Joko Widodo bertemu dengan Perdana Menteri Malaysia di Jakarta."),
]


class TestDetectLanguage:
    @pytest.mark.parametrize("text", ENGLISH)
    def test_english_news(self, text: str) -> None:
        """Short English news, dense with foreign names, is English."""
        assert detect_language(text)[0] == "en"

    @pytest.mark.parametrize(("code", "text"), OTHER)
    def test_other_languages(self, code: str, text: str) -> None:
        """French, German, Spanish, Russian, Chinese... are recognised, never taken as English."""
        assert detect_language(text)[0] == code

    def test_long_english_is_certain(self) -> None:
        """A full English article is detected with high confidence."""
        code, confidence = detect_language(" ".join(ENGLISH[:8]))
        assert code == "en" and confidence > 0.9

    def test_restricted_detector(self) -> None:
        """A detector limited to two languages answers one of them."""
        assert LanguageDetector(("en", "fr"))("Der Hund schläft im Garten.")[0] in {"en", "fr"}

    @settings(max_examples=100, deadline=None)
    @given(text=st.text(max_size=400))
    def test_any_string(self, text: str) -> None:
        """Never raises; returns a language code and a probability."""
        code, confidence = detect_language(text)
        assert code.isalpha() and code.islower()
        assert 0.0 <= confidence <= 1.0


class TestLanguageCode:
    @pytest.mark.parametrize("text", ENGLISH + [text for _, text in OTHER])
    def test_same_code_as_detection(self, text: str) -> None:
        """The code alone is what full detection answers, for English and other languages."""
        assert language_code(text) == detect_language(text)[0]

    @settings(max_examples=200, deadline=None)
    @given(
        text=st.text(max_size=400)
        | st.lists(
            st.sampled_from(
                ["the", "of", "and", "le", "der", "el", "Seoul", "Putin", "said", "est", "und", "."]
            )
        ).map(" ".join)
    )
    def test_same_code_on_any_text(self, text: str) -> None:
        """Skipping the model for English text never changes the answer."""
        assert language_code(text) == detect_language(text)[0]


class TestIsLatinScript:
    @pytest.mark.parametrize(
        ("text", "latin"),
        [
            ("Rain in Paris.", True),
            ("Grève à Genève.", True),
            ("北京下雨了。", False),
            ("Дождь в Москве", False),
            ("12345 !!", True),
        ],
    )
    def test_script(self, text: str, latin: bool) -> None:
        """Short texts count as Latin only when most of their letters are."""
        assert is_latin_script(text) is latin


class TestLetterFloods:
    """Floods of emoji, symbols or digits before the text do not decide its language."""

    ENGLISH = (
        "The government said on Tuesday that it would send more aid to the farmers who have "
        "been hit by the drought in the south of the country, after weeks of talks."
    )

    @pytest.mark.parametrize(
        "flood", ["\U0001f600" * 50_000, "\u2605\u2606 " * 20_000, "7" * 9_000]
    )
    def test_flood_skipped(self, flood: str) -> None:
        """English after a letterless flood is English."""
        assert detect_language(flood + " " + self.ENGLISH)[0] == "en"

    def test_sample_keeps_ordinary_text(self) -> None:
        """A sample of ordinary prose is its first characters, unchanged."""
        assert letters_sample(self.ENGLISH * 100) == (self.ENGLISH * 100)[:5_000]


class TestLanguageTables:
    def test_shipped_tables_load(self) -> None:
        """The packaged language list reads English and the English-only words are there."""
        tables = load_language_tables()
        assert "en" in tables.news_languages
        assert "the" in tables.english_words

    @pytest.mark.parametrize(
        ("content", "fault"),
        [
            ('{"news_languages": ["fr"], "english_words": ["the"]}', "must include 'en'"),
            ('{"news_languages": ["EN"], "english_words": ["the"]}', "news_languages.0"),
            ('{"news_languages": ["en"], "english_words": []}', "english_words"),
        ],
    )
    def test_bad_tables_fail(self, tmp_path: Path, content: str, fault: str) -> None:
        """A wrong language table stops loading with the reason."""
        path = tmp_path / "languages.json"
        path.write_text(content)
        with pytest.raises(DataFileError, match=fault):
            load_language_tables(path)


class TestRestrictedModel:
    def test_ranks_as_the_library_s_own_restriction(self) -> None:
        """The detector builds its model from the full one's columns for the news languages
        (the library's `set_languages` keeps the full table too): the same languages, ranked
        with the same probabilities."""
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        library = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        library.set_languages([c for c in NEWS_LANGUAGES if c in library.labels])
        ours = LanguageDetector()._model
        assert ours.labels == library.labels
        for text in ("Le gouvernement a annoncé mardi de nouvelles mesures.",
                     "Die Regierung kündigte am Dienstag neue Maßnahmen an.",
                     "Правительство во вторник объявило о новых мерах.",
                     "The government announced new measures on Tuesday."):  # fmt: skip
            assert ours.rank(text) == library.rank(text)
