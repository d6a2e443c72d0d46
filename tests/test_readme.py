"""The README is part of the product: every command it shows must exist."""

from __future__ import annotations

import re
from pathlib import Path

from roadmap_data.paths import repo_root
from roadmap_data.workspace import console_scripts, members

ROOT = repo_root() or Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
CI = (ROOT / ".ci" / "run").read_text()


def test_every_uv_run_command_in_the_readme_exists() -> None:
    scripts = console_scripts()
    named = set(re.findall(r"uv run (?:--package [\w-]+ )?([a-z][\w-]*)", README))
    named -= {"pytest", "python", "torchrun", "ruff", "scripts"}
    assert named, "the README shows no `uv run <command>`"
    assert named <= set(scripts), f"README names unknown commands: {named - set(scripts)}"


def test_every_script_a_readme_runs_exists() -> None:
    """``uv run scripts/X.py`` in any README (root, data/, packages/*) names a file of scripts/."""
    readmes = [ROOT / "README.md", ROOT / "data" / "README.md"]
    readmes += sorted(ROOT.glob("packages/*/README.md"))
    named = {
        (readme.relative_to(ROOT), script)
        for readme in readmes
        for script in re.findall(r"uv run (scripts/[\w/.-]+\.py)", readme.read_text())
    }
    assert named, "no README runs a script of scripts/"
    missing = sorted(
        (str(readme), script) for readme, script in named if not (ROOT / script).is_file()
    )
    assert not missing, f"READMEs run scripts that do not exist: {missing}"


def test_ci_runs_the_readme_test_command() -> None:
    assert "uv run pytest" in README
    assert "uv run --locked pytest" in CI
    assert "set -euo pipefail" in CI and "UV_COMPILE_BYTECODE=1" in CI


def test_every_member_is_in_the_readme_and_the_root_dependencies() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    for name, folder in members().items():
        assert f"packages/{folder.name}" in README or folder.name in README, name
        assert f'"{name}"' in pyproject, f"the root project does not depend on {name}"


def test_every_relative_link_in_a_readme_points_at_a_file() -> None:
    """A module moved without its README following would leave a dead link here."""
    readmes = [ROOT / "README.md", ROOT / "data" / "README.md", *ROOT.glob("packages/*/README.md")]
    dead = []
    for readme in readmes:
        for target in re.findall(r"\]\(([^)\s]+)\)", readme.read_text()):
            if target.startswith(("http://", "https://", "mailto:", "#")):
                continue
            path = (readme.parent / target.split("#", 1)[0]).resolve()
            if not path.exists():
                dead.append(f"{readme.relative_to(ROOT)}: {target}")
    assert dead == [], dead
