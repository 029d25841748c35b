"""The page's memory: the last items per topic, and the queues of the open pages."""

from __future__ import annotations

from service.ui.store import RecentStore


def _item(n: int) -> dict[str, object]:
    return {"key": f"k{n}", "timestamp_ms": n}


class TestRecentStore:
    def test_keeps_the_last_items_per_topic(self) -> None:
        """At most `recent` items per topic, the oldest dropped first; snapshot by timestamp."""
        store = RecentStore(2)
        for n in (1, 2, 3):
            store.add("records", _item(n))
        store.add("letters", _item(0))
        assert [item["key"] for item in store.snapshot()] == ["k0", "k2", "k3"]

    async def test_open_pages_get_each_new_item(self) -> None:
        """An item added while a page is subscribed is queued for it; after, nothing is."""
        store = RecentStore(10)
        with store.subscribe() as subscription:
            assert store.subscribers == 1
            store.add("records", _item(1))
            assert subscription.queue.get_nowait() == _item(1)
        assert store.subscribers == 0

    async def test_a_page_that_falls_behind_is_ended(self) -> None:
        """A full queue is replaced by the end marker and the page is unsubscribed."""
        store = RecentStore(10, queue_size=2)
        with store.subscribe() as subscription:
            for n in range(3):
                store.add("records", _item(n))
            assert subscription.queue.get_nowait() is None
            assert store.subscribers == 0

    async def test_status_is_broadcast(self) -> None:
        """A status change reaches the open pages and says how many items are kept."""
        store = RecentStore(7)
        with store.subscribe() as subscription:
            store.set_status(state="waiting", missing=["x"])
            assert subscription.queue.get_nowait() == {
                "kind": "status", "recent": 7, "state": "waiting", "missing": ["x"],
            }

    async def test_end_streams(self) -> None:
        """At shutdown every open stream gets the end marker."""
        store = RecentStore(7)
        with store.subscribe() as first, store.subscribe() as second:
            store.end_streams()
            assert first.queue.get_nowait() is None and second.queue.get_nowait() is None
            assert store.subscribers == 0
