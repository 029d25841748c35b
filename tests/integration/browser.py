"""Headless Chromium driven over the DevTools protocol on a pipe (no websocket library needed).

`--remote-debugging-pipe` makes Chromium read NUL-terminated JSON commands on fd 3 and write
responses and events on fd 4, which is how Playwright talks to it. Enough of the protocol for
the tests: open a page, evaluate an expression, close.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from typing import Any

import orjson

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
)


def chromium_binary() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """One headless Chromium process; `open(url)` gives a Page."""

    def __init__(self, binary: str) -> None:
        self._profile = tempfile.mkdtemp(prefix="chromium-profile-")
        commands_read, self._commands = os.pipe()
        self._responses, responses_write = os.pipe()
        script = f'exec "$0" "$@" 3<&{commands_read} 4>&{responses_write}'
        self._process = subprocess.Popen(
            ["bash", "-c", script, binary, *CHROMIUM_FLAGS, "--remote-debugging-pipe",
             f"--user-data-dir={self._profile}", "about:blank"],
            pass_fds=(commands_read, responses_write),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(commands_read)
        os.close(responses_write)
        self._ids = itertools.count(1)
        self._answers: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = b""
        with open(self._responses, "rb", buffering=0) as pipe:
            while chunk := pipe.read(65536):
                buffer += chunk
                *messages, buffer = buffer.split(b"\0")
                for raw in messages:
                    message = orjson.loads(raw)
                    answer = self._answers.get(message.get("id", -1))
                    if answer is not None:
                        answer.put(message)

    def send(
        self, method: str, params: dict[str, Any] | None = None, *,
        session: str | None = None, timeout: float = 30.0,
    ) -> dict[str, Any]:
        """One command; its result, or AssertionError with the protocol's error."""
        number = next(self._ids)
        answer: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=1)
        self._answers[number] = answer
        command: dict[str, Any] = {"id": number, "method": method, "params": params or {}}
        if session is not None:
            command["sessionId"] = session
        with self._lock:
            os.write(self._commands, orjson.dumps(command) + b"\0")
        try:
            message = answer.get(timeout=timeout)
        finally:
            del self._answers[number]
        assert "error" not in message, f"{method}: {message['error']}"
        result: dict[str, Any] = message.get("result", {})
        return result

    def open(self, url: str, timeout: float = 20.0) -> Page:
        """A new tab with `url` loaded (its load event fired)."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})
        page = Page(self, session["sessionId"])
        page.send("Page.navigate", {"url": url})
        loaded = f"{url} complete"
        state = page.wait_for("location.href + ' ' + document.readyState", loaded.__eq__, timeout)
        assert state == loaded, f"{url} not loaded in {timeout} s: {state}"
        return page

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.send("Browser.close", timeout=5)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        with contextlib.suppress(OSError):
            os.close(self._commands)
        shutil.rmtree(self._profile, ignore_errors=True)


class Page:
    """A tab of the browser, addressed through its flattened session."""

    def __init__(self, browser: Browser, session: str) -> None:
        self._browser = browser
        self._session = session

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._browser.send(method, params, session=self._session)

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page."""
        result = self.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}
        )
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def wait_for(self, expression: str, predicate: Any, timeout: float) -> Any:
        """Evaluate until `predicate(value)` holds; the last value either way."""
        deadline = time.monotonic() + timeout
        value = self.evaluate(expression)
        while not predicate(value) and time.monotonic() < deadline:
            time.sleep(0.25)
            value = self.evaluate(expression)
        return value

    def screenshot(self) -> bytes:
        import base64

        return base64.b64decode(self.send("Page.captureScreenshot", {"format": "png"})["data"])
