"""`entity-service ui` over the real broker and service, checked in a real headless Chromium."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest
from browser import Browser, Page, chromium_binary
from support import (
    PROJECT_ROOT,
    Received,
    ServiceProcess,
    Topics,
    article,
    publish,
    read_until,
)

from service.kafka.broker import free_port

RICH = article(
    "ui-rich-1",
    "Germany and France on Monday accused Russia of jamming satellite signals over the Baltic "
    "Sea, after a Lufthansa flight from Frankfurt to Helsinki was forced to turn back.\n\n"
    "German Foreign Minister Anna Keller said Berlin would summon the Russian ambassador. "
    "Moscow denied the accusation.\n\n"
    "NATO will send 300 additional troops to Estonia and Latvia next week, a spokesman in "
    "Brussels said. Finland and Sweden urged the European Union to impose new sanctions on "
    "Russian firms.",
    title="Baltic states seek help after satellite jamming over Gulf of Finland",
    source="testwire",
    published_at="2026-03-02T10:00:00Z",
)
SCRIPT = "<script>window.__pwned = 1; document.title = 'pwned';</script>"
IMG = "<img src=x onerror=\"window.__pwned = 2; document.title = 'pwned'\">"
HOSTILE = article(
    "ui-hostile-1",
    f"Officials in Paris said on Tuesday that the tag {SCRIPT} was found in a leaflet. "
    f"Another line {IMG} was posted by the ministry in Berlin. Talks continue in London.",
    title=f"Leaflet {SCRIPT} {IMG}",
    source=f"<b onmouseover=\"window.__pwned = 3\">{SCRIPT}</b>",
)
BAD = (b"ui-bad-1", b"{this is not json")

# What the page shows, read through the DOM only (no page code), as one JSON value.
DOM_SUMMARY = """(() => {
  const cards = [...document.querySelectorAll("article.record")].map((card) => ({
    title: card.querySelector("h3").textContent,
    meta: card.querySelector(".meta").textContent,
    text: card.querySelector("p.text").textContent,
    marks: card.querySelectorAll("p.text mark[data-label]").length,
    labels: [...card.querySelectorAll("mark[data-label]")].map((m) => m.dataset.label),
    hovers: [...card.querySelectorAll("mark[title]")].map((m) => m.title),
    badges: [...card.querySelectorAll(".badge")].map((b) => b.textContent),
    events: [...card.querySelectorAll("table.events tbody tr")].map((r) => r.dataset.eventType),
    elements: [...card.querySelectorAll("*")].map((e) => e.tagName.toLowerCase()),
  }));
  return {
    state: document.getElementById("status").dataset.state || null,
    cards,
    errors: [...document.querySelectorAll("#dead-letters .error-type")].map((e) => e.textContent),
    originals: [...document.querySelectorAll("#dead-letters pre")].map((e) => e.textContent),
    scripts: [...document.scripts].map((s) => s.getAttribute("src")),
    images: document.images.length,
    title: document.title,
    pwned: typeof window.__pwned,
  };
})()"""


FILTERED = """(() => ({
  cards: [...document.querySelectorAll("article.record")].map((card) => ({
    title: card.querySelector("h3").textContent,
    events: [...card.querySelectorAll("table.events tbody tr")].map((r) => r.dataset.eventType),
  })),
  counts: Object.fromEntries([...document.querySelectorAll("#event-counts li")].map(
    (li) => [li.dataset.eventType, Number(li.textContent.split(" ").pop())])),
  errors: [...document.querySelectorAll("#dead-letters .error-type")].map((e) => e.textContent),
}))()"""


@dataclass
class UiProcess:
    """`entity-service ui` as a child process, as an operator would start it."""

    bootstrap: str
    topics: Topics
    recent: int = 200
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    def start(self, timeout: float = 60.0) -> UiProcess:
        env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap, **self.topics.env()}
        self.log_path = Path(f"/tmp/entity-ui-{self.topics.group}-{time.time_ns()}.log")
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "service.cli", "ui", "--port", str(self.port),
                 "--recent", str(self.recent)],
                env=env, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"ui exited: {self.log()}"
            if self.status().get("state") == "following":
                return self
            time.sleep(0.2)
        raise TimeoutError(f"ui not following in {timeout}s: {self.log()}")

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def recent_items(self) -> list[dict[str, object]]:
        with urllib.request.urlopen(self.url("/api/recent"), timeout=5) as response:
            items: list[dict[str, object]] = orjson.loads(response.read())
        return items

    def status(self) -> dict[str, object]:
        """The follower's status, the first event of the page's stream ({} when not up)."""
        try:
            with urllib.request.urlopen(self.url("/stream"), timeout=5) as stream:
                stream.readline()  # retry:
                stream.readline()
                event, data = stream.readline(), stream.readline()
        except OSError:
            return {}
        assert event == b"event: item\n", event
        status: dict[str, object] = orjson.loads(data.removeprefix(b"data: "))
        return status

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace")[-3000:] if self.log_path else ""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    binary = chromium_binary()
    if binary is None:
        pytest.fail("chromium is not installed (.ci/run installs the Debian package)")
    chromium = Browser(binary)
    yield chromium
    chromium.close()


def _record_of(received: list[Received], article_id: str) -> dict[str, object]:
    return next(r.value for r in received if r.value.get("article_id") == article_id)


def _shown(summary: dict[str, object]) -> bool:
    cards = summary["cards"]
    assert isinstance(cards, list)
    titles = {card["title"]: card for card in cards}
    rich = titles.get(orjson.loads(RICH[1])["title"])
    return (
        rich is not None
        and rich["marks"] >= 10
        and bool(rich["events"])
        and "not_json" in summary["errors"]  # type: ignore[operator]
        and any("ui-hostile-1" in card["meta"] for card in cards)
    )


class TestLivePage:
    def test_published_articles_appear_live_with_marks_events_and_dead_letters(
        self, kafka: str, topics: Topics, browser: Browser
    ) -> None:
        """Within 20 s of publishing: title, >= 10 marks, event types, a dead letter's reason."""
        service = ServiceProcess(kafka, topics).start()
        ui = UiProcess(kafka, topics).start()
        try:
            page = browser.open(ui.url())
            assert page.wait_for(DOM_SUMMARY, lambda s: s["state"] == "following", 20)
            published = time.monotonic()
            publish(kafka, topics.input, [RICH, HOSTILE, BAD])
            summary = page.wait_for(DOM_SUMMARY, _shown, timeout=20)
            waited = time.monotonic() - published
            assert _shown(summary), (f"not all shown after {waited:.1f} s", summary, ui.log())

            received = asyncio.run(
                read_until(kafka, [topics.output], lambda got: len(got) >= 2, timeout=30)
            )
            self._check_rich(summary, _record_of(received, "ui-rich-1"))
            self._check_inert(page, summary)
            self._check_filters(page)
        finally:
            assert ui.stop() == 0, ui.log()
            service.stop()

    @staticmethod
    def _check_rich(summary: dict[str, object], record: dict[str, object]) -> None:
        cards = summary["cards"]
        assert isinstance(cards, list)
        card = next(c for c in cards if c["title"] == record["title"])
        events = record["events"]
        entities = record["entities"]
        assert isinstance(events, list) and isinstance(entities, list)
        assert card["events"] == [event["type"] for event in events]
        assert card["text"] == record["text"]  # the marks cut the text, they lose nothing
        mentions = sum(len(entity["mentions"]) for entity in entities)
        assert 10 <= card["marks"] <= mentions
        assert set(card["labels"]) <= {entity["label"] for entity in entities}
        assert any("country DE" in hover for hover in card["hovers"]), card["hovers"]
        assert "{this is not json" in summary["originals"]  # type: ignore[operator]
        story, tone = record["story"], record["tone"]
        assert isinstance(story, dict) and isinstance(tone, dict)
        assert f"story: {story['size']} article(s), first {story['first_article_id']}" in (
            card["badges"]
        )
        assert f"tone {tone['score']:.2f}" in card["badges"]

    @staticmethod
    def _check_inert(page: Page, summary: dict[str, object]) -> None:
        cards = summary["cards"]
        assert isinstance(cards, list)
        card = next(c for c in cards if "ui-hostile-1" in c["meta"])
        assert SCRIPT in card["title"] and IMG in card["title"]
        assert SCRIPT in card["text"] and IMG in card["text"]
        assert SCRIPT in card["meta"]  # the source, with its markup, as text
        assert not {"script", "img", "b"} & set(card["elements"]), card["elements"]
        assert summary["scripts"] == ["/static/app.js"]
        assert summary["images"] == 0
        time.sleep(1.0)  # an onerror would fire on the failed image load: give it the chance
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.evaluate("document.title") == "entity-service: live records"


    @staticmethod
    def _check_filters(page: Page) -> None:
        """Each filter narrows what is shown, and the counts follow what is shown."""

        def choose(element: str, value: str, shows: Callable[[Any], bool]) -> Any:
            page.evaluate(
                f"(() => {{ const e = document.getElementById({element!r}); e.value = {value!r};"
                " e.dispatchEvent(new Event('input')); })()"
            )
            shown = page.wait_for(FILTERED, shows, timeout=5)
            assert shows(shown), (element, value, shown)
            return shown

        rich_title = orjson.loads(RICH[1])["title"]
        choose("filter-entity", "anna kel", lambda s: [c["title"] for c in s["cards"]] == [
            rich_title
        ])
        choose("filter-entity", "", lambda s: len(s["cards"]) == 2)
        rejects = choose("filter-event", "REJECT", lambda s: len(s["cards"]) == 1)
        assert all("REJECT" in card["events"] for card in rejects["cards"])
        assert rejects["counts"] == dict(Counter(rejects["cards"][0]["events"]))
        choose("filter-event", "", lambda s: len(s["cards"]) == 2)
        choose("filter-error", "not_json", lambda s: s["errors"] == ["not_json"])


class TestRecent:
    def test_starts_from_the_last_messages_of_each_topic(self, kafka: str, topics: Topics) -> None:
        """--recent N: the last N messages of a topic (one batch, where ListOffsets is wrong)."""
        letters = [
            (b"k", orjson.dumps({"error": {"type": f"kind_{n}", "message": "m"}, "original": ""}))
            for n in range(30)
        ]
        publish(kafka, topics.dlq, letters)
        publish(kafka, topics.output, [(b"k", b"not a record")])
        ui = UiProcess(kafka, topics, recent=5).start()
        try:
            started_at = ui.status()["started_at"]
            deadline = time.monotonic() + 20
            items = ui.recent_items()
            while len(items) < 6 and time.monotonic() < deadline:
                time.sleep(0.2)
                items = ui.recent_items()
        finally:
            assert ui.stop() == 0, ui.log()
        assert isinstance(started_at, dict)
        # 8 partitions: the one holding the 30 letters starts at 30 - 5, the others at 0.
        assert sorted(started_at.values()) == [0] * 7 + [25], started_at
        kinds = sorted(str(item["error_type"]) for item in items)
        assert kinds == ["kind_25", "kind_26", "kind_27", "kind_28", "kind_29",
                         "unreadable_message"]
