"""OpenTelemetry spans exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from confluent_kafka import Producer
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from support import ServiceProcess, Topics, article, collect, create_topics
from test_prometheus import wait_for

TRACE_ID = "5b8efff798038103d269b633813fc60c"
PARENT = f"00-{TRACE_ID}-eee19b7ec3c1b174-01"


class Collector:
    """An OTLP/HTTP trace receiver: keeps every span it is sent (protobuf, as the SDK sends)."""

    def __init__(self) -> None:
        self.spans: list[tuple[str, str, int]] = []  # (trace id, name, kind)
        spans = self.spans

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # the http.server API
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path == "/v1/traces":
                    request = ExportTraceServiceRequest.FromString(body)
                    for resource in request.resource_spans:
                        for scope in resource.scope_spans:
                            spans.extend(
                                (span.trace_id.hex(), span.name, span.kind)
                                for span in scope.spans
                            )
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def collector() -> Iterator[Collector]:
    collector = Collector()
    collector.thread.start()
    yield collector
    collector.server.shutdown()


def test_spans_reach_the_collector_in_the_input_trace(kafka: str, collector: Collector) -> None:
    """Consume, process and publish spans are exported; the record's span is in the input trace."""
    topics = Topics.fresh()
    create_topics(kafka, topics)
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint, "OTEL_BSP_SCHEDULE_DELAY": "500"}
    service = ServiceProcess(kafka, topics, extra_env=env).start()
    try:
        key, value = article("traced-1", "Officials in Nairobi met envoys from Uganda on Monday.")
        producer = Producer({"bootstrap.servers": kafka, "enable.idempotence": False})
        producer.produce(topics.input, value, key=key, headers=[("traceparent", PARENT.encode())])
        assert producer.flush(30) == 0
        (record,) = collect(kafka, [topics.output], 1, timeout=60)
        assert record.headers["traceparent"].decode().split("-")[1] == TRACE_ID
        wait_for(
            "a publish span in the input's trace",
            lambda: any(t == TRACE_ID and "publish" in n for t, n, _ in collector.spans),
            timeout=30,
        )
        wait_for(
            "the batch's process span",
            lambda: any(n == f"{topics.input} process" for _, n, _ in collector.spans),
            timeout=30,
        )
        # The record's traceparent names a span the collector received, in the input's trace.
        names = {n for t, n, _ in collector.spans if t == TRACE_ID}
        assert f"{topics.output} publish" in names, collector.spans
    finally:
        service.stop()
