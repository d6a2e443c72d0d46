"""``roadmap-doctor``: is this machine ready for the roadmap? Exit 1 if data is missing or corrupt.

Checks Python, the key libraries (torch and whether CUDA is visible), uv, every registry entry
and the free disk space. Each file present under ``data/`` is hashed and checked against its
``.sha256`` sidecar (integrity.py): a corrupt one is a problem, named with the command that repairs
it; an absent one is fine when its package is installed (loaders read it from there), and missing
otherwise, with the command that fetches it. The larger chat models are optional: absent, they are
listed with the commands that install them, never as a problem. Last, the chat-model catalogue,
best first, and which model answers on this machine.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import platform
import shutil
import subprocess
import sys
from pathlib import Path

from roadmap_data import models, registry
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.integrity import check, repair_command
from roadmap_data.loaders import fetch_command
from roadmap_data.paths import data_dir

SUPPORTED_PYTHON = ((3, 11), (3, 13))
MIN_FREE_GB = 2.0
LIBRARIES = ("numpy", "pandas", "scikit-learn", "torch", "transformers", "chromadb")


def version_of(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def torch_line() -> str:
    if importlib.util.find_spec("torch") is None:
        return "not installed"
    import torch  # imported here: it takes seconds and only this check needs it

    cuda = (
        f"CUDA {torch.version.cuda}, {torch.cuda.device_count()} GPU(s)"
        if torch.cuda.is_available()
        else "CPU only"
    )
    return f"{torch.__version__} ({cuda}, {torch.get_num_threads()} threads)"


def uv_line() -> str:
    uv = shutil.which("uv")
    if uv is None:
        return "not found (pip install uv)"
    return subprocess.run(
        [uv, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()


def data_status(entry: registry.Entry, root: Path) -> tuple[str, str]:
    """(where the entry comes from and what we found, status: ok / unverified / CORRUPT / MISSING)."""
    verdict = check(entry, root)
    if verdict.status == "verified":
        return f"sha256 {verdict.reason}", "ok"
    if verdict.status == "unverified":  # a hand-placed file: loaders use it, with a warning
        return f"in use, but {verdict.reason}", "unverified"
    if verdict.status == "corrupt":  # loaders would refuse it: say how to repair it
        return f"{verdict.reason}; run `{repair_command(entry.name)}`", "CORRUPT"
    if entry.optional:  # a large model from a dependency group: nothing needs it to be here
        parts = ", parts installed" if entry.source.is_installed() else ""
        return f"optional{parts}: {entry.fetch_hint()}", "optional"
    if entry.source is not None and entry.source.is_installed():
        return f"from package {entry.source.distribution}", "ok"
    return f"missing: run `{fetch_command(entry.name)}`", "MISSING"


def chat_models_table(root: Path) -> None:
    """The catalogue, best first, with what each model needs; then the one that answers."""
    rows = [
        (card.name, card.parameters_label, card.quantisation, models.availability(card, root))
        for card in models.CHAT_MODELS
    ]
    print_table("chat models (best first)", ["name", "params", "quant", "status"], rows)
    installed = models.installed_chat_models(root)
    best = installed[0].name if installed else "none (`uv sync --all-packages` installs SmolLM2)"
    console.print(f"chat model for answers and agents: {best}")


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="roadmap-doctor", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="default: $AI_ROADMAP_DATA or <repo>/data")
    parser.add_argument("--smoke", action="store_true", help="same checks (they take seconds)")
    args = parser.parse_args(argv)
    root = data_dir(args.data_dir)
    problems: list[str] = []

    low, high = SUPPORTED_PYTHON
    python_ok = low <= sys.version_info[:2] <= high
    if not python_ok:
        problems.append(f"Python {platform.python_version()} is outside 3.11–3.13")
    rows = [
        ("python", platform.python_version(), "ok" if python_ok else "unsupported"),
        ("uv", uv_line(), ""),
    ]
    rows += [(name, version_of(name), "") for name in LIBRARIES if name != "torch"]
    rows.append(("torch", torch_line(), ""))
    print_table("environment", ["component", "version", "note"], rows)

    data_rows = []
    for entry in registry.REGISTRY.values():
        where, status = data_status(entry, root)
        data_rows.append((entry.name, where, status))
        if status in ("CORRUPT", "MISSING"):
            problems.append(f"{entry.name}: {where}")
    print_table(f"data ({root})", ["name", "source", "status"], data_rows)
    chat_models_table(root)

    existing = root if root.exists() else root.parent if root.parent.exists() else Path.cwd()
    free_gb = shutil.disk_usage(existing).free / 1e9
    console.print(f"free disk at {existing}: {free_gb:.1f} GB")
    if free_gb < MIN_FREE_GB:
        problems.append(f"only {free_gb:.1f} GB free (need {MIN_FREE_GB} GB)")

    for problem in problems:
        console.print(f"[red]problem:[/red] {problem}")
    console.print("all good" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
