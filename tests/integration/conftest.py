"""The integration tier: one embedded Tansu broker per session, over TCP on a free port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from redis_server import RedisServer, redis_available
from support import Topics, create_topics

from service.kafka.broker import EmbeddedBroker


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def kafka() -> Iterator[str]:
    """Bootstrap address of a real Kafka-compatible broker for the whole session."""
    with EmbeddedBroker() as broker:
        yield broker.bootstrap_servers


@pytest.fixture
def topics(kafka: str) -> Topics:
    """Fresh input, output and dead-letter topics (4 partitions) and group for one test."""
    names = Topics.fresh()
    create_topics(kafka, names)
    return names


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A fresh real redis-server for one test (skipped where the binary is missing)."""
    if not redis_available():
        pytest.skip("redis-server is not installed (apt-get install redis-server; .ci/run does)")
    server = RedisServer(tmp_path).start()
    try:
        yield server
    finally:
        server.stop()
