"""A TCP proxy between the service and the broker that can cut connections or fail produces.

Kafka clients reach it because the dedicated broker advertises the proxy's port. It reads the
client's requests frame by frame, so it can answer Produce requests for one topic itself, with
an error, while every other request passes through untouched. It can also rewrite the Fetch
responses of one partition (`reject_fetch`): a record batch with a wrong CRC, which the client
rejects, or a TOPIC_AUTHORIZATION_FAILED error; every other response passes untouched.
"""

from __future__ import annotations

import asyncio
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from aiokafka.protocol.fetch import (
    FetchResponse_v4,
    FetchResponse_v5,
    FetchResponse_v6,
    FetchResponse_v7,
    FetchResponse_v8,
    FetchResponse_v9,
    FetchResponse_v10,
    FetchResponse_v11,
)
from aiokafka.protocol.produce import (
    ProduceRequest_v0,
    ProduceRequest_v1,
    ProduceRequest_v2,
    ProduceRequest_v3,
    ProduceRequest_v4,
    ProduceRequest_v5,
    ProduceRequest_v6,
    ProduceRequest_v7,
)

from service.kafka.broker import free_port

__all__ = ["KafkaProxy"]

_PRODUCE = 0
_PRODUCE_REQUESTS = {
    cls.API_VERSION: cls
    for cls in (
        ProduceRequest_v0,
        ProduceRequest_v1,
        ProduceRequest_v2,
        ProduceRequest_v3,
        ProduceRequest_v4,
        ProduceRequest_v5,
        ProduceRequest_v6,
        ProduceRequest_v7,
    )
}
_FETCH = 1
_FETCH_RESPONSES = {
    cls.API_VERSION: cls
    for cls in (
        FetchResponse_v4,
        FetchResponse_v5,
        FetchResponse_v6,
        FetchResponse_v7,
        FetchResponse_v8,
        FetchResponse_v9,
        FetchResponse_v10,
        FetchResponse_v11,
    )
}
_TOPIC_AUTHORIZATION_FAILED = 29
_CRC_AT = 17  # base offset (8), length (4), leader epoch (4), magic (1), then the CRC
#: POLICY_VIOLATION: not retriable, so the producer fails the send and the service's own
#: retry policy (not aiokafka's) is what the test watches.
FAILED_PRODUCE_ERROR = 44


@dataclass(eq=False)  # hashed by identity: kept in a set
class _Connection:
    """One client connection: its writers and the answers owed to the client, in order."""

    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter
    # Kafka answers in request order: a forged answer waits behind the broker's owed ones.
    owed: deque[bytes | None] = field(default_factory=deque)
    # correlation id -> (api key, version) of each forwarded request, to read its response
    asked: dict[int, tuple[int, int]] = field(default_factory=dict)

    def abort(self) -> None:
        for writer in (self.client, self.upstream):
            writer.transport.abort()


class KafkaProxy:
    """Forwards 127.0.0.1:port to the broker; `cut()` and `fail_produce()` inject faults."""

    def __init__(self, upstream_port: int, *, port: int | None = None) -> None:
        self.upstream_port = upstream_port
        self.port = port or free_port()
        self.connections_cut = 0
        self.produces_failed = 0
        self._cut_until = 0.0
        self._fail_topic: str | None = None
        self._fail_until = 0.0
        self._reject: tuple[str, int, str] | None = None
        self.fetches_rejected = 0
        self._connections: set[_Connection] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None

    # --- control, from the test's thread ---------------------------------------------
    def start(self) -> KafkaProxy:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._serve(), self._loop)
        future.result(timeout=10)
        return self

    def stop(self) -> None:
        async def close() -> None:
            for connection in list(self._connections):
                connection.abort()
            if self._server is not None:
                self._server.close()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def cut(self, seconds: float) -> None:
        """Drop every connection now and refuse new ones for `seconds`."""
        self._cut_until = time.monotonic() + seconds

        async def drop() -> None:
            for connection in list(self._connections):
                connection.abort()
            self.connections_cut += len(self._connections)
            self._connections.clear()

        asyncio.run_coroutine_threadsafe(drop(), self._loop).result(timeout=10)

    def fail_produce(self, topic: str, seconds: float) -> None:
        """Answer Produce requests for `topic` with an error for the next `seconds`."""
        self._fail_topic = topic
        self._fail_until = time.monotonic() + seconds

    def reject_fetch(self, topic: str, partition: int, how: str = "crc") -> None:
        """Until `accept_fetch()`: fetches of the partition get a batch with a bad CRC ("crc")
        or a TOPIC_AUTHORIZATION_FAILED error ("auth")."""
        assert how in ("crc", "auth"), how
        self._reject = (topic, partition, how)

    def accept_fetch(self) -> None:
        self._reject = None

    @property
    def cutting(self) -> bool:
        return time.monotonic() < self._cut_until

    # --- the proxy itself, on its own loop -------------------------------------------
    async def _serve(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.cutting:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            writer.transport.abort()
            return
        connection = _Connection(writer, up_writer)
        self._connections.add(connection)
        try:
            await asyncio.gather(
                self._requests(reader, connection), self._responses(up_reader, connection)
            )
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            self._connections.discard(connection)
            connection.abort()

    async def _requests(self, reader: asyncio.StreamReader, connection: _Connection) -> None:
        while True:
            size = await reader.readexactly(4)
            frame = await reader.readexactly(struct.unpack(">i", size)[0])
            forged = self._forged_answer(frame)
            if forged is None:
                api_key, version, correlation_id = struct.unpack(">hhi", frame[:8])
                connection.asked[correlation_id] = (api_key, version)
                connection.owed.append(None)
                connection.upstream.write(size + frame)
            elif connection.owed:
                connection.owed.append(forged)
            else:
                connection.client.write(forged)

    async def _responses(self, reader: asyncio.StreamReader, connection: _Connection) -> None:
        while True:
            size = await reader.readexactly(4)
            frame = await reader.readexactly(struct.unpack(">i", size)[0])
            (correlation_id,) = struct.unpack(">i", frame[:4])
            api_key, version = connection.asked.pop(correlation_id, (-1, -1))
            if api_key == _FETCH and self._reject is not None:
                frame = self._rewritten_fetch(frame, version)
                size = struct.pack(">i", len(frame))
            connection.client.write(size + frame)
            if connection.owed:
                connection.owed.popleft()
            while connection.owed and connection.owed[0] is not None:
                connection.client.write(connection.owed.popleft() or b"")

    def _rewritten_fetch(self, frame: bytes, version: int) -> bytes:
        """The Fetch response with the rejected partition's data spoiled (see reject_fetch)."""
        response_type = _FETCH_RESPONSES.get(version)
        if response_type is None or self._reject is None:
            return frame
        topic_name, number, how = self._reject
        response = response_type.decode(frame[4:])
        topics = []
        for topic, partitions in response.topics:
            rewritten = []
            for fields in partitions:
                partition, error_code, *rest = fields
                if topic == topic_name and partition == number:
                    if how == "auth":
                        error_code, rest[-1] = _TOPIC_AUTHORIZATION_FAILED, b""
                        self.fetches_rejected += 1
                    elif rest[-1]:
                        rest[-1] = _bad_crc(rest[-1])
                        self.fetches_rejected += 1
                rewritten.append((partition, error_code, *rest))
            topics.append((topic, rewritten))
        response.topics = topics
        return frame[:4] + response.encode()

    def _forged_answer(self, frame: bytes) -> bytes | None:
        """An error answer to a Produce request for the failing topic, else None (forward)."""
        if self._fail_topic is None or time.monotonic() >= self._fail_until:
            return None
        api_key, version, correlation_id, client_len = struct.unpack(">hhih", frame[:10])
        request_type = _PRODUCE_REQUESTS.get(version)
        if api_key != _PRODUCE or request_type is None:
            return None
        body = frame[10 + max(client_len, 0) :]
        request = request_type.decode(body)
        if request.required_acks == 0:
            return None
        topics = [topic for topic, _ in request.topics]
        if self._fail_topic not in topics:
            return None
        self.produces_failed += 1
        answer = request_type.RESPONSE_TYPE(**_response_fields(version, request.topics))
        payload = struct.pack(">i", correlation_id) + answer.encode()
        return struct.pack(">i", len(payload)) + payload


def _response_fields(version: int, topics: list[tuple[str, list[tuple[int, bytes]]]]) -> dict:
    """Every partition of the request answered with FAILED_PRODUCE_ERROR."""

    def partition(number: int) -> tuple[int, ...]:
        fields = [number, FAILED_PRODUCE_ERROR, -1]
        if version >= 2:
            fields.append(-1)  # timestamp
        if version >= 5:
            fields.append(-1)  # log start offset
        return tuple(fields)

    fields: dict = {
        "topics": [(topic, [partition(p) for p, _ in partitions]) for topic, partitions in topics]
    }
    if version >= 1:
        fields["throttle_time_ms"] = 0
    return fields


def _bad_crc(records: bytes) -> bytes:
    """Every record batch of a fetched message set with its CRC inverted."""
    spoiled = bytearray(records)
    position = 0
    while position + 12 <= len(spoiled):
        (length,) = struct.unpack(">i", spoiled[position + 8 : position + 12])
        if position + 12 + length > len(spoiled):
            break  # a partial batch at the end of the response: the client ignores it
        at = position + _CRC_AT
        spoiled[at : at + 4] = bytes(b ^ 0xFF for b in spoiled[at : at + 4])
        position += 12 + length
    return bytes(spoiled)
