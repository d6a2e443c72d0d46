"""Facts about the workspace derived from its files, so nothing is listed by hand twice."""

from __future__ import annotations

import tomllib
from pathlib import Path

from roadmap_data.paths import repo_root


def members(root: Path | None = None) -> dict[str, Path]:
    """``{distribution name: folder}`` for every ``packages/*`` member."""
    root = root or repo_root()
    if root is None:
        return {}
    found = {}
    for pyproject in sorted(root.glob("packages/*/pyproject.toml")):
        found[tomllib.loads(pyproject.read_text())["project"]["name"]] = pyproject.parent
    return found


def console_scripts(root: Path | None = None) -> dict[str, str]:
    """``{script name: distribution name}`` for every ``[project.scripts]`` entry of every member."""
    scripts: dict[str, str] = {}
    for name, folder in members(root).items():
        project = tomllib.loads((folder / "pyproject.toml").read_text())["project"]
        scripts.update(dict.fromkeys(project.get("scripts", {}), name))
    return scripts
