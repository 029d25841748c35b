"""The ops commands' usage errors exit 2 before any Kafka connection."""

from __future__ import annotations

import pytest

from service.cli import main


class TestOpsCli:
    def test_unknown_error_type_lists_known(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown --error-type exits 2 and names the known types."""
        code = main(["dlq", "redrive", "--error-type", "nope"])
        err = capsys.readouterr().err
        assert code == 2
        assert "unknown error type 'nope'" in err and "text_too_long" in err

    def test_bad_since_exits_2(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A --since that is no ISO-8601 time exits 2 naming it."""
        assert main(["replay", "--since", "last tuesday"]) == 2
        assert "--since 'last tuesday'" in capsys.readouterr().err

    def test_bad_max_exits_2(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--max must be positive."""
        assert main(["dlq", "redrive", "--error-type", "not_json", "--max", "0"]) == 2
        assert "--max" in capsys.readouterr().err

    def test_unreachable_kafka_exits_4(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """No broker at the address: a one-line error and exit 4."""
        monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1")
        assert main(["dlq", "stats", "--timeout", "2"]) == 4
        assert "cannot connect to Kafka at 127.0.0.1:1" in capsys.readouterr().err
