"""Settings: environment names, validation at start-up, immutability."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from service.config import Settings


class TestSettings:
    def test_reads_prefixed_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """ENTITY_* variables set the fields."""
        monkeypatch.setenv("ENTITY_INPUT_TOPIC", "raw.in")
        monkeypatch.setenv("ENTITY_BATCH_MAX_RECORDS", "17")
        settings = Settings()
        assert settings.input_topic == "raw.in"
        assert settings.batch_max_records == 17

    @pytest.mark.parametrize(
        "variable", ["KAFKA_BOOTSTRAP_SERVERS", "ENTITY_KAFKA_BOOTSTRAP_SERVERS"]
    )
    def test_bootstrap_servers_names(self, monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
        """The bootstrap servers come from the conventional or the prefixed variable."""
        monkeypatch.setenv(variable, "broker-1:9093,broker-2:9093")
        assert Settings().kafka_bootstrap_servers == "broker-1:9093,broker-2:9093"

    @pytest.mark.parametrize(
        ("variable", "value"),
        [
            ("ENTITY_WORKERS", "0"),
            ("ENTITY_BATCH_MAX_RECORDS", "-1"),
            ("ENTITY_KAFKA_SECURITY_PROTOCOL", "CARRIER_PIGEON"),
            ("ENTITY_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"),  # without mechanism and user
            ("ENTITY_KAFKA_SSL_CAFILE", "/nonexistent/ca.pem"),
            ("ENTITY_UNSUPPORTED_LANGUAGE", "guess"),
        ],
    )
    def test_bad_values_fail_fast(
        self, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
    ) -> None:
        """A bad value stops the service at start-up."""
        monkeypatch.setenv(variable, value)
        with pytest.raises(ValidationError):
            Settings()

    def test_sasl_complete(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """SASL_SSL with mechanism, user and password is accepted and the secret is hidden."""
        monkeypatch.setenv("ENTITY_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
        monkeypatch.setenv("ENTITY_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
        monkeypatch.setenv("ENTITY_KAFKA_SASL_USERNAME", "svc")
        monkeypatch.setenv("ENTITY_KAFKA_SASL_PASSWORD", "hunter2")
        settings = Settings()
        assert settings.kafka_sasl_password is not None
        assert settings.kafka_sasl_password.get_secret_value() == "hunter2"
        assert "hunter2" not in repr(settings)
        assert "hunter2" not in str(settings.model_dump())

    def test_frozen(self) -> None:
        """Settings cannot change after load."""
        settings = Settings()
        with pytest.raises(ValidationError):
            settings.input_topic = "other"  # type: ignore[misc]
