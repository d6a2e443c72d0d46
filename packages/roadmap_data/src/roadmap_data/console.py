"""What every console script of the roadmap shares: a results table, metrics.json, clean errors.

Each month's package defines its own exception types as subclasses of RoadmapError, so one
decorator can turn any user-fixable problem into one clear line on stderr and exit code 2. The
same goes for the machine's state: no network, a refused connection, a timeout, a folder that
cannot be written (OSError and its subclasses, HTTP protocol errors). A real bug (TypeError,
KeyError, ...) still shows its traceback.
"""

from __future__ import annotations

import functools
import http.client
import json
import os
import random
import sys
import urllib.error
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from roadmap_data.errors import RoadmapError

console = Console()


def describe_os_error(error: BaseException) -> str:
    """The cause of a network or OS error in a few words: ``Name or service not known``,
    ``HTTP 404 Not Found``, ``Permission denied: /data/x``, ``timed out``."""
    if isinstance(error, urllib.error.HTTPError):  # before URLError: it is one
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):  # urllib wraps the socket's error in .reason
        reason = error.reason
        return describe_os_error(reason) if isinstance(reason, BaseException) else str(reason)
    if isinstance(error, OSError) and error.strerror:  # "[Errno 13] ..." → the words, the path
        paths = [str(p) for p in (error.filename, error.filename2) if p is not None]
        return ": ".join([error.strerror, " -> ".join(paths)] if paths else [error.strerror])
    return str(error) or type(error).__name__


def friendly_errors(main: Callable[..., int | None]) -> Callable[..., int]:
    """Wrap a CLI ``main``: RoadmapError, OSError, HTTP errors → ``error: <cause>`` and exit 2."""

    @functools.wraps(main)
    def wrapper(*args: Any, **kwargs: Any) -> int:
        try:
            return main(*args, **kwargs) or 0
        except RoadmapError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        except (OSError, http.client.HTTPException) as error:  # the network, the disk: not a bug
            name = type(error).__name__
            print(f"error: {describe_os_error(error)} ({name})", file=sys.stderr)
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
