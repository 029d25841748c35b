"""A live web page over the output and dead-letter topics: records with marks, events, refusals."""

from __future__ import annotations

__all__: list[str] = []
