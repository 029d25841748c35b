"""Kafka TLS/SASL settings reach the client; the password never reaches a log or a dead letter."""

from __future__ import annotations

import asyncio
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
from faststream.kafka.security import parse_security

from service.cli.run import check_kafka
from service.config import Settings
from service.deadletters import dead_letter
from service.errors import Rejected
from service.kafka.clients import KafkaUnreachable
from service.kafka.security import kafka_security
from service.kafka.worker import Worker
from service.pipeline import Pipeline, RawMessage, serialize

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cr3t-pa55-Q7x"  # a test value, looked for in every output
CA = Path(ssl.get_default_verify_paths().cafile or "/etc/ssl/certs/ca-certificates.crt")


def _sasl(protocol: str = "SASL_SSL", mechanism: str = "SCRAM-SHA-512", **more: object) -> Settings:
    return Settings(
        workers=1,
        kafka_security_protocol=protocol,
        kafka_sasl_mechanism=mechanism,
        kafka_sasl_username="entity",
        kafka_sasl_password=SECRET,
        **more,
    )


class TestKafkaSecurity:
    @pytest.mark.parametrize(
        ("protocol", "mechanism", "tls"),
        [
            ("SASL_SSL", "SCRAM-SHA-512", True),
            ("SASL_SSL", "SCRAM-SHA-256", True),
            ("SASL_SSL", "PLAIN", True),
            ("SASL_PLAINTEXT", "PLAIN", False),
        ],
    )
    def test_sasl_settings_reach_aiokafka(self, protocol: str, mechanism: str, tls: bool) -> None:
        """Protocol, mechanism, user and password arrive as aiokafka's connection arguments."""
        args = parse_security(kafka_security(_sasl(protocol, mechanism)))
        assert args["security_protocol"] == protocol
        assert args["sasl_mechanism"] == mechanism
        assert args["sasl_plain_username"] == "entity"
        assert args["sasl_plain_password"] == SECRET
        assert isinstance(args.get("ssl_context"), ssl.SSLContext) is tls

    @pytest.mark.skipif(not CA.is_file(), reason="no system CA bundle to point at")
    def test_ca_file_is_trusted_and_hostnames_checked(self) -> None:
        """A given CA file is loaded into the TLS context, which verifies certificates."""
        context = parse_security(kafka_security(_sasl(kafka_ssl_cafile=CA)))["ssl_context"]
        assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
        assert context.cert_store_stats()["x509_ca"] > 0

    def test_tls_without_sasl(self) -> None:
        """SSL alone gives TLS and no SASL."""
        args = parse_security(kafka_security(Settings(workers=1, kafka_security_protocol="SSL")))
        assert args["security_protocol"] == "SSL" and "sasl_mechanism" not in args

    def test_plaintext_has_no_security(self) -> None:
        """The default (the embedded broker) passes no security object."""
        assert kafka_security(Settings(workers=1)) is None

    def test_worker_broker_gets_the_credentials(self) -> None:
        """The service's own KafkaBroker is built with them, not only the helper."""
        worker = Worker(_sasl())
        try:
            # What FastStream hands to AIOKafkaProducer/Consumer (no public accessor in 0.7.8).
            config = worker.broker._connection_kwargs
            assert config["security_protocol"] == "SASL_SSL"
            assert config["sasl_mechanism"] == "SCRAM-SHA-512"
            assert config["sasl_plain_password"] == SECRET
        finally:
            worker._nlp_thread.shutdown()

    @pytest.mark.parametrize(
        "env",
        [
            {"ENTITY_KAFKA_SECURITY_PROTOCOL": "SASL_SSL"},  # no mechanism nor user
            {"ENTITY_KAFKA_SASL_USERNAME": "entity", "ENTITY_KAFKA_SASL_MECHANISM": "MD5"},
        ],
    )
    def test_incomplete_sasl_fails_fast(
        self, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
    ) -> None:
        """Incomplete or unknown SASL settings stop the service at start-up."""
        for name, value in {**env, "ENTITY_KAFKA_SASL_PASSWORD": SECRET}.items():
            monkeypatch.setenv(name, value)
        with pytest.raises(ValueError):
            Settings()


class TestSecretsStayHidden:
    def test_settings_never_show_the_password(self) -> None:
        """repr, str, model_dump and JSON of the settings mask the password."""
        settings = _sasl()
        shown = [repr(settings), str(settings), str(settings.model_dump())]
        shown.append(settings.model_dump_json())
        assert not [text for text in shown if SECRET in text]

    def test_dead_letter_never_holds_the_password(self, pipeline: Pipeline) -> None:
        """A dead letter holds the message and its reason, nothing of the settings."""
        letter = dead_letter(b"{bad", Rejected("not_json", "nope"), max_original_bytes=100)
        outcome = pipeline.process([RawMessage(value=b"\xff")]).outcomes[0]
        assert SECRET not in serialize(letter).decode() + serialize(outcome).decode()

    def test_connect_error_names_the_broker_not_the_password(self) -> None:
        """The 'cannot connect' error of `run` says where, never with which password."""
        settings = _sasl("SASL_PLAINTEXT", "PLAIN", kafka_bootstrap_servers="127.0.0.1:1")
        with pytest.raises(KafkaUnreachable) as caught:
            asyncio.run(check_kafka(settings, timeout_s=3))
        assert "127.0.0.1:1" in str(caught.value)
        assert SECRET not in str(caught.value)

    @pytest.mark.parametrize(
        "env",
        [
            # valid SASL settings, unreachable broker: the start-up line and the connect error
            {
                "ENTITY_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
                "ENTITY_KAFKA_SASL_MECHANISM": "PLAIN",
                "ENTITY_KAFKA_SASL_USERNAME": "entity",
            },
            # invalid settings: pydantic would quote every input value, the password included
            {"ENTITY_KAFKA_SECURITY_PROTOCOL": "SASL_SSL"},
            {"ENTITY_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "ENTITY_WORKERS": "0"},
        ],
    )
    def test_run_output_never_shows_the_password(self, env: dict[str, str]) -> None:
        """Whatever `entity-service run` prints on failing to start, the password is not in it."""
        done = subprocess.run(
            [sys.executable, "-m", "service.cli", "run", "--connect-timeout", "3"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            env={
                "PATH": "/usr/bin:/bin",
                "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
                "ENTITY_KAFKA_SASL_PASSWORD": SECRET,
                "ENTITY_LOG_LEVEL": "DEBUG",
                **env,
            },
            timeout=60,
        )
        assert done.returncode == 2, done.stderr
        assert b"entity-service run: error:" in done.stderr
        assert SECRET.encode() not in done.stdout + done.stderr
