"""Every console script of every member: ``--help`` teaches, ``--smoke`` runs in a subprocess.

The contract each console script keeps:
- ``--help`` exits 0 and documents ``--smoke`` (checked in this process, through the entry point);
- ``--smoke`` finishes in seconds, exits 0 with the network blocked (the socket guard of
  ``roadmap_data.testing`` is installed before the script starts), and writes a ``metrics.json``
  under ``<data dir>/runs/``, except the scripts that report on the machine (``NO_METRICS``);
- a failure the user can fix (bad input, missing data, no network) is one ``error: ...`` line on
  stderr and exit code 2, never a traceback (``roadmap_data.console.friendly_errors``).

The list comes from the members' ``[project.scripts]``, so a new script is tested the day it is
added. Smoke runs use a fresh data directory, so loaders read straight from the pinned packages.
The smoke runs of months 4 and 5 (the slowest) are in ``test_console_smoke_genai.py`` and month
6's in ``test_console_smoke_advanced.py``: separate files run on separate workers at once
(pytest-xdist hands out whole files).
"""

from __future__ import annotations

import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from roadmap_data.testing import check_smoke_run
from roadmap_data.testing import run_console_script as run_script
from roadmap_data.workspace import console_scripts

SCRIPTS = console_scripts()
LATER = {"m4-genai", "m5-agents-mlops", "m6-advanced"}
"""Members whose smoke runs live in ``test_console_smoke_genai.py`` and ``_advanced.py``."""
# Scripts that report on the environment rather than produce results.
NO_METRICS = {"download-data", "roadmap-doctor"}


def test_every_member_has_console_scripts() -> None:
    assert {"download-data", "roadmap-doctor", "titanic-eda", "gradient-descent"} <= set(SCRIPTS)
    assert set(SCRIPTS.values()) >= LATER  # the other file has scripts to run


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_help_mentions_smoke(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In this process, through the installed entry point: a subprocess per script spent
    seconds importing each one's libraries (the smoke runs below run every script's binary)."""
    (entry,) = entry_points(group="console_scripts", name=name)
    monkeypatch.setenv("AI_ROADMAP_DATA", str(tmp_path))  # as the smoke runs: nothing real touched
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [name, "--help"])
    with pytest.raises(SystemExit) as exit_:
        entry.load()()
    assert exit_.value.code in (0, None), capsys.readouterr().err
    assert "--smoke" in capsys.readouterr().out


def tesseract_missing() -> str | None:
    """Why ``ocr-eval`` cannot run here (the tesseract program is a system package), or None."""
    from m3_deep_learning.cv.ocr import TesseractMissingError, require_tesseract

    try:
        require_tesseract()
    except TesseractMissingError as error:
        return str(error)
    return None


NEEDS_PROGRAM = {"ocr-eval": tesseract_missing}
"""Scripts that need a program no Python package can install: skipped, with its install command,
only where it is missing (``ocr-eval --smoke`` itself then exits 2 with that message)."""


def test_download_data_offline_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_script("download-data", "titanic", "--online", data=tmp_path, guarded=True)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: cannot download titanic from https://")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("name", sorted(n for n, member in SCRIPTS.items() if member not in LATER))
def test_smoke_run(name: str, tmp_path: Path) -> None:
    if name in NEEDS_PROGRAM and (missing := NEEDS_PROGRAM[name]()):
        pytest.skip(missing)
    check_smoke_run(name, tmp_path, writes_metrics=name not in NO_METRICS)
