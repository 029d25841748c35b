"""Offline language identification, so non-English articles never get English entities."""

from __future__ import annotations

from py3langid.langid import MODEL_FILE, LanguageIdentifier

__all__ = ["detect_language"]

_IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    """ISO 639-1 code and confidence of the text's language (py3langid ships its model)."""
    code, confidence = _IDENTIFIER.classify(text[:2000])
    return str(code), float(confidence)
