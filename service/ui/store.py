"""The last items per topic, and the open pages that want each new one as it comes."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["RecentStore", "Subscription"]

Item = dict[str, Any]


class Subscription:
    """One open page's queue; a page too slow to keep up is cut off and reconnects afresh."""

    def __init__(self, size: int) -> None:
        self.queue: asyncio.Queue[Item | None] = asyncio.Queue(maxsize=size)

    def offer(self, item: Item) -> bool:
        """Queue the item; False (and an end marker instead) when the page has fallen behind."""
        try:
            self.queue.put_nowait(item)
            return True
        except asyncio.QueueFull:
            self.end()  # the stream ends; EventSource reconnects to a fresh snapshot
            return False

    def end(self) -> None:
        """Drop what is queued and leave only the end marker."""
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(None)


class RecentStore:
    """Bounded memory: at most `recent` items per topic, oldest dropped first."""

    def __init__(self, recent: int, *, queue_size: int = 1000) -> None:
        self.recent = recent
        self._items: dict[str, deque[Item]] = {}
        self._subscriptions: set[Subscription] = set()
        self._queue_size = queue_size
        self.status: Item = {"kind": "status", "recent": recent, "state": "starting"}

    def add(self, topic: str, item: Item) -> None:
        """Keep the item and hand it to every open page."""
        self._items.setdefault(topic, deque(maxlen=self.recent)).append(item)
        self._broadcast(item)

    def set_status(self, **status: Any) -> None:
        """What the follower is doing (waiting for topics, following, failing), for the page."""
        self.status = {"kind": "status", "recent": self.recent, **status}
        self._broadcast(self.status)

    def snapshot(self) -> list[Item]:
        """Every kept item, oldest first by broker timestamp."""
        items = [item for kept in self._items.values() for item in kept]
        return sorted(items, key=lambda item: int(item.get("timestamp_ms", 0)))

    def end_streams(self) -> None:
        """Ask every open stream to end (at shutdown, so no page holds the server open)."""
        for subscription in list(self._subscriptions):
            subscription.end()
        self._subscriptions.clear()

    def _broadcast(self, item: Item) -> None:
        for subscription in list(self._subscriptions):
            if not subscription.offer(item):
                self._subscriptions.discard(subscription)

    @contextmanager
    def subscribe(self) -> Iterator[Subscription]:
        """A queue of the items that arrive while the page is open."""
        subscription = Subscription(self._queue_size)
        self._subscriptions.add(subscription)
        try:
            yield subscription
        finally:
            self._subscriptions.discard(subscription)

    @property
    def subscribers(self) -> int:
        return len(self._subscriptions)
