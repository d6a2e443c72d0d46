"""What every console script of the roadmap shares: a results table, metrics.json, clean errors.

Each month's package defines its own exception types as subclasses of RoadmapError, so one
decorator can turn any user-fixable problem into one clear line on stderr and exit code 2, while a
real bug still shows its traceback.
"""

from __future__ import annotations

import functools
import json
import os
import random
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from roadmap_data.errors import RoadmapError

console = Console()


def friendly_errors(main: Callable[..., int | None]) -> Callable[..., int]:
    """Wrap a CLI ``main``: RoadmapError → ``error: <message>`` on stderr and exit code 2."""

    @functools.wraps(main)
    def wrapper(*args: Any, **kwargs: Any) -> int:
        try:
            return main(*args, **kwargs) or 0
        except RoadmapError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130

    return wrapper


def format_cell(cell: Any) -> str:
    """Floats with 4 significant digits (thousands grouped), everything else as ``str``."""
    if isinstance(cell, float | np.floating):
        return f"{cell:,.0f}" if abs(cell) >= 10_000 else f"{cell:.4g}"
    return str(cell)


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print a small results table with rich."""
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(format_cell(cell) for cell in row))
    console.print(table)


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def save_json(path: Path, payload: dict[str, Any]) -> Path:
    """Write ``payload`` as indented JSON atomically (temp file + rename); returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_text(json.dumps(payload, indent=2, default=_jsonable) + "\n")
    os.replace(tmp, path)
    return path


def seed_everything(seed: int) -> None:
    """Seed Python's and NumPy's global generators (torch seeds itself where it is used)."""
    random.seed(seed)
    np.random.seed(seed)


def save_figure(figure: Any, path: Path, dpi: int = 120) -> Path:
    """Lay out, write a matplotlib figure to ``path`` (PNG) and close it (long runs leak otherwise)."""
    import matplotlib.pyplot as plt  # here, not at the top: roadmap-data itself does not plot

    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    return path
