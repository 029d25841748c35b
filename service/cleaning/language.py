"""Which language an article is in: py3langid's bundled model, then an English word check.

The language list and the English words are data (data/languages.json), checked at start-up.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Final

from py3langid.langid import MODEL_FILE, LanguageIdentifier
from pydantic import Field, StringConstraints, model_validator

from service.datafiles import DataFile, LowerWord, load_data_file

__all__ = [
    "DATA_FILE",
    "ENGLISH_WORDS",
    "NEWS_LANGUAGES",
    "LanguageDetector",
    "LanguageTables",
    "detect_language",
    "is_latin_script",
    "language_code",
    "letters_sample",
    "load_language_tables",
]

DATA_FILE: Final = Path(__file__).with_name("data") / "languages.json"


class LanguageTables(DataFile):
    """The contents of data/languages.json."""

    news_languages: list[Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]] = Field(
        min_length=1,
        description="ISO 639 codes news arrives in. Leaving out rare ones that short English "
        "is mistaken for (Tagalog, Breton, Nigerian Pidgin...) makes short English reliable; "
        "any other language still maps to a non-English neighbour, so it is still refused.",
    )
    english_words: list[LowerWord] = Field(
        min_length=1,
        description="Words frequent in English and in no other language of the list.",
    )

    @model_validator(mode="after")
    def _reads_english(self) -> LanguageTables:
        if "en" not in self.news_languages:
            raise ValueError("news_languages must include 'en'")
        return self


def load_language_tables(path: Path = DATA_FILE) -> LanguageTables:
    """The tables in `path`, validated (DataFileError when they are not right)."""
    return load_data_file(LanguageTables, path)


_TABLES = load_language_tables()
NEWS_LANGUAGES: Final[tuple[str, ...]] = tuple(_TABLES.news_languages)
ENGLISH_WORDS: Final[frozenset[str]] = frozenset(_TABLES.english_words)

#: Enough text to judge; detection cost grows with length.
MAX_CHARS: Final[int] = 5_000

#: When the model's first two guesses hold less than this share, it cannot tell: a short line
#: of names ("Putin met Erdogan in Sochi.") spreads its guesses over Dutch, Slovene, Hausa...
#: and such a line in Latin script is read as English, the language served, not refused.
UNSURE: Final[float] = 0.6

_WORD = re.compile(r"\b[a-z]+\b")
# A long stretch without a letter (emoji, symbols, digits, punctuation floods) says nothing
# about the language and would fill the sample: it is read as one space.
_NO_LETTERS = re.compile(r"[\W\d_]{16,}")


def letters_sample(text: str, limit: int = MAX_CHARS) -> str:
    """The first `limit` characters of the text once letterless floods are cut out."""
    return _NO_LETTERS.sub(" ", text)[:limit]


class LanguageDetector:
    """(ISO 639-1 code, probability) of a text; loads the model once."""

    def __init__(self, languages: tuple[str, ...] = NEWS_LANGUAGES) -> None:
        # The model restricted to `languages`, built from the full one's columns: the
        # library's own `set_languages` keeps the full table beside the subset (27 MB of a
        # worker's memory for nothing; BENCHMARKS.md, session 19).
        full = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        wanted = set(languages)
        keep = [i for i, code in enumerate(full.nb_classes) if code in wanted]
        self._model = LanguageIdentifier(
            full.nb_ptc[:, keep], full.nb_pc[keep], [full.nb_classes[i] for i in keep],
            full.tk_nextmove, full.tk_output, norm_probs=True, tk_row=full.tk_row,
        )  # fmt: skip

    def __call__(self, text: str) -> tuple[str, float]:
        sample = letters_sample(text)
        return self._ranked(sample)

    def code(self, text: str) -> str:
        """The language code alone: the same answer as `self(text)[0]`, cheaper for English.

        Text that reads as English is "en" whatever the model ranks first (see `__call__`),
        so the model, whose cost grows with the sample, need not run on it.
        """
        sample = letters_sample(text)
        if self._reads_english(sample):
            return "en"
        return self._ranked(sample)[0]

    def _ranked(self, sample: str) -> tuple[str, float]:
        ranked = self._model.rank(sample)
        code, probability = ranked[0]
        if code != "en" and (self._reads_english(sample) or self._unsure(ranked, sample)):
            # Names ("Kim Jong Un met Putin") drag short English text to Dutch or Indonesian.
            return "en", float(dict(ranked).get("en", 0.0))
        return str(code), float(probability)

    @staticmethod
    def _unsure(ranked: list[tuple[str, float]], sample: str) -> bool:
        """Whether the model cannot tell the language of a text in Latin script."""
        top = sum(float(p) for _, p in ranked[:2])
        return top < UNSURE and is_latin_script(sample)

    @staticmethod
    def _reads_english(text: str) -> bool:
        """Whether a fifth or more of the lower-case words are English-only function words."""
        words = _WORD.findall(text)
        hits = sum(word in ENGLISH_WORDS for word in words)
        # One such word is enough when a name-laden line has only a handful of lower-case words.
        return hits * 5 >= len(words) and (hits >= 2 or (hits == 1 and len(words) <= 5))


@cache
def _detector() -> LanguageDetector:
    return LanguageDetector()


def detect_language(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, confidence) of the text; English news is "en" even when short."""
    return _detector()(text)


def language_code(text: str) -> str:
    """The ISO 639-1 code of `detect_language`, without its confidence (what records carry)."""
    return _detector().code(text)


def is_latin_script(text: str) -> bool:
    """Whether most letters are Latin: a text too short to identify is read as English only then."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return True
    latin = sum(1 for c in letters if c <= "\u024f")
    return latin * 2 >= len(letters)
