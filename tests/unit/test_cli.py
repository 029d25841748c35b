"""The CLI's own logic: settings from options, cluster options for its Kafka clients."""

from __future__ import annotations

import pytest

from service.cli import CliError, _settings, main
from service.kafka.security import client_options


class TestSettingsFromOptions:
    def test_options_override_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A command-line option wins over the environment."""
        monkeypatch.setenv("ENTITY_WORKERS", "3")
        assert _settings(workers=1).workers == 1
        assert _settings(workers=None).workers == 3

    def test_bad_option_is_a_clear_error(self) -> None:
        """An invalid option value is refused with the field's name, not a traceback."""
        with pytest.raises(CliError, match="workers"):
            _settings(workers=0)

    def test_bad_option_exits_2(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The command exits 2 and names the problem on stderr."""
        assert main(["run", "--workers", "0"]) == 2
        assert "workers" in capsys.readouterr().err


class TestClientOptions:
    def test_plaintext_adds_nothing(self) -> None:
        """Against a plaintext cluster the clients get no security arguments."""
        assert client_options(_settings()) == {}

    def test_sasl_reaches_publish_and_tail_clients(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """publish/tail/run's connection check use the same SASL_SSL settings as the service."""
        monkeypatch.setenv("ENTITY_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
        monkeypatch.setenv("ENTITY_KAFKA_SASL_MECHANISM", "PLAIN")
        monkeypatch.setenv("ENTITY_KAFKA_SASL_USERNAME", "svc")
        monkeypatch.setenv("ENTITY_KAFKA_SASL_PASSWORD", "pw")
        options = client_options(_settings())
        assert options["security_protocol"] == "SASL_SSL"
        assert options["sasl_mechanism"] == "PLAIN"
        assert options["sasl_plain_username"] == "svc"
