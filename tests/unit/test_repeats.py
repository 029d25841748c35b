"""Tests for the local repeat memory: counts per source and across sources, window, bounds."""

from __future__ import annotations

from service.cleaning.repeats import MEMBER_CAP, LocalRepeatMemory, line_key


class Clock:
    """A settable clock for the window."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def memory(clock: Clock | None = None, **kwargs: int) -> LocalRepeatMemory:
    return LocalRepeatMemory(window_s=3600, clock=clock or Clock(), **kwargs)


class TestLineKey:
    def test_case_and_spaces_aside(self) -> None:
        """Lines differing only in case share a key; different words do not."""
        assert line_key("Sign Up For Our Newsletter") == line_key("sign up for our newsletter")
        assert line_key("Sign up") != line_key("Sign in")


class TestLocalRepeatMemory:
    def test_needs_enough_other_articles_of_the_source(self) -> None:
        """A line is repeated once `min_articles` other articles of its source held it."""
        mem = memory(min_articles=2)
        assert mem.repeated("a1", "wire", ["k"]) == set()
        assert mem.repeated("a2", "wire", ["k"]) == set()
        assert mem.repeated("a3", "wire", ["k", "new"]) == {"k"}

    def test_needs_enough_other_sources(self) -> None:
        """Across sources it is the number of other sources that counts, not articles."""
        mem = memory(min_articles=9, min_sources=2)
        mem.repeated("a1", "one", ["k"])
        mem.repeated("a2", "one", ["k"])
        assert mem.repeated("a3", "two", ["k"]) == set()
        assert mem.repeated("a4", "three", ["k"]) == {"k"}

    def test_articles_without_a_source_count_as_sources_of_their_own(self) -> None:
        """Sourceless articles are judged by the across-sources count."""
        mem = memory(min_sources=2)
        mem.repeated("a1", None, ["k"])
        assert mem.repeated("a2", None, ["k"]) == set()
        assert mem.repeated("a3", None, ["k"]) == {"k"}

    def test_redelivery_gets_its_first_verdict_and_does_not_count(self) -> None:
        """The same article id again returns what it got, and never counts as another holder."""
        mem = memory(min_articles=1)
        assert mem.repeated("a1", "wire", ["k"]) == set()
        for _ in range(3):
            assert mem.repeated("a1", "wire", ["k"]) == set()
        assert mem.repeated("a2", "wire", ["k"]) == {"k"}

    def test_window_forgets_old_holders(self) -> None:
        """Holders older than the window no longer count."""
        clock = Clock()
        mem = memory(clock, min_articles=1)
        mem.repeated("a1", "wire", ["k"])
        clock.now += 3601
        assert mem.repeated("a2", "wire", ["k"]) == set()

    def test_keys_bounded_by_capacity(self) -> None:
        """Past its capacity the memory forgets the least recently seen keys."""
        mem = memory(capacity=4, min_articles=1)
        for i in range(10):
            mem.repeated(f"a{i}", "wire", [f"k{i}"])
        assert len(mem) <= 4
        assert mem.repeated("late", "wire", ["k0"]) == set()

    def test_holders_per_key_bounded(self) -> None:
        """A key held by a flood of articles keeps only the most recent MEMBER_CAP of them."""
        mem = memory(min_articles=1)
        for i in range(MEMBER_CAP * 3):
            mem.repeated(f"a{i}", "wire", ["k"])
        assert all(len(holders) <= MEMBER_CAP for holders in mem._keys.values())

    def test_capacity_zero_is_off(self) -> None:
        """With no capacity nothing is remembered or repeated."""
        mem = memory(capacity=0, min_articles=1)
        mem.repeated("a1", "wire", ["k"])
        assert mem.repeated("a2", "wire", ["k"]) == set()
