"""The page's HTTP side: the static page, a server-sent-event stream of items, strict headers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator
from importlib.resources import files
from types import FrameType
from typing import Any

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.ui.follower import Follower
from service.ui.store import RecentStore

__all__ = ["CONTENT_SECURITY_POLICY", "bind", "create_app", "serve", "sse_event"]

log = logging.getLogger("entity_service.ui")

# Script only from our own files: no inline script, no handler attribute, no eval, nothing
# from elsewhere. Even if article text were ever parsed as HTML, it could not run.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-cache"),
]
HEARTBEAT_S = 15.0


class SecurityHeaders:
    """ASGI middleware: the headers above on every response (streams included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def sse_event(item: dict[str, Any]) -> bytes:
    """One server-sent event; orjson never emits a newline, so one `data:` line holds it all."""
    return b"event: item\ndata: " + orjson.dumps(item) + b"\n\n"


async def _stream(store: RecentStore) -> AsyncIterator[bytes]:
    """The status and every kept item, then each new one; a comment line now and then."""
    with store.subscribe() as subscription:
        yield b"retry: 2000\n\n" + sse_event(store.status)
        for kept in store.snapshot():
            yield sse_event(kept)
        while True:
            try:
                item = await asyncio.wait_for(subscription.queue.get(), HEARTBEAT_S)
            except TimeoutError:
                yield b": keep-alive\n\n"
                continue
            if item is None:  # fell behind: end, the browser reconnects to a fresh snapshot
                return
            yield sse_event(item)


def create_app(store: RecentStore) -> Starlette:
    """The Starlette app over a store (filled by a Follower, or by hand in tests)."""
    static = files("service.ui") / "static"
    index = (static / "index.html").read_bytes()

    async def page(_request: Request) -> Response:
        return Response(index, media_type="text/html; charset=utf-8")

    async def stream(_request: Request) -> StreamingResponse:
        return StreamingResponse(
            _stream(store), media_type="text/event-stream", headers={"x-accel-buffering": "no"}
        )

    async def recent(_request: Request) -> Response:
        return Response(orjson.dumps(store.snapshot()), media_type="application/json")

    app = Starlette(
        routes=[
            Route("/", page),
            Route("/stream", stream),
            Route("/api/recent", recent),
            Mount("/static", StaticFiles(packages=[("service.ui", "static")]), name="static"),
        ]
    )
    app.add_middleware(SecurityHeaders)
    return app


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything starts so a taken port fails at once."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    return sock


class _Server(uvicorn.Server):
    """uvicorn's server, ending the event streams as soon as shutdown starts.

    Otherwise every open page would hold its connection until the graceful-shutdown timeout.
    """

    def __init__(self, config: uvicorn.Config, store: RecentStore) -> None:
        super().__init__(config)
        self._store = store

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self._store.end_streams()
        super().handle_exit(sig, frame)


async def serve(store: RecentStore, follower: Follower, sock: socket.socket) -> None:
    """Follow the topics and serve the page until SIGINT/SIGTERM (uvicorn handles both)."""
    config = uvicorn.Config(
        create_app(store), log_level="warning", timeout_graceful_shutdown=2, lifespan="off"
    )
    server = _Server(config, store)
    following = asyncio.create_task(follower.run())

    def follower_ended(task: asyncio.Task[None]) -> None:
        if not task.cancelled():  # a page over a dead follower would show a frozen stream
            store.end_streams()
            server.should_exit = True

    following.add_done_callback(follower_ended)
    try:
        await server.serve(sockets=[sock])
    finally:
        following.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await following
        await follower.stop()
    if not following.cancelled() and (error := following.exception()) is not None:
        raise error
