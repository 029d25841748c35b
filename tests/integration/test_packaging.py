"""Packaging: the files the Dockerfile copies build a wheel that carries code and data files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from dockerfile_support import copy_sources

ROOT = Path(__file__).resolve().parents[2]
#: Data files loaded at start-up: without them in the wheel an installed service cannot start.
DATA_FILES = ("service/entities/data/gazetteer.json", "service/cleaning/data/languages.json")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from the files the Dockerfile copies into its image."""
    context = tmp_path_factory.mktemp("context")
    for source in copy_sources():
        path = ROOT / source
        assert path.exists(), f"the Dockerfile copies {source}, which is missing"
        if path.is_dir():
            shutil.copytree(path, context / source, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(path, context / source)
    wheels = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(context), "-w", str(wheels)],
        capture_output=True,
        timeout=120,
        check=True,
    )
    (built,) = wheels.glob("entity_service-*.whl")
    return built


def test_wheel_installs_the_console_script(wheel: Path, tmp_path: Path) -> None:
    """The wheel declares `entity-service` and installs it into a fresh virtualenv."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = next(name for name in names if name.endswith("entry_points.txt"))
        scripts = archive.read(entry_points).decode()
    assert re.search(r"^entity-service\s*=\s*service\.cli:main$", scripts, re.MULTILINE)
    assert "service/cli/__init__.py" in names
    venv = tmp_path / "venv"
    # Without PYTHONPATH: a checkout on it (with its egg-info) reads as "already installed".
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run([sys.executable, "-m", "venv", str(venv)], timeout=60, check=True, env=clean)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        timeout=60,
        check=True,
        env=clean,
    )
    assert (venv / "bin" / "entity-service").is_file()


def test_wheel_carries_the_data_files(wheel: Path, tmp_path: Path) -> None:
    """The word lists are in the wheel, and the code loads them from there, not from the repo."""
    with zipfile.ZipFile(wheel) as archive:
        assert set(DATA_FILES) <= set(archive.namelist())
        archive.extractall(tmp_path / "site")
    probe = (
        "import service, service.entities.gazetteer as g, service.cleaning.language as l; "
        "print(service.__file__, len(g.COUNTRY_NAMES), len(l.NEWS_LANGUAGES))"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    location, countries, languages = done.stdout.split()
    assert location.startswith(str(tmp_path / "site"))
    assert int(countries) > 0 and int(languages) > 0
