"""Read registry entries: from ``data/`` when materialised, else straight from the pinned package.

Loaders never touch the network. When neither copy exists they raise DataNotFoundError naming the
exact command that fetches the file, so ``uv run pytest`` works with no download step while a
learner who wants the raw files on disk runs ``uv run download-data``.

A file in ``data/`` is checked before it is read (integrity.py: against its ``.sha256`` sidecar,
hashed once per process): a corrupt one raises ChecksumError with the command that repairs it, a
hand-placed one without a sidecar is read with one UnverifiedDataWarning. Files inside installed
packages are read as installed; ``download-data`` checks their pinned sha256 before building from
them, and the registry tests check every installed one.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from roadmap_data import builders, registry
from roadmap_data.errors import DataNotFoundError
from roadmap_data.integrity import require_intact
from roadmap_data.paths import data_dir


def fetch_command(name: str) -> str:
    """The command a user runs to materialise ``name``."""
    return f"uv run download-data {name}"


def locate(name: str, root: Path | None = None) -> Path:
    """Path of ``name``: ``data/<file>`` if present, else the file inside its package (as-is).

    A file that must be built first (a CSV, a GGUF joined from parts) is not usable from its
    package: DataNotFoundError then names the command(s) that put it under ``data/``.
    """
    entry = registry.get(name)
    local = data_dir(root) / entry.filename
    if local.exists():
        return require_intact(entry, local.parent)
    if entry.usable_in_place and entry.source.is_installed():
        return entry.source.locate()
    if entry.optional:
        found = " (its parts are installed)" if entry.source.is_installed() else ""
        raise DataNotFoundError(
            f"{entry.name} is not in {local.parent}{found}: {entry.fetch_hint()}"
        )
    raise DataNotFoundError(
        f"{name} is not in {local.parent} and its package is not installed: run `{fetch_command(name)}`"
    )


@lru_cache(maxsize=8)
def _built_bytes(name: str) -> bytes:
    entry = registry.get(name)
    assert entry.source is not None
    return entry.build(entry.source.locate())


def raw_bytes(name: str, root: Path | None = None) -> bytes:
    """The raw file's bytes, read from ``data/`` or built in memory from the package."""
    entry = registry.get(name)
    local = data_dir(root) / entry.filename
    if local.is_file():
        return require_intact(entry, local.parent).read_bytes()
    if not isinstance(entry.source, registry.PackageSource):  # parts are joined on disk only
        raise DataNotFoundError(
            f"{name} is missing from {local.parent}: run `{fetch_command(name)}`"
        )
    try:
        return _built_bytes(name)
    except DataNotFoundError as error:
        raise DataNotFoundError(f"{name}: {error}; or run `{fetch_command(name)}`") from error


def read_csv(name: str, root: Path | None = None, **kwargs) -> pd.DataFrame:
    """A registry CSV as a DataFrame (the Rdatasets ``rownames`` column dropped)."""
    frame = pd.read_csv(io.BytesIO(raw_bytes(name, root)), **kwargs)
    return frame.drop(columns=["rownames"], errors="ignore")


def load_mnist(root: Path | None = None) -> dict[str, np.ndarray]:
    """MNIST as uint8 arrays: ``x_train (60000, 28, 28)``, ``y_train``, ``x_test (10000, 28, 28)``, ``y_test``.

    From ``data/mnist.npz`` when materialised; else the arrays come straight from the package's
    pickle, without building the compressed .npz only to unpack it again (seconds per process).
    Each call returns its own arrays: a caller may change them in place.
    """
    if (data_dir(root) / registry.get("mnist").filename).is_file():
        with np.load(io.BytesIO(raw_bytes("mnist", root))) as archive:
            return {key: archive[key] for key in ("x_train", "y_train", "x_test", "y_test")}
    try:
        arrays = _mnist_from_package()
    except DataNotFoundError as error:
        raise DataNotFoundError(f"mnist: {error}; or run `{fetch_command('mnist')}`") from error
    return {key: array.copy() for key, array in arrays.items()}


@lru_cache(maxsize=1)
def _mnist_from_package() -> dict[str, np.ndarray]:
    entry = registry.get("mnist")
    assert entry.source is not None
    return builders.mnist_arrays_from_pickle(entry.source.locate())


def load_titanic(root: Path | None = None) -> pd.DataFrame:
    """1309 Titanic passengers: pclass, survived, sex, age, sibsp, parch (vcdExtra::Titanicp)."""
    return read_csv("titanic", root)


def load_ames(root: Path | None = None) -> pd.DataFrame:
    """Ames, Iowa house sales (2930 × 74, target ``Sale_Price``)."""
    return read_csv("ames", root)


def load_amazon_reviews(root: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train 4000, test 1000) Amazon food reviews with ``review`` text and ``score`` great/other."""
    return read_csv("amazon-reviews-train", root), read_csv("amazon-reviews-test", root)


def load_economics(root: Path | None = None) -> pd.DataFrame:
    """US monthly economic indicators 1967-2015 with a parsed ``date`` column."""
    return read_csv("economics", root, parse_dates=["date"])


def load_movielens(root: Path | None = None) -> pd.DataFrame:
    """100,004 MovieLens ratings (userId, movieId, rating 0.5-5, timestamp) with each movie's
    title, year and genres (``"Comedy|Romance"``) on every row."""
    return read_csv("movielens", root)


def load_tweets(root: Path | None = None) -> pd.DataFrame:
    """~38k tweets with ``sentiment`` (positive/negative/neutral), ``confidence``, ``text``."""
    return read_csv("tweets", root, encoding="latin-1")


def model_path(name: str, root: Path | None = None) -> Path:
    """Path of a model file or folder (``smollm2-135m``, ``qwen2.5-coder-1.5b``, ...).

    SmolLM2's GGUF and MiniLM's folder are used straight from their packages; the Qwen2.5-Coder
    files exist only once ``download-data`` has joined their parts under ``data/``.
    """
    return locate(name, root)
