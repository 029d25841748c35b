"""Which language an article is in, with py3langid's bundled model and an English word check."""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from py3langid.langid import MODEL_FILE, LanguageIdentifier

__all__ = ["LanguageDetector", "detect_language", "is_latin_script", "letters_sample"]

#: Languages news arrives in; leaving out rare ones that short English text is mistaken for
#: (Tagalog, Breton, Nigerian Pidgin...) makes short English reliable, and any other language
#: still maps to a non-English neighbour, so it is still refused.
NEWS_LANGUAGES: Final[tuple[str, ...]] = tuple(
    "en fr de es it pt nl ru uk be zh ja ko ar fa ur he tr pl cs sk sl hr sr bs bg mk ro hu el "
    "sv da no fi et lv lt is ga ca eu gl hi bn ta te mr gu pa ml kn si ne id ms vi th km lo my "
    "sw af am so ha yo ig zu xh ka hy az kk uz mn ky tg tk ps ku sq mt".split()
)

#: Words frequent in English and in no other language of the list above.
ENGLISH_WORDS: Final[frozenset[str]] = frozenset(
    "the and that with from has have were are would its their this which after who been not "
    "but said they she his than into about could should there what when while".split()
)

#: Enough text to judge; detection cost grows with length.
MAX_CHARS: Final[int] = 5_000

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
        self._model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        self._model.set_languages([code for code in languages if code in self._model.labels])

    def __call__(self, text: str) -> tuple[str, float]:
        sample = letters_sample(text)
        ranked = self._model.rank(sample)
        code, probability = ranked[0]
        if code != "en" and self._reads_english(sample):
            # Names ("Kim Jong Un met Putin") drag short English text to Dutch or Indonesian.
            return "en", float(dict(ranked).get("en", 0.0))
        return str(code), float(probability)

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


def is_latin_script(text: str) -> bool:
    """Whether most letters are Latin: a text too short to identify is read as English only then."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return True
    latin = sum(1 for c in letters if c <= "\u024f")
    return latin * 2 >= len(letters)
