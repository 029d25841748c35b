"""Operating the dead letters and the consumer group: `dlq stats`, `dlq redrive`, `replay`."""

from __future__ import annotations

__all__: list[str] = []
