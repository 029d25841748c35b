"""OpenTelemetry through FastStream's Kafka telemetry middleware, on only when OTLP is configured.

Off (no `OTEL_EXPORTER_OTLP_ENDPOINT`), the broker gets no middleware at all and the trace
headers are copied verbatim, so tracing costs nothing. On, spans for consume, process and
publish go to the collector over OTLP/HTTP, and each output is published under its input's
extracted context, so its `traceparent` (injected by the middleware) keeps the input's trace id
even though a batch holds articles of many traces.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from service.config import Settings

__all__ = ["Tracing"]


class Tracing:
    """The middleware (or none) and the per-output context switch."""

    def __init__(self, settings: Settings) -> None:
        self.provider: Any = None
        self.middlewares: list[Any] = []
        if settings.otel_exporter_otlp_endpoint:
            self._start(settings.otel_exporter_otlp_endpoint, settings.otel_service_name)

    @property
    def enabled(self) -> bool:
        return self.provider is not None

    def _start(self, endpoint: str, service_name: str) -> None:
        from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        from service import __version__

        resource = Resource.create({"service.name": service_name, "service.version": __version__})
        self.provider = TracerProvider(resource=resource)
        # The standard variable names the base URL; the traces path is appended as the SDK does.
        exporter = OTLPSpanExporter(endpoint=endpoint.rstrip("/") + "/v1/traces")
        self.provider.add_span_processor(BatchSpanProcessor(exporter))
        self.middlewares = [KafkaTelemetryMiddleware(tracer_provider=self.provider)]

    @contextlib.contextmanager
    def continued(self, trace: dict[str, str]) -> Iterator[None]:
        """Run the block under the input's trace context (a no-op when off or traceless)."""
        if self.provider is None or not trace:
            yield
            return
        from opentelemetry import context
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

        token = context.attach(TraceContextTextMapPropagator().extract(trace))
        try:
            yield
        finally:
            context.detach(token)

    def shutdown(self) -> None:
        """Flush the spans still buffered (a stopping worker's last batch)."""
        if self.provider is not None:
            self.provider.shutdown()
