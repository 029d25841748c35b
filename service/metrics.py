"""Domain metrics on one registry: what the service consumed, made, rejected, and how fast."""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable, Sequence
from importlib.metadata import version

import psutil
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram

from service.errors import ERROR_TYPES
from service.events.lexicon import PLOVER_TYPES
from service.models import STAGES, ArticleRecord, DeadLetter

__all__ = [
    "ARTICLES_CONSUMED",
    "ARTICLE_SECONDS",
    "ASSIGNED_PARTITIONS",
    "BATCH_SIZE",
    "BUILD_INFO",
    "CLEANING_LINES",
    "COMMITS",
    "CONSUMER_LAG",
    "DEAD_LETTERS",
    "ENTITIES",
    "EVENTS",
    "FETCH_ERRORS",
    "IN_FLIGHT",
    "OLDEST_UNPROCESSED_AGE",
    "PARTITION_STALLED",
    "REBALANCES",
    "REPEAT_DEGRADED_ARTICLES",
    "REPEAT_MEMORY_KEYS",
    "REPEAT_REDIS_ERRORS",
    "RECORDS_PUBLISHED",
    "STAGE_SECONDS",
    "STORIES_OPENED",
    "STORY_DEGRADED_ARTICLES",
    "STORY_INDEX_SECONDS",
    "STORY_JOINS",
    "STORY_REDIS_ERRORS",
    "WORKER_CPU_SECONDS",
    "WORKER_MEMORY_BYTES",
    "ProcessSampler",
    "observe_outcomes",
    "registry",
    "set_build_info",
]

# Every worker process writes its values to PROMETHEUS_MULTIPROC_DIR (prometheus-client picks
# the multiprocess value class at import when that variable is set); the supervisor merges the
# files once per scrape. Counters and histograms add up across workers; each Gauge says below
# how its per-process values combine, and the `live*` modes forget a worker once the supervisor
# calls `mark_process_dead` for it.
registry: CollectorRegistry = REGISTRY

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)

ARTICLES_CONSUMED = Counter(
    "entity_articles_consumed", "Messages read from the input topic.", registry=registry
)
RECORDS_PUBLISHED = Counter(
    "entity_records_published", "ArticleRecords acknowledged by the broker.", registry=registry
)
DEAD_LETTERS = Counter(
    "entity_dead_letters",
    "DeadLetters acknowledged by the broker, by error type.",
    ["error_type"],
    registry=registry,
)
ARTICLE_SECONDS = Histogram(
    "entity_article_processing_seconds",
    "Processing time per article (its share of the batch's NLP included).",
    buckets=_LATENCY_BUCKETS,
    registry=registry,
)
STAGE_SECONDS = Histogram(
    "entity_stage_seconds",
    "Time per batch spent in each stage (clean, nlp, extract, publish).",
    ["stage"],
    buckets=_LATENCY_BUCKETS,
    registry=registry,
)
BATCH_SIZE = Histogram(
    "entity_batch_size",
    "Messages per consumed batch.",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512),
    registry=registry,
)
IN_FLIGHT = Gauge(
    "entity_articles_in_flight",
    "Articles read but not yet published.",
    multiprocess_mode="livesum",  # the service's total; a dead worker holds nothing in flight
    registry=registry,
)
ENTITIES = Counter("entity_entities", "Entities extracted, by label.", ["label"], registry=registry)
EVENTS = Counter("entity_events", "Events extracted, by PLOVER type.", ["type"], registry=registry)

CONSUMER_LAG = Gauge(
    "entity_consumer_lag",
    "Messages not yet committed: high watermark minus committed offset (never negative).",
    ["topic", "partition"],
    # One worker owns a partition at a time; after a rebalance the new owner's newer value
    # wins over what the previous owner wrote last.
    multiprocess_mode="livemostrecent",
    registry=registry,
)
OLDEST_UNPROCESSED_AGE = Gauge(
    "entity_consumer_oldest_unprocessed_age_seconds",
    "Age of the oldest message of the partition not yet committed (0 when caught up).",
    ["topic", "partition"],
    multiprocess_mode="livemostrecent",
    registry=registry,
)
ASSIGNED_PARTITIONS = Gauge(
    "entity_consumer_assigned_partitions",
    "Input partitions assigned to the service's consumers.",
    multiprocess_mode="livesum",
    registry=registry,
)
COMMITS = Counter(
    "entity_consumer_commits",
    "Offset commits after a batch was published, by result (ok, failed).",
    ["result"],
    registry=registry,
)
REBALANCES = Counter(
    "entity_consumer_rebalances",
    "Partition assignments received by the workers (one per worker per group rebalance).",
    registry=registry,
)
BUILD_INFO = Gauge(
    "entity_build_info",
    "Always 1; the labels say which code and model are running.",
    ["service_version", "pipeline_version", "spacy_version", "model", "model_version"],
    multiprocess_mode="livemax",  # every worker sets the same labels to 1
    registry=registry,
)
WORKER_CPU_SECONDS = Counter(
    "entity_worker_cpu_seconds",
    "CPU time (user + system) of a worker process; a restarted worker keeps adding to it.",
    ["worker"],
    registry=registry,
)
WORKER_MEMORY_BYTES = Gauge(
    "entity_worker_resident_memory_bytes",
    "Resident memory of a worker process.",
    ["worker"],
    multiprocess_mode="livemax",  # one process per worker label; a dead one drops out
    registry=registry,
)

# A partition that cannot make progress (issue 14): why, and which one.
FETCH_ERRORS = Counter(
    "entity_consumer_fetch_errors",
    "Fetches of an input partition that failed (corrupt_record, unsupported_codec, "
    "topic_authorization_failed, ...); the partition is retried with backoff, never skipped.",
    ["topic", "partition", "reason"],
    registry=registry,
)
PARTITION_STALLED = Gauge(
    "entity_consumer_partition_stalled",
    "1 while a partition has lag but has not moved for ENTITY_STALL_TIMEOUT_S, or while its "
    "outputs cannot be published past the retry bound; the reason is publish_failed, the last "
    "fetch error, or no_progress when none was seen.",
    ["topic", "partition", "reason"],
    multiprocess_mode="livemostrecent",  # one owner per partition, as for the lag
    registry=registry,
)
# --- stories ------------------------------------------------------------------------------
STORIES_OPENED = Counter(
    "entity_stories_opened",
    "Published records that opened a new story (the first copy of a report seen).",
    registry=registry,
)
STORY_JOINS = Counter(
    "entity_story_joins",
    "Published records that joined an existing story (a copy of a report seen before).",
    registry=registry,
)
STORY_INDEX_SECONDS = Histogram(
    "entity_story_index_seconds",
    "Time per batch to place its articles in stories, by index backend (local, redis).",
    ["backend"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
    registry=registry,
)
STORY_REDIS_ERRORS = Counter(
    "entity_story_redis_errors",
    "Batches whose story lookup failed on Redis (the index then pauses for a few seconds).",
    registry=registry,
)
STORY_DEGRADED_ARTICLES = Counter(
    "entity_story_degraded_articles",
    "Articles given a fresh story because the story index was unavailable.",
    registry=registry,
)

# --- cleaning (issue 21) --------------------------------------------------------------------
CLEANING_LINES = Counter(
    "entity_cleaning_lines",
    "Input lines of published records by what cleaning did with them: kept, or dropped by the "
    "line model, the repeat memory, a hand rule, or the HTML extractor. A source whose layout "
    "changed shows as a jump in one reason's share.",
    ["outcome"],
    registry=registry,
)
REPEAT_REDIS_ERRORS = Counter(
    "entity_repeat_redis_errors",
    "Articles whose repeat lookup failed on Redis (the memory then pauses for a few seconds).",
    registry=registry,
)
REPEAT_DEGRADED_ARTICLES = Counter(
    "entity_repeat_degraded_articles",
    "Articles cleaned without the repeat memory because Redis was unavailable.",
    registry=registry,
)
REPEAT_MEMORY_KEYS = Gauge(
    "entity_repeat_memory_keys",
    "Line keys held by the local repeat memory of a worker (0 with the Redis one).",
    multiprocess_mode="livesum",
    registry=registry,
)

# FastStream's KafkaPrometheusMiddleware reuses a metric already registered under its name;
# its in-process gauge would otherwise be exported once per pid, dead workers included.
FASTSTREAM_IN_PROCESS = Gauge(
    "faststream_received_messages_in_process",
    "Gauge of received messages in process by broker and handler",
    ["app_name", "broker", "handler"],
    multiprocess_mode="livesum",
    registry=registry,
)

# Series that exist at 0 before their first increment, so rate() counts that increment too
# (a series born at 1 shows no increase) and panels are not empty on a quiet service.
for _result in ("ok", "failed"):
    COMMITS.labels(_result)
for _error_type in ERROR_TYPES:
    DEAD_LETTERS.labels(_error_type)
for _event_type in PLOVER_TYPES:
    EVENTS.labels(_event_type)
for _stage in STAGES:
    STAGE_SECONDS.labels(_stage)
for _backend in ("local", "redis"):
    STORY_INDEX_SECONDS.labels(_backend)
for _outcome in ("kept", "model", "repeat", "rule", "extractor"):
    CLEANING_LINES.labels(_outcome)


def observe_outcomes(outcomes: Sequence[ArticleRecord | DeadLetter]) -> None:
    """Count what a published batch contained."""
    labels: Tally[str] = Tally()
    types: Tally[str] = Tally()
    errors: Tally[str] = Tally()
    lines: Tally[str] = Tally()
    records = opened = 0
    for outcome in outcomes:
        if isinstance(outcome, ArticleRecord):
            records += 1
            cleaning = outcome.processing.cleaning
            if cleaning is not None:
                lines["kept"] += cleaning.kept_lines
                lines.update(cleaning.removed_by.model_dump())
            opened += outcome.story.size == 1
            ARTICLE_SECONDS.observe(outcome.processing.duration_ms / 1000)
            labels.update(e.label for e in outcome.entities)
            types.update(e.type for e in outcome.events)
        else:
            errors[outcome.error.type] += 1
    RECORDS_PUBLISHED.inc(records)
    STORIES_OPENED.inc(opened)
    STORY_JOINS.inc(records - opened)
    for label, count in labels.items():
        ENTITIES.labels(label).inc(count)
    for event_type, count in types.items():
        EVENTS.labels(event_type).inc(count)
    for error_type, count in errors.items():
        DEAD_LETTERS.labels(error_type).inc(count)
    for line_outcome, count in lines.items():
        if count:
            CLEANING_LINES.labels(line_outcome).inc(count)


def set_build_info(
    *,
    service_version: str,
    pipeline_version: str,
    model: str,
    model_version: str,
    entity_labels: Iterable[str] = (),
) -> None:
    """Publish which code and model this worker runs, so a dashboard can show a rollout.

    The model's entity labels are exported at 0 too, for the same reason as the error types.
    """
    BUILD_INFO.labels(
        service_version, pipeline_version, version("spacy"), model, model_version
    ).set(1)
    for label in entity_labels:
        ENTITIES.labels(label)


class ProcessSampler:
    """CPU and memory of this worker process, which the multiprocess collector cannot export."""

    def __init__(self, worker: int) -> None:
        self._process = psutil.Process()
        self._label = str(worker)
        self._cpu_seen = 0.0

    def sample(self) -> None:
        """Add the CPU time used since the last sample and set the resident memory."""
        times = self._process.cpu_times()
        cpu = times.user + times.system
        WORKER_CPU_SECONDS.labels(self._label).inc(max(cpu - self._cpu_seen, 0.0))
        self._cpu_seen = cpu
        WORKER_MEMORY_BYTES.labels(self._label).set(self._process.memory_info().rss)
