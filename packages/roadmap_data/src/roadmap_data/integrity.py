"""Is a file in the data directory still what was written there? sha256, once per process.

``download-data`` writes a *sidecar* ``<file>.sha256`` beside every file it materialises. Loaders,
``download-data`` and ``roadmap-doctor`` all ask :func:`check` before trusting a file:

- with a sidecar, the file's sha256 must equal it; otherwise the file is *corrupt* and
  :func:`require_intact` raises ChecksumError naming the file and the command that repairs it;
- without one (a file put there by hand), the file is *verified* when its sha256 is one the
  registry records for the raw file itself (the package's file of an as-is entry, the publisher's
  checksum of the URL), and otherwise used *unverified*, with one UnverifiedDataWarning per
  process: a learner may hand-edit ``titanic.csv`` on purpose, and we say so rather than refuse.

Hashing 100 MB takes a fraction of a second, but the m3/m4 tests load the same files hundreds of
times, so a file is hashed once per process: the digest is remembered under the file's path,
inode, size and modification time, and rewriting the file (new inode or mtime) hashes it again.
For a folder entry (a model folder) the pinned weights file inside it is the one checked.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from roadmap_data.errors import ChecksumError, UnverifiedDataWarning
from roadmap_data.registry import Entry, PartsSource

CHUNK = 1 << 20
Status = Literal["verified", "unverified", "corrupt", "missing"]
StatKey = tuple[str, int, int, int]

_digests: dict[StatKey, str] = {}
"""This process's memory: (path, inode, size, mtime_ns) → sha256 of the file as it was then."""
_warned: set[StatKey] = set()


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _stat_key(path: Path) -> StatKey:
    stat = path.stat()
    return (str(path.resolve()), stat.st_ino, stat.st_size, stat.st_mtime_ns)


def digest(path: Path) -> str:
    """sha256 of ``path``, hashed at most once per process while the file stays unchanged."""
    key = _stat_key(path)
    if key not in _digests:
        _digests[key] = sha256_of(path)
    return _digests[key]


def remember(path: Path, sha256: str) -> None:
    """Record the digest of a file this process has just written, so no one reads it back to hash."""
    _digests[_stat_key(path)] = sha256


def sidecar(path: Path) -> Path:
    """``data/mnist.npz`` → ``data/mnist.npz.sha256``."""
    return path.with_name(path.name + ".sha256")


def checked_file(entry: Entry, path: Path) -> Path:
    """The file whose checksum stands for the entry (the weights file of a model folder)."""
    return path / entry.source.check_file if entry.is_folder and entry.source else path


def known_checksums(entry: Entry) -> set[str]:
    """sha256s the registry records for the raw file itself (not for a file it is built from)."""
    known = {entry.url_sha256} if entry.url_sha256 else set()
    # The package's file used as it is, and a file joined from parts, pin the raw file itself.
    if entry.usable_in_place or isinstance(entry.source, PartsSource):
        known.add(entry.source.sha256)
    return known


def repair_command(name: str) -> str:
    """The command that replaces a damaged copy with a verified one."""
    return f"uv run download-data {name} --force"


@dataclass(frozen=True)
class Verdict:
    """What :func:`check` found, and why in words (shown by ``roadmap-doctor``)."""

    status: Status
    reason: str
    path: Path


def check(entry: Entry, root: Path) -> Verdict:
    """What ``root / entry.filename`` is: verified, unverified (no sidecar), corrupt or missing."""
    path = root / entry.filename
    checked = checked_file(entry, path)
    if not checked.is_file():
        if path.exists():  # a model folder without its weights: a broken copy, not an absent one
            return Verdict("corrupt", f"{checked.name} is missing from the folder", path)
        return Verdict("missing", "not in the data directory", path)
    actual = digest(checked)
    recorded = sidecar(path)
    if recorded.is_file():
        expected = recorded.read_text().strip()
        if actual == expected:
            return Verdict("verified", f"matches {recorded.name}", path)
        return Verdict(
            "corrupt",
            f"sha256 {actual[:12]}… differs from {recorded.name} ({expected[:12]}…): "
            "the file changed after download-data wrote it",
            path,
        )
    known = known_checksums(entry)
    if actual in known:
        return Verdict("verified", "matches the registry's checksum", path)
    why = "its sha256 is not the registry's" if known else "no checksum is recorded for it"
    return Verdict("unverified", f"no {recorded.name} sidecar and {why}", path)


def require_intact(entry: Entry, root: Path) -> Path:
    """The entry's path in ``root`` once it passes :func:`check`: ChecksumError when corrupt,
    one UnverifiedDataWarning per process when unverified."""
    verdict = check(entry, root)
    if verdict.status == "corrupt":
        raise ChecksumError(
            f"{verdict.path}: {verdict.reason}; run `{repair_command(entry.name)}` to restore it"
        )
    if verdict.status == "unverified":
        key = _stat_key(checked_file(entry, verdict.path))
        if key not in _warned:
            _warned.add(key)
            warnings.warn(
                f"using {verdict.path} unverified ({verdict.reason}); "
                f"`{repair_command(entry.name)}` replaces it with the verified file",
                UnverifiedDataWarning,
                stacklevel=3,
            )
    return verdict.path
