"""The throughput benchmark keeps working end to end (bench/throughput.py --quick, real broker)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

RATIO_LINE = re.compile(
    r"^kafka_vs_raw=\d+\.\d\d kafka_vs_limit=\d+\.\d\d kafka_vs_naive=\d+\.\d\d$"
)
FINAL_LINES = (re.compile(r"^kafka_vs_offline=\d+\.\d\d$"), re.compile(r"^p99_half_ms=\d+$"))


@pytest.mark.timeout(900)
def test_quick_benchmark_prints_its_final_line() -> None:
    """`throughput.py --quick` runs every path through the embedded broker (no timing checked)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "throughput.py"), "--quick"],
        cwd=ROOT,
        capture_output=True,
        timeout=880,
    )
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    lines = result.stdout.decode().strip().splitlines()
    assert RATIO_LINE.match(lines[-3]), lines[-5:]
    assert all(p.match(line) for p, line in zip(FINAL_LINES, lines[-2:], strict=True)), lines[-5:]
    assert sum(line.startswith("(5) latency at ") for line in lines) == 3, lines
    assert any(line.startswith("events_geo_overhead=") for line in lines)
    assert any(line.startswith("cleaning_ms_per_article=") for line in lines)
    assert not any("INCOMPLETE" in line for line in lines), lines
