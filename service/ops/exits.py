"""Exit codes a script can rely on, and the one error type the ops commands raise."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["Exit", "OpsError"]


class Exit(IntEnum):
    """`dlq stats`, `dlq redrive` and `replay` end with one of these."""

    OK = 0  #: done: everything selected was handled (or there was nothing to do)
    PARTIAL = 1  #: done, but some messages were refused or left for a later run
    USAGE = 2  #: a bad option or setting, an unknown error type, no such topic
    GROUP_ACTIVE = 3  #: the consumer group has members: stop the service first, then retry
    UNAVAILABLE = 4  #: Kafka cannot be reached or did not acknowledge: retry later


class OpsError(Exception):
    """A problem the operator can act on: printed as one line, the process exits with `code`."""

    def __init__(self, message: str, code: Exit = Exit.USAGE) -> None:
        super().__init__(message)
        self.code = code
