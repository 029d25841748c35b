"""`process` over a file: a progress bar on a terminal, silence elsewhere, the line count."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest

from service.cli import main
from service.cli import process as process_cli
from service.deadletters import dead_letter_for
from service.errors import Rejected
from service.intake import RawMessage
from service.outcomes import Outcome


class _Terminal(io.StringIO):
    """A stderr that says it is a terminal, and keeps what was written to it."""

    buffer = io.BytesIO()

    def isatty(self) -> bool:
        return True


class _Pipe(io.StringIO):
    buffer = io.BytesIO()

    def isatty(self) -> bool:
        return False


def _all_dead(settings: object) -> process_cli.Handler:
    """A stand-in pipeline: every message a dead letter (no model needed)."""

    def handle(batch: list[RawMessage]) -> list[Outcome]:
        return [
            dead_letter_for(m, Rejected("not_json", "bad"), max_original_bytes=100) for m in batch
        ]

    return handle


def _run(tmp_path: Path, stderr: io.StringIO, monkeypatch: pytest.MonkeyPatch) -> str:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"".join(orjson.dumps({"id": f"a-{i}"}) + b"\n" for i in range(5)))
    monkeypatch.setattr(process_cli, "pipeline_handler", _all_dead)
    monkeypatch.setattr("sys.stderr", stderr)
    args = ["process", "--workers", "1", "--input", str(source)]
    args += ["--output", str(tmp_path / "out.jsonl")]
    args += ["--dead-letters", str(tmp_path / "dead.jsonl")]
    assert main(args) == 0
    assert len((tmp_path / "dead.jsonl").read_bytes().splitlines()) == 5
    return stderr.getvalue()


class TestProgress:
    def test_a_terminal_shows_articles_records_dead_letters_and_rate(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """On a terminal the bar counts articles of the total, records and dead letters."""
        shown = _run(tmp_path, _Terminal(), monkeypatch)
        assert "process" in shown and "5/5" in shown
        assert "0 records, 5 dead letters" in shown
        assert "article/s" in shown

    def test_silent_when_stderr_is_not_a_terminal(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Piped stderr gets only the summary line, no bar."""
        shown = _run(tmp_path, _Pipe(), monkeypatch)
        assert shown.strip().splitlines() == [
            "entity-service process: 0 records, 5 dead letters"
        ]


class TestCountLines:
    def test_counts_lines_with_or_without_a_final_newline(self, tmp_path: Path) -> None:
        """Both a last line with and without its newline count once."""
        (tmp_path / "a").write_bytes(b"x\ny\nz")
        (tmp_path / "b").write_bytes(b"x\ny\nz\n")
        assert process_cli.count_lines(str(tmp_path / "a")) == 3
        assert process_cli.count_lines(str(tmp_path / "b")) == 3

    def test_stdin_and_missing_files_have_no_total(self, tmp_path: Path) -> None:
        """No total for stdin or a file that cannot be read (open_in reports that one)."""
        assert process_cli.count_lines("-") is None
        assert process_cli.count_lines(str(tmp_path / "missing")) is None
