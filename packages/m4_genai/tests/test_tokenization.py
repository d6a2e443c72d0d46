"""Tokenizer comparison: hand padding/truncation vs the library, counts, the CLI and its errors."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from m4_genai.cli.tokenizer_compare import TokenizerConfig, main, run
from m4_genai.lessons.tokenization import (
    count_tokens,
    library_batch,
    load_minilm_tokenizer,
    load_smollm2_tokenizer,
    pad_and_truncate,
)
from roadmap_data.runkit import ConfigError

TEXTS = ["The quick brown fox jumps over the lazy dog again and again.", "Hi there", "naïve café"]


@lru_cache(maxsize=1)
def smollm2() -> Any:
    return load_smollm2_tokenizer()


def test_pad_and_truncate_by_hand() -> None:
    batch = pad_and_truncate([[5, 6, 7, 8], [9]], pad_id=0, max_length=3)
    assert batch == {"input_ids": [[5, 6, 7], [9, 0, 0]], "attention_mask": [[1, 1, 1], [1, 0, 0]]}
    left = pad_and_truncate(
        [[5, 6], [9]], pad_id=0, max_length=4, pad_to_max_length=True, side="left"
    )
    assert left == {
        "input_ids": [[0, 0, 5, 6], [0, 0, 0, 9]],
        "attention_mask": [[0, 0, 1, 1], [0, 0, 0, 1]],
    }
    with pytest.raises(ValueError, match="side must be"):
        pad_and_truncate([[1]], pad_id=0, side="middle")


def test_count_tokens_reports_compression() -> None:
    rows = count_tokens(
        ["abcd", "ab"], {"chars": lambda t: list(t), "pairs": lambda t: [0] * (len(t) // 2)}
    )
    assert [(r.tokenizer, r.counts, r.chars_per_token) for r in rows] == [
        ("chars", (4, 2), 1.0),
        ("pairs", (2, 1), 2.0),
    ]


@pytest.mark.slow
@pytest.mark.parametrize("padding", ["max_length", "longest"])
@pytest.mark.parametrize("side", ["right", "left"])
def test_hand_padding_matches_the_library_for_smollm2(padding: str, side: str) -> None:
    tokenizer = smollm2()
    tokenizer.padding_side = side
    ids = [tokenizer.encode(text, add_special_tokens=False) for text in TEXTS]
    ours = pad_and_truncate(
        ids,
        tokenizer.pad_token_id,
        max_length=8,
        pad_to_max_length=padding == "max_length",
        side=side,
    )
    assert ours == library_batch(tokenizer, TEXTS, max_length=8, padding=padding)


@pytest.mark.slow
def test_wordpiece_adds_cls_and_sep_and_pads_with_zero() -> None:
    tokenizer = load_minilm_tokenizer()
    batch = library_batch(tokenizer, ["Hi there", "naïve café"], max_length=6)
    cls_id, sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
    assert tokenizer.convert_ids_to_tokens(batch["input_ids"][1])[:4] == [
        "[CLS]",
        "naive",
        "cafe",
        "[SEP]",
    ]
    inner = [tokenizer.encode(t, add_special_tokens=False) for t in ["Hi there", "naïve café"]]
    ours = pad_and_truncate(
        [[cls_id, *ids, sep_id] for ids in inner], tokenizer.pad_token_id, 6, True
    )
    assert ours == batch and tokenizer.pad_token_id == 0


@pytest.mark.slow
def test_run_tiny_compares_three_tokenizers() -> None:
    result = run(TokenizerConfig.preset("tiny"))
    names = [row.tokenizer for row in result.rows]
    assert names == ["our BPE (400)", "SmolLM2 BPE (49152)", "MiniLM WordPiece (30522)"]
    ours, smol, minilm = (result.held_out_chars_per_token[name] for name in names)
    # Our 400-token BPE compresses far less than SmolLM2's 49k vocabulary, more than raw bytes.
    assert 1.3 < ours < smol and smol > 3.5 and minilm > 2.5
    assert result.common_words[" the"] == [" the"]
    assert all(len(row) == 12 for b in result.batch.values() for row in b["attention_mask"])


@pytest.mark.slow
def test_cli_smoke_writes_metrics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--smoke", "--text", "Hello world", "--out", str(tmp_path)]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["config"]["texts"] == ["Hello world"]
    assert metrics["token_counts"]["SmolLM2 BPE (49152)"] == [2]
    assert "Tokens per text" in capsys.readouterr().out


def test_bad_config_is_exit_code_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--smoke", "--vocab-size", "100", "--out", str(tmp_path)]) == 2
    assert "error: bpe_vocab_size must be at least 257, not 100" in capsys.readouterr().err
    assert not (tmp_path / "metrics.json").exists()
    with pytest.raises(ConfigError, match=r"unknown TokenizerConfig key\(s\): vocab"):
        TokenizerConfig.preset("tiny", vocab=3)


def test_tiktoken_offline_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "empty-cache"))  # no cached vocabulary
    assert main(["--smoke", "--tiktoken", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: tiktoken could not load 'cl100k_base'") and "offline" in err
