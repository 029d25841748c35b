"""Records bounded by the output topic's size limit: shrunk the same way every time, or refused.

A record larger than ENTITY_MAX_RECORD_BYTES would be refused by the producer on every retry.
It is shrunk instead: at most `k` events (the most confident) and at most `k` mentions per
entity (the earliest), with the largest `k` that fits, and says so in `truncated`. One cap for
both keeps the rule simple and leaves whichever list is small untouched. The size is measured
with worst-case stand-ins for what varies between runs or is set later (timings, the story),
so a redelivered article is shrunk exactly as before. What cannot fit even with no events and
one mention per entity (a text alone larger than the limit) is refused as `record_too_large`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import accumulate

import orjson

from service.errors import Rejected
from service.models import MAX_ID_CHARS, ArticleRecord, Event, Story, Truncated

__all__ = ["fit_record", "measured_size"]

#: The largest story a record can be given after the pipeline (another article's id, escaped).
_STORY = Story(id="st-" + "0" * 24, first_article_id="\x00" * MAX_ID_CHARS, size=10**15)
_PROCESSED_AT = datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)
_DURATION_MS = 10.0**12 + 0.125
_TRUNCATED = Truncated(events=10**15, mentions=10**15)


def _dumps(value: object) -> bytes:
    return orjson.dumps(value)


def measured_size(record: ArticleRecord) -> int:
    """Bytes of the record with its varying parts at their largest: the size that decides."""
    standin = record.model_copy(
        update={
            "story": _STORY,
            "truncated": _TRUNCATED,
            "processing": record.processing.model_copy(
                update={"duration_ms": _DURATION_MS, "processed_at": _PROCESSED_AT}
            ),
        }
    )
    return len(_dumps(standin.model_dump(mode="json")))


def _list_cost(item_sizes: list[int]) -> list[int]:
    """cost[j]: bytes of a JSON list's items when its first j items are kept (commas included)."""
    return [0, *(total + j for j, total in enumerate(accumulate(item_sizes)))]


def _ranked(events: list[Event]) -> list[int]:
    """Event positions, most confident first (ties: the earlier first)."""
    return sorted(range(len(events)), key=lambda i: (-events[i].confidence, i))


def fit_record(record: ArticleRecord, max_bytes: int) -> ArticleRecord:
    """The record itself when it fits, else its shrunk copy; Rejected when nothing fits."""
    full = measured_size(record)
    if full <= max_bytes:
        return record
    bare = record.model_copy(
        update={
            "events": [],
            "entities": [e.model_copy(update={"mentions": []}) for e in record.entities],
        }
    )
    base = measured_size(bare)
    rank = _ranked(record.events)
    event_sizes = [len(_dumps(record.events[i].model_dump(mode="json"))) for i in rank]
    event_cost = _list_cost(event_sizes)
    mention_costs = [
        _list_cost([len(_dumps(list(m))) for m in e.mentions]) for e in record.entities
    ]

    def size(k: int) -> int:
        kept = max(k, 1)  # every entity keeps its first mention
        mentions = sum(cost[min(kept, len(cost) - 1)] for cost in mention_costs)
        return base + event_cost[min(k, len(rank))] + mentions

    most = max(len(rank), *(len(c) - 1 for c in mention_costs), 1)
    if size(0) > max_bytes:
        raise Rejected(
            "record_too_large",
            f"the record is {full} bytes, the limit (ENTITY_MAX_RECORD_BYTES) is {max_bytes}; "
            f"even with no events and one mention per entity it is {size(0)} bytes",
        )
    low, high = 0, most  # size(low) fits, size(most) does not (full > max_bytes)
    while high - low > 1:
        middle = (low + high) // 2
        if size(middle) <= max_bytes:
            low = middle
        else:
            high = middle
    return _shrunk(record, low)


def _shrunk(record: ArticleRecord, k: int) -> ArticleRecord:
    """At most k events (most confident, in their order) and max(k, 1) mentions per entity."""
    keep = sorted(_ranked(record.events)[:k])
    kept_mentions = max(k, 1)
    dropped_mentions = sum(max(len(e.mentions) - kept_mentions, 0) for e in record.entities)
    return record.model_copy(
        update={
            "events": [record.events[i] for i in keep],
            "entities": [
                e.model_copy(update={"mentions": e.mentions[:kept_mentions]})
                if len(e.mentions) > kept_mentions
                else e
                for e in record.entities
            ],
            "truncated": Truncated(
                events=len(record.events) - len(keep), mentions=dropped_mentions
            ),
        }
    )
