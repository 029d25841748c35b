"""`entity-service ui`: its options, and a one-line error for what the user can fix."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading

import pytest

from service.cli import build_parser, main
from service.cli.ui import stay_up_until_interrupted, stop_child


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


class TestStayUp:
    def test_returns_when_a_child_exits(self) -> None:
        """The demo's stack does not outlive its service or page: a child's exit ends the wait."""
        child = subprocess.Popen([sys.executable, "-c", "pass"])
        stay_up_until_interrupted([child])
        assert child.returncode == 0

    def test_returns_on_sigterm_and_restores_the_handler(self) -> None:
        """SIGTERM ends the wait (the caller then stops the children); the old handler is back."""
        before = signal.getsignal(signal.SIGTERM)
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        waiting = threading.Event()

        def terminate_once_waiting() -> None:
            while signal.getsignal(signal.SIGTERM) is before and not waiting.wait(0.05):
                pass
            if not waiting.is_set():
                os.kill(os.getpid(), signal.SIGTERM)

        killer = threading.Thread(target=terminate_once_waiting)
        killer.start()
        try:
            stay_up_until_interrupted([child])
            assert child.poll() is None
        finally:
            waiting.set()
            killer.join()
            stop_child(child, timeout_s=10)
        assert child.returncode == -signal.SIGTERM
        assert signal.getsignal(signal.SIGTERM) is before
