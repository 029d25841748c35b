"""What a batch becomes: outcomes, their bytes, and progress reports; no model needed to use them.

Kept apart from the pipeline so the Kafka worker, which runs the pipeline in a child process
(service.runtime.isolation), imports none of the NLP stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import orjson

from service import __version__
from service.models import ArticleRecord, DeadLetter

__all__ = ["PIPELINE_VERSION", "BatchResult", "Outcome", "Progress", "serialize"]

#: Bump the suffix whenever extraction logic changes what a record says.
PIPELINE_VERSION = f"{__version__}+p4"

Outcome = ArticleRecord | DeadLetter


@dataclass(slots=True)
class BatchResult:
    """Outcomes in input order, with the time each stage took (for the metrics).

    Under a time budget the outcomes may cover only a prefix of the batch: the first
    ``len(outcomes)`` messages; the caller hands the rest over again.
    """

    outcomes: list[Outcome]
    stage_seconds: dict[str, float] = field(default_factory=dict)


class Progress(Protocol):
    """Told which article of a batch is being worked on, and each outcome once it is known."""

    def started(self, index: int | None) -> None:
        """Work on article `index` begins; None: the slice's articles are parsed together."""

    def finished(self, index: int, outcome: Outcome) -> None:
        """Article `index` has its outcome."""


def serialize(outcome: Outcome) -> bytes:
    """The bytes published for an outcome (and written by the offline CLI)."""
    return orjson.dumps(outcome.model_dump(mode="json"))
