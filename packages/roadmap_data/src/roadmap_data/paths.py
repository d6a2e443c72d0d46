"""Where data and run artefacts live.

Everything fetched or produced goes under one *data directory*: ``$AI_ROADMAP_DATA`` when set,
otherwise ``data/`` at the root of this repository (found from this file, so any working directory
inside the clone gives the same answer), otherwise ``./data``.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "AI_ROADMAP_DATA"


def repo_root() -> Path | None:
    """The clone's root (the folder holding ``uv.lock`` and ``packages/``), or None when installed."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "uv.lock").is_file() and (parent / "packages").is_dir():
            return parent
    return None


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: ``override``, else ``$AI_ROADMAP_DATA``, else ``<repo>/data``."""
    if override is not None:
        return Path(override)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    root = repo_root()
    return (root / "data") if root else Path.cwd() / "data"


def runs_dir(name: str) -> Path:
    """Default ``--out`` folder of a console script: ``<data dir>/runs/<name>``."""
    return data_dir() / "runs" / name
