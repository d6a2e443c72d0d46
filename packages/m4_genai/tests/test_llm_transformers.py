"""The transformers backend (the teaching path): cache bookkeeping (fast) and the real SmolLM2
model through PyTorch (slow, offline)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from m4_genai.llm import ChatModel, load_chat_model
from m4_genai.llm.transformers_backend import (
    TransformersChatModel,
    _cache_is_valid,
    _save_atomically,
)

FRANCE = [{"role": "user", "content": "What is the capital of France?"}]


class Saveable:
    """Stands in for a model/tokenizer: ``save_pretrained`` writes one file (or fails)."""

    def __init__(self, name: str, fail: bool = False) -> None:
        self.name, self.fail = name, fail

    def save_pretrained(self, folder: Path) -> None:
        if self.fail:
            raise OSError("disk full")
        (Path(folder) / self.name).write_text("weights")


def test_cache_is_written_atomically_and_stamped(tmp_path: Path) -> None:
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF" * 10)
    folder = tmp_path / "cache" / "smollm2"
    assert not _cache_is_valid(folder, gguf)
    _save_atomically(folder, gguf, Saveable("a.safetensors"), Saveable("tokenizer.json"))
    assert sorted(p.name for p in folder.iterdir()) == [
        "a.safetensors",
        "source.json",
        "tokenizer.json",
    ]
    assert json.loads((folder / "source.json").read_text()) == {"gguf": "model.gguf", "bytes": 40}
    assert _cache_is_valid(folder, gguf)
    gguf.write_bytes(b"GGUF" * 11)  # a different model file invalidates the cache
    assert not _cache_is_valid(folder, gguf)


def test_a_failed_save_leaves_no_cache_that_looks_complete(tmp_path: Path) -> None:
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    folder = tmp_path / "cache" / "smollm2"
    with pytest.raises(OSError, match="disk full"):
        _save_atomically(folder, gguf, Saveable("a"), Saveable("b", fail=True))
    assert not folder.exists() and not _cache_is_valid(folder, gguf)


def test_bad_options_are_clear_errors() -> None:
    from m4_genai.errors import LLMError

    model = TransformersChatModel()
    with pytest.raises(LLMError, match=r"unknown option\(s\) \['top_k'\] for the transformers"):
        model._options({"top_k": 5})
    with pytest.raises(LLMError, match="max_tokens must be at least 1"):
        model._options({"max_tokens": 0})
    assert model._options({"timeout": 3})["time_budget_s"] == 3


# ---------- the real model --------------------------------------------------------------------


@pytest.fixture(scope="module")
def smollm2() -> TransformersChatModel:
    """Loaded once for this module (converted from the GGUF and cached on the very first run)."""
    model = load_chat_model("transformers", max_tokens=16)
    assert isinstance(model, TransformersChatModel)
    return model.load()


@pytest.mark.slow
def test_real_model_knows_the_capital_of_france(smollm2: TransformersChatModel) -> None:
    result = smollm2.chat(FRANCE)
    assert isinstance(smollm2, ChatModel)
    assert "Paris" in result.text
    assert result.finish_reason == "stop" and result.completion_tokens > 0
    assert smollm2.context_window == 8192  # read from the model's config
    print(
        f"\nSmolLM2 (transformers) loaded from {smollm2.loaded_from} in {smollm2.load_seconds:.1f} s; "
        f"{result.completion_tokens} tokens in {result.seconds:.1f} s = "
        f"{result.tokens_per_second:.1f} tokens/s"
    )
    # Greedy decoding is deterministic: streaming yields the same answer piece by piece.
    pieces = list(smollm2.stream(FRANCE))
    assert len(pieces) > 1 and "".join(pieces).strip() == result.text


@pytest.mark.slow
def test_real_model_budgets_and_context_window(smollm2: TransformersChatModel) -> None:
    short = smollm2.chat(FRANCE, max_tokens=2)
    assert (short.completion_tokens, short.finish_reason) == (2, "length")
    timed = smollm2.chat(FRANCE, time_budget_s=0.001)
    assert timed.finish_reason == "length" and timed.completion_tokens < 16
    # A prompt far longer than the window: truncated by the stated rule, never a crash.
    smollm2.context_window = 96
    try:
        long_prompt = "filler text " * 400 + "What is the capital of France?"
        result = smollm2.chat([{"role": "user", "content": long_prompt}], max_tokens=4)
    finally:
        smollm2.context_window = None
    assert smollm2.last_fit is not None and smollm2.last_fit.cut_tokens > 0
    assert result.prompt_tokens <= 96 - 4
    assert smollm2.context_window == 8192
