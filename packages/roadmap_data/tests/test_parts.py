"""A file shipped in parts (the Qwen2.5-Coder GGUFs): joined in order, checked as a whole (size,
then sha256), nothing left behind on failure, optional everywhere. Fake part packages of a few
bytes stand in for the real wheels; one slow test joins the real 0.5B model when it is installed."""

from __future__ import annotations

import hashlib
import os
import re
import time
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from roadmap_data import builders, cli, doctor, models, registry, store
from roadmap_data.errors import ChecksumError, DataDirError, DataNotFoundError
from roadmap_data.integrity import sidecar
from roadmap_data.loaders import model_path
from roadmap_data.paths import repo_root
from roadmap_data.testing import FakeHTTP, fake_parts

QWEN = registry.get("qwen2.5-coder-0.5b")
# 11 parts of different bytes and lengths: part10 and part11 must follow part9, not part1.
CHUNKS = [bytes([65 + i]) * (5 + i) for i in range(11)]
JOINED = b"".join(CHUNKS)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def fake_qwen(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str = QWEN.name, **options
) -> registry.Entry:
    """The registry entry ``name`` with its parts replaced by fakes under ``tmp_path/site``."""
    site = tmp_path / f"site-{name}"
    site.mkdir()
    source = fake_parts(monkeypatch, site, CHUNKS, **options)
    entry = replace(registry.get(name), source=source, size=source.size, url_sha256=source.sha256)
    monkeypatch.setitem(registry.REGISTRY, name, entry)
    return entry


def test_parts_are_joined_in_order_then_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = fake_qwen(monkeypatch, tmp_path)
    data = tmp_path / "data"
    outcome = store.materialise(entry, data)
    assert outcome.action == "built"
    assert outcome.path.read_bytes() == JOINED
    assert sidecar(outcome.path).read_text().strip() == hashlib.sha256(JOINED).hexdigest()
    assert leftovers(data) == [entry.filename, entry.filename + ".sha256"]  # no temporary file
    assert store.materialise(entry, data).action == "present"
    assert model_path(entry.name, data) == outcome.path


def test_a_wrong_size_is_refused_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = fake_qwen(monkeypatch, tmp_path, size=len(JOINED) + 1)
    with pytest.raises(ChecksumError, match=f"{len(JOINED)} bytes, expected {len(JOINED) + 1}"):
        store.materialise(entry, tmp_path / "data")
    assert leftovers(tmp_path / "data") == []


def test_a_wrong_checksum_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = fake_qwen(monkeypatch, tmp_path, sha256="0" * 64)  # right size, other bytes
    with pytest.raises(ChecksumError, match=r"joined from fake-parts-.*does not match"):
        store.materialise(entry, tmp_path / "data")
    assert leftovers(tmp_path / "data") == []
    with pytest.raises(DataNotFoundError):  # and nothing a loader could pick up
        model_path(entry.name, tmp_path / "data")


def test_a_disk_full_mid_join_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = fake_qwen(monkeypatch, tmp_path)

    def fills_the_disk(parts: list[Path], target: Path, *args: object) -> str:
        target.write_bytes(CHUNKS[0])  # half a file is on disk when the write fails
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(builders, "join_files", fills_the_disk)
    with pytest.raises(DataDirError, match="No space left on device"):
        store.materialise(entry, tmp_path / "data")
    assert leftovers(tmp_path / "data") == []


def test_missing_parts_name_the_uv_sync_command_and_never_download(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = fake_qwen(monkeypatch, tmp_path, installed=[True] * 10 + [False])
    group, data = entry.source.group, tmp_path / "data"
    steps = f"run `uv sync --all-packages --group {group}`, then `uv run download-data {QWEN.name}`"
    http = FakeHTTP({})
    with pytest.raises(DataNotFoundError, match=re.escape(steps)):
        store.materialise(entry, data, opener=http)
    assert http.requested == []  # a 1 GB download needs --online, never happens on its own
    with pytest.raises(DataNotFoundError, match=re.escape(steps)):
        model_path(QWEN.name, data)
    with pytest.raises(DataNotFoundError, match=re.escape(steps)):  # what a chat backend calls
        models.chat_model(QWEN.name).path(data)
    assert cli.main([QWEN.name, "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {QWEN.name}: its part packages") and err.count("\n") == 1
    assert leftovers(data) == []


def test_installed_parts_not_yet_joined_name_download_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_qwen(monkeypatch, tmp_path)
    with pytest.raises(DataNotFoundError, match="parts are installed") as error:
        model_path(QWEN.name, tmp_path / "data")
    assert f"run `uv run download-data {QWEN.name}`" in str(error.value)
    assert "uv sync" not in str(error.value)


def test_online_fetches_the_official_file_and_checks_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = fake_qwen(monkeypatch, tmp_path, installed=[False] * len(CHUNKS))
    assert entry.url.startswith("https://huggingface.co/Qwen/")
    outcome = store.materialise(
        entry, tmp_path / "a", online=True, opener=FakeHTTP({entry.url: JOINED})
    )
    assert outcome.action == "downloaded" and outcome.path.read_bytes() == JOINED
    with pytest.raises(ChecksumError):
        store.materialise(entry, tmp_path / "b", online=True, opener=FakeHTTP({entry.url: b"x"}))
    assert leftovers(tmp_path / "b") == []


def test_the_cli_prints_the_licence_notice(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    wide_console: None,
) -> None:
    fake_qwen(monkeypatch, tmp_path)
    assert cli.main([QWEN.name, "--data-dir", str(tmp_path / "data")]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "sha256 matches the official file" in out and "Apache-2.0" in out
    assert "https://huggingface.co/Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF" in out


def test_download_all_skips_optional_entries_whose_parts_are_missing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    wide_console: None,
) -> None:
    small = fake_qwen(monkeypatch, tmp_path)  # parts installed: joined
    big = fake_qwen(monkeypatch, tmp_path, "qwen2.5-coder-1.5b", installed=[False] * len(CHUNKS))
    titanic = registry.get("titanic")
    monkeypatch.setattr(registry, "REGISTRY", {e.name: e for e in (titanic, small, big)})
    assert cli.main(["--all", "--data-dir", str(tmp_path / "data")]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"skipped {big.name} (optional" in out and f"--group {big.source.group}" in out
    assert leftovers(tmp_path / "data") == sorted(
        name for e in (titanic, small) for name in (e.filename, e.filename + ".sha256")
    )


def test_doctor_treats_optional_entries_as_optional(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    wide_console: None,
) -> None:
    big = fake_qwen(monkeypatch, tmp_path, "qwen2.5-coder-1.5b", installed=[False] * len(CHUNKS))
    where, status = doctor.data_status(big, tmp_path)
    assert status == "optional" and f"`uv sync --all-packages --group {big.source.group}`" in where
    monkeypatch.setattr(registry, "REGISTRY", {"titanic": registry.get("titanic"), big.name: big})
    monkeypatch.setattr(models, "CHAT_MODELS", models.CHAT_MODELS[:1])  # the 1.5B card only
    assert doctor.main(["--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "all good" in out and "problem" not in out
    assert "not installed: `uv sync --all-packages --group" in out  # the catalogue says how


def normalised(group: str) -> str:
    """uv's (PEP 735) spelling of a group name: ``qwen2.5-coder-0.5b`` → ``qwen2-5-coder-0-5b``."""
    return re.sub(r"[-_.]+", "-", group).lower()


def test_each_parts_group_is_declared_and_its_wheels_pinned_by_hash() -> None:
    """Trust in the anonymous part wheels starts with uv.lock: every part, its wheel's sha256."""
    root = repo_root()
    if root is None:
        pytest.skip("installed outside the clone: no pyproject.toml or uv.lock to read")
    groups = tomllib.loads((root / "pyproject.toml").read_text())["dependency-groups"]
    groups = {normalised(name): requirements for name, requirements in groups.items()}
    locked = {p["name"]: p for p in tomllib.loads((root / "uv.lock").read_text())["package"]}
    optional = [entry for entry in registry.REGISTRY.values() if entry.optional]
    assert {entry.name for entry in optional} == {"qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"}
    for entry in optional:
        pinned = groups[normalised(entry.source.group)]
        assert [req.split("==")[0] for req in pinned] == list(entry.source.distributions)
        for distribution in entry.source.distributions:
            wheels = locked[distribution]["wheels"]
            assert wheels and all(re.fullmatch(r"sha256:[0-9a-f]{64}", w["hash"]) for w in wheels)


@pytest.mark.slow
def test_the_real_parts_join_into_the_official_qwen_file(tmp_path: Path) -> None:
    """491 MB through the real path: ≈ 2 s here (2 cores), memory flat (streamed)."""
    if not QWEN.source.is_installed():
        pytest.skip(f"parts not installed: `{QWEN.source.install_command}`")
    started = time.perf_counter()
    outcome = store.materialise(QWEN, tmp_path)
    seconds = time.perf_counter() - started
    assert outcome.action == "built" and os.path.getsize(outcome.path) == QWEN.source.size
    assert sidecar(outcome.path).read_text().strip() == QWEN.url_sha256  # the official checksum
    assert seconds < 60, f"joining took {seconds:.0f} s"
    header = models.gguf_metadata(outcome.path)  # the card's facts, read from the file itself
    card = models.chat_model(QWEN.name)
    assert header["qwen2.context_length"] == card.context_length
    assert header["general.file_type"] == 15  # llama.cpp's MOSTLY_Q4_K_M
    assert "<tool_call>" in header["tokenizer.chat_template"]
