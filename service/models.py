"""The message contract (CONTRACT.md v1): what publishers send and what consumers read."""

from __future__ import annotations

from datetime import date, datetime
from typing import Final, Literal, TypeGuard

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "MAX_ID_CHARS",
    "PIPELINE_STAGES",
    "SCHEMA_VERSION",
    "STAGES",
    "Article",
    "ArticleRecord",
    "CleaningReport",
    "DateInfo",
    "DeadLetter",
    "Entity",
    "ErrorInfo",
    "Event",
    "Geo",
    "MessageHeader",
    "ModelInfo",
    "Processing",
    "Quantity",
    "Story",
    "Tone",
    "is_article_id",
]

SCHEMA_VERSION: Literal["1"] = "1"

Offsets = tuple[int, int]

#: An article id is a string of 1..MAX_ID_CHARS characters (the Kafka key and idempotency key).
MAX_ID_CHARS: Final = 256


#: The pipeline's stages in order: the keys of its per-batch timings.
PIPELINE_STAGES: Final = ("clean", "nlp", "extract")
#: Every value of the `stage` metric label: the pipeline's, then the Kafka worker's publish.
STAGES: Final = (*PIPELINE_STAGES, "publish")


def is_article_id(value: object) -> TypeGuard[str]:
    """Whether `value` is a valid article id: the one home of the 1..256 rule."""
    return isinstance(value, str) and 1 <= len(value) <= MAX_ID_CHARS


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Article(BaseModel):
    """A raw article as published to the input topic."""

    model_config = ConfigDict(frozen=True, extra="ignore", strict=False)

    id: str = Field(
        min_length=1,
        max_length=MAX_ID_CHARS,
        description="Article id; the idempotency key.",
        strict=True,
    )
    text: str | None = Field(
        None, description="Plain text of the article as scraped, boilerplate and all.", strict=True
    )
    html: str | None = Field(None, description="Raw HTML of the page.", strict=True)
    title: str | None = Field(None, description="Headline.", strict=True)
    url: str | None = Field(None, description="Where the article was found.", strict=True)
    source: str | None = Field(None, description="Publisher or aggregator name.", strict=True)
    published_at: datetime | None = Field(
        None,
        description="ISO-8601 date-time; the anchor for relative dates such as 'Tuesday'.",
    )
    language: str | None = Field(
        None, max_length=35, description="BCP-47 language tag, a hint.", strict=True
    )

    @model_validator(mode="after")
    def _needs_content(self) -> Article:
        if self.text is None and self.html is None:
            raise ValueError("an article needs 'text' or 'html'")
        return self


class Geo(_Model):
    """Where a place is on the map, from GeoNames."""

    lat: float = Field(description="Latitude in degrees.")
    lon: float = Field(description="Longitude in degrees.")
    geonames_id: int | None = Field(None, description="GeoNames id of the place.")


class Entity(_Model):
    """One distinct entity of the article with all its mentions."""

    name: str = Field(description="Normalised name: \"North Korea's\" -> \"North Korea\".")
    label: str = Field(description="spaCy/OntoNotes label: PERSON, ORG, GPE, LOC, NORP, ...")
    count: int = Field(ge=1, description="Number of mentions.")
    mentions: list[Offsets] = Field(
        description="[start, end] character offsets into the record's text, one per mention."
    )
    country: str | None = Field(
        None, description="ISO 3166-1 alpha-2 code of the country the entity is or belongs to."
    )
    geo: Geo | None = Field(None, description="Coordinates of a place, where known.")


class DateInfo(_Model):
    """When an event happened, as written and as resolved."""

    text: str = Field(description="The date expression as it stands in the text.")
    start: date | None = Field(None, description="First day, resolved against published_at.")
    end: date | None = Field(None, description="Last day, resolved against published_at.")


class Quantity(_Model):
    """How many or how much, where the sentence says so."""

    value: float = Field(description="The number.")
    unit: str | None = Field(None, description="What is counted, e.g. 'troops'.")


class Event(_Model):
    """Who did what to whom, where and when (a PLOVER-coded event)."""

    type: str = Field(description="PLOVER event type in upper case, e.g. ACCUSE, MOBILIZE.")
    trigger: str = Field(description="The word or phrase that signals the event.")
    actor: str | None = Field(
        None,
        description="Who acts: the entity name (as in entities), or where no entity names the "
        "party, the phrase as written ('security forces in Guinea').",
    )
    target: str | None = Field(
        None,
        description="Who is acted upon: the entity name (as in entities), or the phrase as "
        "written where no entity names the party.",
    )
    source: str | None = Field(
        None, description="Who reports the event, for reported speech ('X said Y did Z')."
    )
    location: str | None = Field(None, description="Entity name of where it happened.")
    date: DateInfo | None = Field(None, description="When it happened.")
    quantity: Quantity | None = Field(None, description="A number stated with the event.")
    sentence: Offsets = Field(description="[start, end] of the sentence in the record's text.")
    confidence: float = Field(
        1.0,
        ge=0.0,
        le=1.0,
        description="0..1: how sure the coder is of the event's type and roles; "
        "consumers filter on it.",
    )


class ModelInfo(_Model):
    """The NLP model that produced the record."""

    name: str = Field(description="spaCy pipeline name, e.g. en_core_web_sm.")
    version: str = Field(description="Version of that pipeline.")


class CleaningReport(_Model):
    """What cleaning removed, so operators can see it work."""

    input_format: Literal["text", "html"] = Field(description="Which field was cleaned.")
    removed_lines: int = Field(ge=0, description="Lines (blocks) dropped as boilerplate.")
    removed_chars: int = Field(ge=0, description="Characters dropped as boilerplate.")


class Processing(_Model):
    """How and when the record was made."""

    pipeline_version: str = Field(description="Version of the extraction logic.")
    model: ModelInfo = Field(description="The NLP model used.")
    duration_ms: float = Field(ge=0, description="Processing time of this article.")
    processed_at: datetime = Field(description="When the record was made (UTC).")
    cleaning: CleaningReport | None = Field(None, description="What cleaning removed.")


class Story(_Model):
    """Which report the article is a copy of: every near-duplicate in the window shares it."""

    id: str = Field(
        description="Shared by every article that reports the same story (a republished wire "
        "copy, an aggregator's copy, the same page scraped twice)."
    )
    first_article_id: str = Field(description="The first article of the story seen.")
    size: int = Field(
        ge=1, description="Articles seen in the story so far, this one included."
    )


class Tone(_Model):
    """How negative or positive the article's wording is (VADER, averaged per sentence)."""

    score: float = Field(ge=-1, le=1, description="-1 (negative) .. 1 (positive) wording.")
    positive: float = Field(ge=0, le=1, description="Share of the wording that is positive.")
    negative: float = Field(ge=0, le=1, description="Share of the wording that is negative.")


class ArticleRecord(_Model):
    """One structured record per accepted article, published to the output topic."""

    schema_version: Literal["1"] = Field(SCHEMA_VERSION, description="Contract version.")
    record_id: str = Field(
        description="Deterministic from article id, content and pipeline version: "
        "a redelivered article yields the same id."
    )
    article_id: str = Field(description="The input article's id.")
    title: str | None = Field(None, description="Copied from the input.")
    url: str | None = Field(None, description="Copied from the input.")
    source: str | None = Field(None, description="Copied from the input.")
    published_at: datetime | None = Field(None, description="Copied from the input.")
    language: str | None = Field(None, description="Detected or given language (BCP-47).")
    text: str = Field(description="The cleaned article body; every offset points into it.")
    entities: list[Entity] = Field(description="Distinct entities with their mentions.")
    events: list[Event] = Field(description="Who-did-what-to-whom events.")
    story: Story = Field(description="The story this article is a copy of.")
    tone: Tone = Field(description="Tone of the whole article's wording.")
    processing: Processing = Field(description="How the record was made.")


class ErrorInfo(_Model):
    """Why a message was rejected."""

    type: str = Field(description="Machine-readable reason, e.g. not_json, invalid_schema.")
    message: str = Field(description="Human-readable explanation.")


class MessageHeader(_Model):
    """One Kafka header of a rejected message, kept so the message can be sent again as it was."""

    key: str = Field(description="Header name.")
    value: str | None = Field(
        description="Header value as text, or base64 when it is not UTF-8; null when null."
    )
    encoding: Literal["utf-8", "base64"] = Field("utf-8", description="How 'value' is encoded.")


class DeadLetter(_Model):
    """A message that could not be turned into a record, with the reason."""

    schema_version: Literal["1"] = Field(SCHEMA_VERSION, description="Contract version.")
    error: ErrorInfo = Field(description="Why it was rejected.")
    article_id: str | None = Field(None, description="The article id, when it could be read.")
    original: str = Field(
        description="The raw message as text, or base64 when it is not UTF-8; "
        "cut to a configurable size."
    )
    original_encoding: Literal["utf-8", "base64"] = Field(
        description="How 'original' is encoded."
    )
    original_truncated: bool = Field(description="Whether 'original' was cut.")
    original_size: int = Field(ge=0, description="Size in bytes of the whole message.")
    original_sha256: str = Field(description="SHA-256 (hex) of the whole message.")
    topic: str | None = Field(None, description="Topic the message was read from.")
    partition: int | None = Field(None, description="Partition it was read from.")
    offset: int | None = Field(None, description="Offset it was read from.")
    failed_at: datetime = Field(description="When it was rejected (UTC).")
    original_headers: list[MessageHeader] = Field(
        default_factory=list,
        description="The original message's headers in order (what `dlq redrive` republishes).",
    )
    original_headers_truncated: bool = Field(
        False,
        description="Whether the headers were too large to keep ('original_headers' is empty).",
    )
