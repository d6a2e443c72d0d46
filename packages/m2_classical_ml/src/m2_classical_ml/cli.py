"""The flags every month-2 script shares: ``--preset``, ``--smoke``, ``--seed``, ``--out``."""

from __future__ import annotations

import argparse
from pathlib import Path

from roadmap_data import runs_dir

PRESETS_HELP = "full = the README's figures, cpu = the default (a minute or less), tiny = seconds"


def base_parser(prog: str, doc: str | None) -> argparse.ArgumentParser:
    """A parser whose ``--help`` shows the module docstring (what the script teaches) first."""
    parser = argparse.ArgumentParser(
        prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--preset", choices=["full", "cpu", "tiny"], default="cpu", help=PRESETS_HELP
    )
    parser.add_argument(
        "--smoke", action="store_true", help="run in seconds on tiny data (= --preset tiny)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of every random choice (0)")
    parser.add_argument(
        "--out", type=Path, default=None, help=f"output folder (default: {runs_dir(prog)})"
    )
    return parser


def preset_of(args: argparse.Namespace) -> str:
    """``tiny`` under ``--smoke``, else the ``--preset`` chosen."""
    return "tiny" if args.smoke else args.preset


def out_dir(args: argparse.Namespace, prog: str) -> Path:
    """``--out`` or the script's default run folder, created."""
    out = args.out if args.out is not None else runs_dir(prog)
    out.mkdir(parents=True, exist_ok=True)
    return out
