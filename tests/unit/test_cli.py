"""The CLI's own logic: settings from options, the command groups, files, the process pool."""

from __future__ import annotations

import functools
import importlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from service.cli import COMMAND_GROUPS, CliError, build_parser, main, settings_from
from service.cli.files import read_messages
from service.cli.process import WorkerPool
from service.cli.run import multiproc_dir
from service.config import Settings
from service.intake import RawMessage
from service.kafka.security import client_options

Handler = Callable[[list[RawMessage]], list[tuple[bool, bytes]]]


class TestSettingsFromOptions:
    def test_options_override_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A command-line option wins over the environment."""
        monkeypatch.setenv("ENTITY_WORKERS", "3")
        assert settings_from(workers=1).workers == 1
        assert settings_from(workers=None).workers == 3

    def test_bad_option_is_a_clear_error(self) -> None:
        """An invalid option value is refused with the field's name, not a traceback."""
        with pytest.raises(CliError, match="workers"):
            settings_from(workers=0)

    def test_bad_option_exits_2(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The command exits 2 and names the problem on stderr."""
        assert main(["run", "--workers", "0"]) == 2
        assert "workers" in capsys.readouterr().err


class TestCommandGroups:
    def test_every_group_registers_its_commands(self) -> None:
        """Each listed module adds its commands; together they are the documented ones."""
        parser = build_parser()
        commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
        assert set(commands) == {
            "run", "process", "publish", "tail", "broker", "demo", "schemas", "ui", "dlq",
            "replay",
        }
        for name in COMMAND_GROUPS:
            assert callable(importlib.import_module(name).register)

    @pytest.mark.parametrize(
        ("argv", "func"),
        [
            (["process", "--input", "x.jsonl"], "cmd_process"),
            (["tail", "--count", "2"], "cmd_tail"),
            (["demo"], "cmd_demo"),
        ],
    )
    def test_command_reaches_its_function(self, argv: list[str], func: str) -> None:
        """The parsed command calls the function of the group that registered it."""
        assert build_parser().parse_args(argv).func.__name__ == func

    def test_missing_input_file_exits_2(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A file that cannot be read is a one-line error, not a traceback."""
        assert main(["publish", "--input", "/nonexistent/in.jsonl"]) == 2
        assert "cannot read /nonexistent/in.jsonl" in capsys.readouterr().err


class TestReadMessages:
    def test_json_lines_keep_bad_lines_and_key_by_id(self, tmp_path: Path) -> None:
        """Every non-blank line is a message, keyed by its id when it has one."""
        source = tmp_path / "in.jsonl"
        source.write_bytes(b'{"id": "a", "text": "x"}\r\n\n   \nnot json\n')
        assert read_messages(str(source)) == [
            (b"a", b'{"id": "a", "text": "x"}'),
            (None, b"not json"),
        ]

    def test_folder_of_text_and_html(self, tmp_path: Path) -> None:
        """A folder gives one article per .txt or .html file, named by the file."""
        (tmp_path / "one.txt").write_text("Plain story.")
        (tmp_path / "two.html").write_text("<p>HTML story.</p>")
        (tmp_path / "notes.md").write_text("ignored")
        messages = read_messages(str(tmp_path))
        assert [key for key, _ in messages] == [b"one", b"two"]
        assert orjson.loads(messages[1][1]) == {"id": "two", "html": "<p>HTML story.</p>"}

    def test_empty_folder_is_an_error(self, tmp_path: Path) -> None:
        """A folder without articles is refused with its name."""
        with pytest.raises(CliError, match="no .txt or .html"):
            read_messages(str(tmp_path))


def echo_handler(delay_of: dict[bytes, float]) -> Handler:
    """A stand-in for the pipeline: (True, value) per message, slow for some batches."""
    import time

    def handle(batch: list[RawMessage]) -> list[tuple[bool, bytes]]:
        time.sleep(delay_of.get(batch[0].value, 0.0))
        return [(True, message.value) for message in batch]

    return handle


def dying_handler() -> Handler:
    raise SystemExit(3)


class TestWorkerPool:
    def test_results_keep_input_order(self) -> None:
        """Batches come back in the order sent, even when an early one is the slowest."""
        batches = [[RawMessage(value=f"m{i}".encode())] for i in range(9)]
        load = functools.partial(echo_handler, {b"m0": 0.5, b"m3": 0.3})
        with WorkerPool(2, load) as pool:
            results = list(pool.map(iter(batches)))
        assert results == [[(True, f"m{i}".encode())] for i in range(9)]

    def test_dead_worker_is_a_clear_error(self) -> None:
        """A worker that cannot load its pipeline stops the command with its exit code."""
        batches = iter([[RawMessage(value=b"x")]])
        pool = WorkerPool(1, dying_handler)
        with pytest.raises(CliError, match="exited with code 3"), pool:
            list(pool.map(batches))


class TestClientOptions:
    def test_plaintext_adds_nothing(self) -> None:
        """Against a plaintext cluster the clients get no security arguments."""
        assert client_options(settings_from()) == {}

    def test_sasl_reaches_publish_and_tail_clients(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """publish/tail/run's connection check use the same SASL_SSL settings as the service."""
        monkeypatch.setenv("ENTITY_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
        monkeypatch.setenv("ENTITY_KAFKA_SASL_MECHANISM", "PLAIN")
        monkeypatch.setenv("ENTITY_KAFKA_SASL_USERNAME", "svc")
        monkeypatch.setenv("ENTITY_KAFKA_SASL_PASSWORD", "pw")
        options = client_options(settings_from())
        assert options["security_protocol"] == "SASL_SSL"
        assert options["sasl_mechanism"] == "PLAIN"
        assert options["sasl_plain_username"] == "svc"


class TestMultiprocDir:
    """`run` keeps the workers' metric files in a folder that is fresh at start."""

    def test_a_folder_of_our_own_is_removed_when_the_service_stops(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
        monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
        with multiproc_dir(Settings(prometheus_multiproc_dir=None)) as folder:
            assert folder.parent == tmp_path and folder.is_dir()
            assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == str(folder)
            (folder / "counter_1.db").write_bytes(b"x")
        assert not folder.exists()
        assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ  # as it was

    def test_a_configured_folder_is_kept_and_its_stale_counts_cleared(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
        (tmp_path / "counter_9.db").write_bytes(b"old")
        (tmp_path / "notes.txt").write_text("mine")
        with multiproc_dir(Settings(prometheus_multiproc_dir=tmp_path)) as folder:
            assert folder == tmp_path and not list(folder.glob("*.db"))
        assert (tmp_path / "notes.txt").exists()
