"""Why a message is rejected: the dead-letter `error.type` catalogue, one exception for all."""

from __future__ import annotations

from typing import Final

from service.models import MAX_ID_CHARS

__all__ = ["ERROR_TYPES", "Rejected"]

#: Every `error.type` a dead letter can carry, with what it means (documented in README).
ERROR_TYPES: Final[dict[str, str]] = {
    "message_too_large": "the message is larger than ENTITY_MAX_MESSAGE_BYTES",
    "not_utf8": "the message bytes are not UTF-8 (binary garbage lands here)",
    "not_json": "the message is UTF-8 but not JSON",
    "not_object": "the message is JSON but not an object",
    "missing_id": "the object has no 'id'",
    "invalid_id": f"'id' is not a string of 1..{MAX_ID_CHARS} characters",
    "missing_content": "neither 'text' nor 'html' is present",
    "empty_content": "'text' and 'html' are both empty or blank",
    "invalid_field": "a field has the wrong type or value",
    "invalid_published_at": "'published_at' is not an ISO-8601 date-time",
    "control_characters": "the text holds NUL bytes or other control characters",
    "text_too_long": "the text is longer than ENTITY_MAX_TEXT_CHARS",
    "unsafe_html": "the HTML declares entities or a DOCTYPE subset (XML entity tricks)",
    "invalid_html": "the HTML cannot be parsed or is nested too deeply",
    "empty_after_cleaning": "nothing of the article is left once boilerplate is removed",
    "unsupported_language": "the article is in a language the model cannot serve",
    "processing_error": "a pipeline stage raised on this article",
    "processing_timeout": "the article was still being processed after ENTITY_ARTICLE_TIMEOUT_S",
    "record_too_large": "the article's record does not fit the output topic even shrunk "
    "(ENTITY_MAX_RECORD_BYTES), or the producer or broker refused it as too large: the "
    "message names both sizes",
    "publish_refused": "the broker refused the record for good (an invalid record, no "
    "authorization to write the output topic): retrying cannot help",
    "undecodable_batch": "a Kafka record batch whose CRC checks but whose content cannot be "
    "decoded (garbage under its codec, broken record framing, an unknown codec id): one dead "
    "letter for the whole batch, at its base offset, holding the batch's bytes",
}


class Rejected(Exception):
    """An article that cannot become a record; it becomes a dead letter of this type."""

    def __init__(self, error_type: str, message: str) -> None:
        if error_type not in ERROR_TYPES:
            raise ValueError(f"unknown error type {error_type!r}")
        super().__init__(message)
        self.error_type = error_type
        self.message = message
