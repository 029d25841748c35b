"""Tracing: off without an OTLP endpoint (no middleware), on with one; outputs keep their trace."""

from __future__ import annotations

import pytest
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from opentelemetry import trace

from service.config import Settings
from service.kafka.telemetry import Tracing

PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


class TestTracing:
    def test_off_without_endpoint(self, settings: Settings) -> None:
        """No endpoint: no middleware at all, and `continued` leaves the context alone."""
        tracing = Tracing(settings)
        assert not tracing.enabled and tracing.middlewares == []
        with tracing.continued({"traceparent": PARENT}):
            assert not trace.get_current_span().get_span_context().is_valid

    def test_on_with_endpoint_continues_the_input_trace(self, settings: Settings) -> None:
        """An endpoint turns the telemetry middleware on; each output runs in its input's trace."""
        tracing = Tracing(
            settings.model_copy(update={"otel_exporter_otlp_endpoint": "http://127.0.0.1:9"})
        )
        try:
            assert tracing.enabled
            assert [type(m) for m in tracing.middlewares] == [KafkaTelemetryMiddleware]
            with tracing.continued({"traceparent": PARENT}):
                context = trace.get_current_span().get_span_context()
                assert format(context.trace_id, "032x") == PARENT.split("-")[1]
            assert not trace.get_current_span().get_span_context().is_valid
        finally:
            tracing.shutdown()

    def test_standard_variable_is_read(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """OTEL_EXPORTER_OTLP_ENDPOINT, the standard name, sets the endpoint."""
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
        assert Settings().otel_exporter_otlp_endpoint == "http://collector:4318"
