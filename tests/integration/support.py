"""Real-broker helpers for the integration tier: topics, a service process, publish, collect."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from service.kafka import clients
from service.kafka.broker import ensure_topics, free_port
from service.kafka.clients import Message

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Topics:
    """Unique topic and group names per test, so tests never see each other's messages."""

    input: str
    output: str
    dlq: str
    group: str

    @classmethod
    def fresh(cls) -> Topics:
        tag = uuid.uuid4().hex[:10]
        return cls(f"in-{tag}", f"out-{tag}", f"dlq-{tag}", f"group-{tag}")

    def env(self) -> dict[str, str]:
        return {
            "ENTITY_INPUT_TOPIC": self.input,
            "ENTITY_OUTPUT_TOPIC": self.output,
            "ENTITY_DLQ_TOPIC": self.dlq,
            "ENTITY_GROUP_ID": self.group,
        }


def create_topics(bootstrap: str, topics: Topics, partitions: int = 4) -> None:
    asyncio.run(ensure_topics(bootstrap, [topics.input, topics.output, topics.dlq], partitions))


@dataclass
class ServiceProcess:
    """`entity-service run` as a real child process, as an operator would start it."""

    bootstrap: str
    topics: Topics
    workers: int = 1
    extra_env: dict[str, str] = field(default_factory=dict)
    metrics_port: int = 0
    own_group: bool = False  # a process group of its own, so `kill()` can take the workers too
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    def start(self, *, wait_ready: float = 120.0) -> ServiceProcess:
        self.metrics_port = self.metrics_port or free_port()
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "ENTITY_WORKERS": str(self.workers),
            # One pipeline per worker unless a test asks for more (the service's default is a
            # pipeline per core): model loads are the suite's largest cost.
            "ENTITY_WORKER_PIPELINES": "1",
            "ENTITY_BATCH_MAX_WAIT_MS": "100",
            **self.topics.env(),
            **self.extra_env,
        }
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self.log_path = Path(f"/tmp/entity-service-{self.topics.group}-{time.time_ns()}.log")
        log = open(self.log_path, "wb")  # the child process owns it
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "service.cli",
                "run",
                "--metrics-port",
                str(self.metrics_port),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=PROJECT_ROOT,
            start_new_session=self.own_group,
        )
        if wait_ready:
            self.wait_ready(wait_ready)
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.metrics_port}{path}"

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url(path), timeout=5) as response:
                return int(response.status), bytes(response.read())
        except urllib.error.HTTPError as exc:
            return int(exc.code), exc.read()

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"service exited with {self.process.returncode}: {self.log()}")
            try:
                if self.get("/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"service not ready in {timeout}s: {self.log()}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 90.0) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def kill(self) -> None:
        """`kill -9` the supervisor and every worker at once, as a crashed node would die."""
        assert self.process is not None and self.own_group, "kill() needs own_group=True"
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def log(self, size: int = 4000) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_bytes()[-size:].decode("utf-8", "replace")


async def publish_async(
    bootstrap: str,
    topic: str,
    messages: Sequence[Message],
    headers: Sequence[tuple[str, bytes]] | None = None,
) -> None:
    await clients.publish(bootstrap, topic, messages, headers=headers)


def publish(
    bootstrap: str,
    topic: str,
    messages: Sequence[Message],
    headers: Sequence[tuple[str, bytes]] | None = None,
) -> None:
    asyncio.run(publish_async(bootstrap, topic, messages, headers))


def article(article_id: str, text: str, **fields: object) -> tuple[bytes, bytes]:
    return article_id.encode(), orjson.dumps({"id": article_id, "text": text, **fields})


@dataclass(frozen=True)
class Received:
    topic: str
    key: bytes | None
    value: dict[str, object]
    headers: dict[str, bytes] = field(default_factory=dict)


async def read_until(
    bootstrap: str,
    topics: Sequence[str],
    done: Callable[[list[Received]], bool],
    timeout: float,
    settle: float = 0.0,
) -> list[Received]:
    """Read from the start until `done(received)` holds (then `settle` s more), or timeout."""

    def parse(record: Any) -> Received:
        value = orjson.loads(record.value or b"null")
        return Received(record.topic, record.key, value, dict(record.headers))

    return await clients.read_until(bootstrap, topics, parse, done, timeout, settle_s=settle)


async def collect_async(
    bootstrap: str, topics: Sequence[str], count: int, timeout: float, settle: float = 0.0
) -> list[Received]:
    """Read from the start until `count` messages arrived (then `settle` s more), or timeout."""
    return await read_until(bootstrap, topics, lambda got: len(got) >= count, timeout, settle)


def collect(
    bootstrap: str, topics: Sequence[str], count: int, timeout: float = 120.0, settle: float = 0.0
) -> list[Received]:
    return asyncio.run(collect_async(bootstrap, topics, count, timeout, settle))
