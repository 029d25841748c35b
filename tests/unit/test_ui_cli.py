"""`entity-service ui`: its options, and a one-line error for what the user can fix."""

from __future__ import annotations

import socket

import pytest

from service.cli import build_parser, main


class TestUiCommand:
    def test_options(self) -> None:
        """--port, --host and --recent reach the command; unset ones fall back to settings."""
        args = build_parser().parse_args(["ui", "--port", "8081", "--recent", "5"])
        assert (args.command, args.port, args.recent, args.host) == ("ui", 8081, 5, None)

    def test_bad_recent_exits_2(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--recent 0 is refused by the settings, naming the field."""
        assert main(["ui", "--recent", "0"]) == 2
        assert "ui_recent" in capsys.readouterr().err

    def test_taken_port_exits_2(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A port in use is a one-line error, before Kafka is even tried."""
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            assert main(["ui", "--port", str(port)]) == 2
        assert f"cannot serve HTTP on 127.0.0.1:{port}" in capsys.readouterr().err

    def test_unreachable_kafka_exits_2(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """No broker at the address: a one-line error naming it, exit code 2."""
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            address = f"127.0.0.1:{closed.getsockname()[1]}"
        monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", address)
        assert main(["ui", "--port", "0", "--connect-timeout", "2"]) == 2
        assert f"cannot connect to Kafka at {address}" in capsys.readouterr().err
