"""Every console script of every member: ``--help`` teaches, ``--smoke`` runs in a subprocess.

The contract each console script keeps:
- ``--help`` exits 0 and documents ``--smoke``;
- ``--smoke`` finishes in seconds, exits 0 with the network blocked (the socket guard of
  ``roadmap_data.testing`` is installed before the script starts), and writes a ``metrics.json``
  under ``<data dir>/runs/``, except the scripts that report on the machine (``NO_METRICS``);
- a failure the user can fix (bad input, missing data, no network) is one ``error: ...`` line on
  stderr and exit code 2, never a traceback (``roadmap_data.console.friendly_errors``).

The list comes from the members' ``[project.scripts]``, so a new script is tested the day it is
added. Smoke runs use a fresh data directory, so loaders read straight from the pinned packages.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from roadmap_data.workspace import console_scripts

SCRIPTS = console_scripts()
BIN = Path(sys.executable).parent
# Scripts that report on the environment rather than produce results.
NO_METRICS = {"download-data", "roadmap-doctor"}


# Runs a console script's entry point in a fresh interpreter with the loopback-only socket guard
# installed first, so a smoke run that reaches for the network fails as loudly as a test would.
GUARDED = (
    "import sys; from importlib.metadata import entry_points; "
    "from roadmap_data.testing import block_network_in_this_process as guard; guard(); "
    "name = sys.argv[1]; sys.argv = sys.argv[1:]; "
    "sys.exit(entry_points(group='console_scripts', name=name)[name].load()())"
)


def run_script(
    name: str, *args: str, data: Path, guarded: bool = False, timeout: int = 300
) -> subprocess.CompletedProcess:
    env = {**os.environ, "AI_ROADMAP_DATA": str(data), "MPLBACKEND": "Agg", "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-c", GUARDED, name] if guarded else [str(BIN / name)]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, env=env, cwd=data, timeout=timeout
    )


def test_every_member_has_console_scripts() -> None:
    assert {"download-data", "roadmap-doctor", "titanic-eda", "gradient-descent"} <= set(SCRIPTS)


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_help_mentions_smoke(name: str, tmp_path: Path) -> None:
    result = run_script(name, "--help", data=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "--smoke" in result.stdout


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_smoke_run(name: str, tmp_path: Path) -> None:
    result = run_script(name, "--smoke", data=tmp_path, guarded=True)
    assert result.returncode == 0, f"{name} --smoke failed:\n{result.stdout}\n{result.stderr}"
    if name not in NO_METRICS:
        metrics = list((tmp_path / "runs").rglob("metrics.json"))
        assert metrics, f"{name} --smoke wrote no metrics.json under {tmp_path / 'runs'}"


def test_download_data_offline_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_script("download-data", "titanic", "--online", data=tmp_path, guarded=True)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: cannot download titanic from https://")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
