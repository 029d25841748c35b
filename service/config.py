"""All configuration in one validated, frozen settings class, read from ENTITY_* variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Every knob of the service; a bad value stops it at start-up, not mid-stream."""

    model_config = SettingsConfigDict(env_prefix="ENTITY_", frozen=True, extra="ignore")

    # --- Kafka connection -------------------------------------------------------------
    kafka_bootstrap_servers: str = Field(
        "localhost:9092",
        min_length=1,
        validation_alias=AliasChoices("ENTITY_KAFKA_BOOTSTRAP_SERVERS", "KAFKA_BOOTSTRAP_SERVERS"),
        description="Comma-separated host:port list of the Kafka cluster.",
    )
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT", description="How the client talks to the brokers."
    )
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = Field(
        None, description="SASL mechanism, required with the SASL_* protocols."
    )
    kafka_sasl_username: str | None = Field(None, description="SASL user name.")
    kafka_sasl_password: SecretStr | None = Field(
        None, description="SASL password; never logged or dead-lettered."
    )
    kafka_ssl_cafile: Path | None = Field(None, description="CA bundle that signs the brokers.")
    kafka_enable_idempotence: bool = Field(
        False,
        description="Idempotent producer; turn on for Apache Kafka, off for the embedded broker.",
    )
    kafka_client_id: str = Field("entity-service", min_length=1)
    kafka_linger_ms: int = Field(
        5,
        ge=0,
        le=10_000,
        description="How long the producer waits for more records before it sends a batch "
        "(aiokafka's linger_ms; Kafka's own producer default since 4.0): a slice's records "
        "go out in one request per broker instead of one each, which costs the broker and "
        "the worker CPU that the pipeline needs (BENCHMARKS.md, issue 24).",
    )
    kafka_max_batch_size: int = Field(
        262_144,
        ge=1_024,
        description="Most bytes of records (before compression) in one partition's batch "
        "(aiokafka's max_batch_size; a larger record goes alone). Capped at "
        "ENTITY_KAFKA_MAX_REQUEST_SIZE, so a batch never exceeds what a single record may be.",
    )
    kafka_max_request_size: int = Field(
        1_048_576,
        ge=1_024,
        description="Largest request the producer sends (aiokafka's max_request_size): a "
        "message larger than this, key and headers included, is refused before it is sent. "
        "Keep the output and dead-letter topics' max.message.bytes at least this large.",
    )

    # --- topics and group -------------------------------------------------------------
    input_topic: str = Field("articles.raw", min_length=1)
    output_topic: str = Field("articles.events", min_length=1)
    dlq_topic: str = Field("articles.dlq", min_length=1)
    group_id: str = Field("entity-service", min_length=1)
    auto_offset_reset: Literal["earliest", "latest"] = "earliest"

    # --- batching and processes -------------------------------------------------------
    workers: int = Field(
        1,
        ge=1,
        le=64,
        description="Worker processes, each a consumer-group member feeding its own pipelines.",
    )
    worker_pipelines: int = Field(
        0,
        ge=0,
        le=64,
        description="Pipeline processes behind each worker's consumer; 0 (the default): the "
        "cores shared out among the workers. Above 1, a poll's articles go to whichever is "
        "free, so keys that fill partitions unevenly cannot leave a core idle while another "
        "parses. Set it where the process cannot see its CPU limit (a container's cores).",
    )
    batch_max_records: int = Field(
        64,
        ge=1,
        le=10_000,
        description="Most records one poll takes; a poll takes what waits, up to this. The "
        "pipeline parses a poll in slices sized by it (a quarter of it, 1 to 16 articles), so "
        "a lone article is parsed alone and a backlog in full slices.",
    )
    batch_max_wait_ms: int = Field(
        20,
        ge=1,
        le=60_000,
        description="How long an empty poll waits for a first record (FastStream then pauses "
        "as long again before the next poll); records already waiting are taken at once.",
    )
    fetch_max_wait_ms: int = Field(
        100,
        ge=1,
        le=60_000,
        description="How long the broker may hold a fetch that finds no new record (Kafka "
        "answers as soon as one arrives; a broker that does not, such as the embedded one, "
        "delays each record by up to this).",
    )
    batch_time_budget_s: float = Field(
        120.0,
        gt=0,
        description="Processing time one poll's batch may take; once spent, no further slice "
        "(16 articles, or fewer holding ENTITY_MAX_TEXT_CHARS bytes) is started: the finished "
        "part is published and committed, the rest re-read. "
        "Below half of max_poll_interval_ms (the publish retries get the other half).",
    )
    max_poll_interval_ms: int = Field(300_000, ge=10_000)
    session_timeout_ms: int = Field(10_000, ge=3_000)
    heartbeat_interval_ms: int = Field(3_000, ge=100)
    rebalance_timeout_ms: int = Field(
        10_000, ge=1_000, description="How long the group waits for members to rejoin."
    )
    drain_timeout_s: float = Field(
        30.0, gt=0, description="Time a stopping worker gets to finish its batch."
    )
    publish_retry_initial_s: float = Field(0.5, gt=0)
    publish_retry_max_s: float = Field(30.0, gt=0)

    # --- hard time limit per article (service/runtime/isolation.py) ------------------
    article_timeout_s: float = Field(
        60.0,
        gt=0,
        le=3_600,
        description="An article still being processed after this many seconds (its own "
        "cleaning, parsing and extraction; a parser batch counts as one) becomes a "
        "processing_timeout dead letter: the pipeline runs in a child process that is killed "
        "and restarted, and the rest of the batch goes on.",
    )

    # --- input limits -----------------------------------------------------------------
    max_message_bytes: int = Field(
        2_000_000, ge=1_024, description="Larger messages are refused before parsing."
    )
    max_text_chars: int = Field(
        200_000, ge=1_000, description="Longer cleaned texts are refused before spaCy."
    )
    max_record_bytes: int = Field(
        1_000_000,
        ge=1_024,
        description="Largest serialized record published: a larger one is shrunk (events of "
        "the lowest confidence and the latest mentions left out, said in its `truncated`), "
        "and one that cannot fit even so becomes a record_too_large dead letter. Keep it below "
        "kafka_max_request_size, with room for the key, headers and batch framing: a record "
        "the producer or broker refuses as too large is a record_too_large dead letter too.",
    )
    dlq_original_max_bytes: int = Field(
        65_536, ge=0, description="How much of a rejected message its dead letter keeps."
    )

    # --- dead-letter operations (dlq redrive, replay) ----------------------------------
    max_redrives: int = Field(
        3,
        ge=1,
        le=100,
        description="How many times `dlq redrive` may send one message back to the input topic "
        "(its entity-redrive-count header); after that it is refused, so nothing loops.",
    )
    redrive_group_id: str = Field(
        "entity-service-redrive",
        min_length=1,
        description="Prefix of the consumer groups in which `dlq redrive` keeps its position on "
        "the dead-letter topic, one group per error type (<prefix>.<error type>).",
    )

    # --- NLP --------------------------------------------------------------------------
    spacy_model: str = Field(
        "en_core_web_sm", min_length=1, description="Installed spaCy pipeline to load."
    )
    spacy_matmul: Literal["numpy", "blis"] = Field(
        "numpy",
        description="Matrix products of spaCy's models: numpy (OpenBLAS, one thread per "
        "pipeline; tuned for the CPU it finds) or blis (thinc's default). Same results.",
    )
    events_enabled: bool = True
    supported_languages: tuple[str, ...] = ("en",)
    unsupported_language: Literal["dead_letter", "record"] = Field(
        "dead_letter",
        description="What an article the model cannot read becomes.",
    )
    min_language_chars: int = Field(
        40, ge=0, description="Shorter texts are too short to judge and taken as English."
    )

    # --- stories (near-duplicate grouping) -------------------------------------------
    story_window_h: float = Field(
        72.0,
        gt=0,
        le=24 * 365,
        description="Hours an article stays in the story index: a later copy within this "
        "window joins its story.",
    )
    story_containment: float = Field(
        0.5,
        gt=0,
        le=1,
        description="Share of the shorter text's shingles the longer one must contain for "
        "two articles to be one story.",
    )
    stories_redis_url: SecretStr | None = Field(
        None,
        description="redis:// URL of the story index shared by every worker and replica "
        "(secret: it may hold a password); unset: one local index per worker process.",
    )
    stories_redis_prefix: str = Field(
        "entity-stories", min_length=1, description="Prefix of the index's Redis keys."
    )
    stories_redis_timeout_s: float = Field(
        0.5, gt=0, le=30, description="Socket timeout of each Redis call."
    )
    stories_redis_retry_s: float = Field(
        5.0,
        gt=0,
        le=600,
        description="After a Redis error, articles get fresh stories for this long before the "
        "index is tried again.",
    )

    # --- repeated lines in scraped text (issue 21) -------------------------------------
    repeat_window_h: float = Field(
        24.0,
        gt=0,
        le=24 * 30,
        description="Hours a line stays in the repeat memory; shared through Redis (the "
        "story index's ENTITY_STORIES_REDIS_URL) when that is set.",
    )
    repeat_min_articles: int = Field(
        2,
        ge=1,
        le=15,
        description="A line held by this many other recent articles of the same source is "
        "furniture, whatever its words.",
    )
    repeat_min_sources: int = Field(
        2,
        ge=1,
        le=15,
        description="A line held by recent articles of this many other sources is furniture "
        "(an article without a source counts as one of its own).",
    )
    repeat_capacity: int = Field(
        50_000,
        ge=0,
        description="Line keys the local repeat memory holds (least recent forgotten); 0 "
        "turns the memory off.",
    )
    repeat_redis_prefix: str = Field(
        "entity-repeats", min_length=1, description="Prefix of the repeat memory's Redis keys."
    )

    # --- learned event typing (issue 12) -----------------------------------------------
    events_typer: bool = Field(
        True,
        description="Type and score events with the shipped sentence typer and derived "
        "lexicon; off codes with the hand lexicon alone (every confidence 1).",
    )
    events_encoder: bool = Field(
        True,
        description="Type events with the pretrained sentence encoder (MiniLM, int8 ONNX) and "
        "its trained head; off keeps the n-gram typer alone (faster, less accurate). Needs "
        "events_typer.",
    )
    events_encoder_head: Path | None = Field(
        None, description="A head file for the encoder (default: the shipped one)."
    )
    events_encoder_lead_head: Path | None = Field(
        None,
        description="A head file that types a story's lead sentence (default: the shipped one, "
        "trained on story leads).",
    )
    events_encoder_sentences: int = Field(
        1,
        ge=0,
        le=1000,
        description="Sentences per article the encoder types (a story's lead first, then "
        "sentences with a trigger in reading order); the rest keep the n-gram typer's scores.",
    )
    events_min_confidence: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="Events whose confidence is below this are dropped (0 keeps every one).",
    )

    # --- HTTP and metrics -------------------------------------------------------------
    metrics_port: int = Field(9000, ge=0, le=65_535)
    metrics_host: str = "0.0.0.0"
    prometheus_multiproc_dir: Path | None = Field(
        None, description="Where workers write their metrics; a temporary folder when unset."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # --- Kafka clients: codecs, stall detection, headers, tracing (issue 14) ------------
    kafka_compression_type: Literal["none", "gzip", "snappy", "lz4", "zstd"] = Field(
        "zstd",
        description="Codec of what the service publishes (every codec is read on input); "
        "zstd saves the most bytes on records, see BENCHMARKS.md.",
    )
    stall_timeout_s: float = Field(
        300.0,
        gt=0,
        description="A partition with lag that has not moved for this long is stalled: "
        "logged, counted, and /readyz answers 503. Keep it above batch_time_budget_s plus "
        "the publish retries (max_poll_interval_ms/2), or a slow batch reads as a stall.",
    )
    cloudevents_source: str = Field(
        "/entity-service",
        min_length=1,
        description="The `ce_source` header (a URI reference) of every record and dead letter.",
    )
    otel_exporter_otlp_endpoint: str | None = Field(
        None,
        validation_alias=AliasChoices(
            "ENTITY_OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"
        ),
        description="OTLP/HTTP collector (e.g. http://otel-collector:4318): spans for consume, "
        "process and publish are exported there; unset, tracing is off.",
    )
    otel_service_name: str = Field(
        "entity-service",
        min_length=1,
        validation_alias=AliasChoices("ENTITY_OTEL_SERVICE_NAME", "OTEL_SERVICE_NAME"),
        description="The `service.name` of the exported spans.",
    )

    # --- the live page (`entity-service ui`) ------------------------------------------
    ui_host: str = Field("127.0.0.1", min_length=1, description="Address the page listens on.")
    ui_port: int = Field(8080, ge=0, le=65_535, description="Port of the page (0: any free).")
    ui_recent: int = Field(
        200, ge=1, le=100_000, description="Messages per topic the page starts with and keeps."
    )
    ui_max_text_chars: int = Field(
        20_000, ge=100, description="Characters of a record's text the page shows."
    )

    @property
    def pipelines_per_worker(self) -> int:
        """`worker_pipelines`, or with 0 the cores shared out among the workers (at least 1)."""
        if self.worker_pipelines:
            return self.worker_pipelines
        return max(1, (os.cpu_count() or 1) // self.workers)

    @model_validator(mode="after")
    def _check_security(self) -> Settings:
        if self.kafka_security_protocol.startswith("SASL_"):
            if not (self.kafka_sasl_mechanism and self.kafka_sasl_username):
                raise ValueError(
                    "kafka_sasl_mechanism and kafka_sasl_username are required with SASL"
                )
            if self.kafka_sasl_password is None:
                raise ValueError("kafka_sasl_password is required with SASL")
        if self.kafka_ssl_cafile is not None and not self.kafka_ssl_cafile.is_file():
            raise ValueError(f"kafka_ssl_cafile {self.kafka_ssl_cafile} is not a file")
        if self.heartbeat_interval_ms * 3 > self.session_timeout_ms:
            raise ValueError("heartbeat_interval_ms must be at most a third of session_timeout_ms")
        if self.batch_time_budget_s * 2000 > self.max_poll_interval_ms:
            raise ValueError("batch_time_budget_s must be at most half of max_poll_interval_ms")
        if self.stories_redis_url is not None and not (
            self.stories_redis_url.get_secret_value().startswith(("redis://", "rediss://", "unix://"))
        ):
            raise ValueError("stories_redis_url must be a redis://, rediss:// or unix:// URL")
        if self.publish_retry_max_s < self.publish_retry_initial_s:
            raise ValueError("publish_retry_max_s must be >= publish_retry_initial_s")
        return self
