"""A parsed Doc's text, kept with it: spaCy rebuilds `Doc.text` from its tokens at each read.

Each read makes a Token object per token and joins their texts (0.1 ms an article here, and
the pipeline's steps read it four times). The parse step keeps the string it parsed in the
Doc's `user_data`; the steps read it back through `doc_text`.
"""

from __future__ import annotations

from typing import Any, Final

__all__ = ["doc_text", "keep_text"]

#: The Doc.user_data key the parsed text is kept under.
TEXT_KEY: Final = "entity_service.text"


def keep_text(doc: Any, text: str) -> Any:
    """`doc`, holding `text` as its text (the caller knows they are the same)."""
    doc.user_data[TEXT_KEY] = text
    return doc


def doc_text(doc: Any) -> str:
    """The text `keep_text` kept with `doc`, or spaCy's own `Doc.text` for any other Doc."""
    kept = doc.user_data.get(TEXT_KEY)
    return kept if isinstance(kept, str) else str(doc.text)
