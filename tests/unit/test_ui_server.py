"""The page's HTTP side: static files from the package, strict headers, the event stream."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator

import httpx
import orjson
import pytest

from service.ui import server
from service.ui.server import CONTENT_SECURITY_POLICY, _stream, bind, create_app, sse_event
from service.ui.store import RecentStore

Client = httpx.AsyncClient


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    store = RecentStore(10)
    store.add("records", {"kind": "record", "key": "record:r1", "timestamp_ms": 1})
    transport = httpx.ASGITransport(app=create_app(store))
    async with httpx.AsyncClient(transport=transport, base_url="http://ui") as client:
        yield client


class TestPage:
    async def test_page_loads_its_script_and_style_from_files(self, client: Client) -> None:
        """The page has no inline script or style and nothing from another origin."""
        page = await client.get("/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        html = page.text
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>']
        assert "<style" not in html and " on" not in html.replace(" only", "")
        assert not re.search(r"(src|href)=\"(https?:)?//", html)

    @pytest.mark.parametrize(
        ("path", "media"), [("/static/app.js", "javascript"), ("/static/style.css", "text/css")]
    )
    async def test_assets_are_served(self, client: Client, path: str, media: str) -> None:
        """The script and the style sheet are package data served by the app."""
        response = await client.get(path)
        assert response.status_code == 200 and media in response.headers["content-type"]

    async def test_script_never_parses_data_as_html(self, client: Client) -> None:
        """app.js builds nodes with textContent; no innerHTML, outerHTML, insertAdjacentHTML."""
        script = (await client.get("/static/app.js")).text
        assert "textContent" in script
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in script

    @pytest.mark.parametrize("path", ["/", "/static/app.js", "/api/recent", "/nope"])
    async def test_security_headers_on_every_response(self, client: Client, path: str) -> None:
        """CSP (script only from our files), nosniff and no referrer, on every path."""
        headers = (await client.get(path)).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"

    def test_policy_forbids_inline_and_foreign_script(self) -> None:
        """script-src is 'self' alone: no 'unsafe-inline', no 'unsafe-eval', no other host."""
        directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
        assert directives["script-src"] == "'self'"
        assert directives["default-src"] == "'none'"

    async def test_recent_items_as_json(self, client: Client) -> None:
        """/api/recent returns what the store keeps."""
        assert (await client.get("/api/recent")).json() == [
            {"kind": "record", "key": "record:r1", "timestamp_ms": 1}
        ]


class TestStream:
    def test_event_is_one_data_line(self) -> None:
        """Newlines in article text stay escaped inside the JSON: one event, one data line."""
        event = sse_event({"text": "a\nb\r\n\nc"})
        assert event.count(b"\n") == 3 and event.endswith(b"\n\n")
        assert orjson.loads(event.split(b"data: ", 1)[1]) == {"text": "a\nb\r\n\nc"}

    async def test_status_then_snapshot_then_live_then_end(self) -> None:
        """A new page gets the status, the kept items, then each new item until the end."""
        store = RecentStore(10)
        store.add("t", {"key": "old", "timestamp_ms": 1})
        stream = _stream(store)
        first = await anext(stream)
        assert first.startswith(b"retry: 2000\n\n") and b'"kind":"status"' in first
        assert b'"key":"old"' in await anext(stream)
        store.add("t", {"key": "new", "timestamp_ms": 2})
        assert b'"key":"new"' in await anext(stream)
        store.end_streams()
        with pytest.raises(StopAsyncIteration):
            await anext(stream)

    async def test_heartbeat_when_idle(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An idle stream sends a comment line, so a gone page is noticed."""
        monkeypatch.setattr(server, "HEARTBEAT_S", 0.01)
        stream = _stream(RecentStore(10))
        await anext(stream)
        assert await anext(stream) == b": keep-alive\n\n"
        await stream.aclose()


class TestBind:
    def test_taken_port_fails_at_once(self) -> None:
        """Binding a port in use raises OSError before anything else starts."""
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            with pytest.raises(OSError):
                bind("127.0.0.1", taken.getsockname()[1])
