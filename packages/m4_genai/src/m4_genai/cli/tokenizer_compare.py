"""tokenizer-compare: the same texts through our BPE, SmolLM2's BPE and MiniLM's WordPiece.

Trains a byte-level BPE from scratch on the Python reference manual (pydoc_data.topics, with one
section in five held out), then prints for each text how many tokens each tokenizer needs, the
compression (characters per token) on the held-out sections, how common words split, and a padded,
truncated batch (input_ids + attention_mask) exactly as a model receives it.

    uv run tokenizer-compare                      # vocab 1000 (the default "cpu" preset)
    uv run tokenizer-compare --preset full        # vocab 4000
    uv run tokenizer-compare --text "naïve café" --max-length 8
    uv run tokenizer-compare --tiktoken           # + OpenAI's cl100k_base (needs the internet)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from m4_genai.lessons.tokenization import (
    CountRow,
    compression,
    count_tokens,
    hf_encoder,
    library_batch,
    load_minilm_tokenizer,
    load_smollm2_tokenizer,
    split_corpus,
    tiktoken_encoder,
    train_bpe,
)
from roadmap_data.console import friendly_errors, print_table
from roadmap_data.runkit import RunConfig, RunParser, require, require_at_least, save_metrics

PROG = "tokenizer-compare"
DEFAULT_TEXTS = (
    "The quick brown fox jumps over the lazy dog.",
    "def fibonacci(n):\n    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)",
    "The return statement leaves the current function call with the expression list.",
    "Tokenization is unbelievably subtle: naïve café, 3.14159, 🙂!",
    "Le modèle de langage répond en français, mais il a appris surtout l'anglais.",
)
COMMON_WORDS = (" the", " return", " function", " class", " object", " import")


@dataclass(frozen=True, kw_only=True)
class TokenizerConfig(RunConfig):
    """What ``run`` compares (the BPE is deterministic: ``seed`` changes nothing here)."""

    PRESETS: ClassVar = {
        "tiny": {"bpe_vocab_size": 400, "corpus_chars": 60_000},
        "cpu": {},
        "full": {"bpe_vocab_size": 4000},
    }

    bpe_vocab_size: int = 1000
    """Vocabulary of our BPE: 256 bytes + (vocab - 256) learned merges."""
    corpus_chars: int | None = None
    """Train on only the first N characters of the training sections (None = all, ~370k)."""
    texts: tuple[str, ...] = DEFAULT_TEXTS
    """The texts counted by every tokenizer."""
    max_length: int = 12
    """Padding/truncation length of the batch demo."""
    tiktoken: bool = False
    """Also count with tiktoken's cl100k_base (downloads its vocabulary: online only)."""

    def validate(self) -> None:
        require_at_least(257, bpe_vocab_size=self.bpe_vocab_size)
        require_at_least(2, max_length=self.max_length)
        require_at_least(1000, corpus_chars=self.corpus_chars)
        require(bool(self.texts), "give at least one text")


@dataclass
class Result:
    """Everything ``tokenizer-compare`` measured."""

    rows: list[CountRow]
    held_out_chars_per_token: dict[str, float]
    common_words: dict[str, list[str]]
    """How our BPE splits frequent words (one piece each when it has learned them)."""
    batch: dict[str, dict[str, list[list[int]]]]
    bpe_vocab_size: int
    bpe_train_seconds: float
    pieces: dict[str, list[str]] = field(default_factory=dict)

    def metrics(self) -> dict[str, Any]:
        return {
            "token_counts": {row.tokenizer: list(row.counts) for row in self.rows},
            "chars_per_token_texts": {row.tokenizer: row.chars_per_token for row in self.rows},
            "chars_per_token_held_out": self.held_out_chars_per_token,
            "bpe_vocab_size": self.bpe_vocab_size,
            "bpe_train_seconds": self.bpe_train_seconds,
            "common_words": self.common_words,
            "batch": self.batch,
            "pieces": self.pieces,
        }


def run(config: TokenizerConfig) -> Result:
    """Train our BPE, load the two real tokenizers, count, compress, pad and truncate."""
    # tiktoken first: offline it fails, and it should fail before the slow work.
    tiktoken = tiktoken_encoder("cl100k_base") if config.tiktoken else None
    start = time.perf_counter()
    bpe = train_bpe(config.bpe_vocab_size, config.corpus_chars)
    train_seconds = time.perf_counter() - start
    smollm2, minilm = load_smollm2_tokenizer(), load_minilm_tokenizer()
    encoders = {
        f"our BPE ({bpe.vocab_size})": bpe.encode,
        f"SmolLM2 BPE ({len(smollm2)})": hf_encoder(smollm2),
        f"MiniLM WordPiece ({len(minilm)})": hf_encoder(minilm),
    }
    content_only = {**encoders}  # compression counts text tokens, not [CLS]/[SEP]
    content_only[f"MiniLM WordPiece ({len(minilm)})"] = hf_encoder(minilm, special_tokens=False)
    if tiktoken is not None:
        encoders["tiktoken cl100k_base"] = content_only["tiktoken cl100k_base"] = tiktoken
    _, held_out = split_corpus()
    sample = config.texts[min(3, len(config.texts) - 1)]
    return Result(
        rows=count_tokens(config.texts, encoders),
        held_out_chars_per_token=_quietly(
            lambda: {name: compression(enc, held_out) for name, enc in content_only.items()}
        ),
        common_words={word: bpe.tokens(word) for word in COMMON_WORDS},
        batch={
            "SmolLM2": library_batch(smollm2, config.texts[:2], config.max_length),
            "MiniLM": library_batch(minilm, config.texts[:2], config.max_length),
        },
        bpe_vocab_size=bpe.vocab_size,
        bpe_train_seconds=train_seconds,
        pieces={
            "our BPE": bpe.tokens(sample),
            "SmolLM2": smollm2.convert_ids_to_tokens(smollm2(sample)["input_ids"]),
            "MiniLM": minilm.convert_ids_to_tokens(minilm(sample)["input_ids"]),
        },
    )


def _quietly(count: Callable[[], dict[str, float]]) -> dict[str, float]:
    """Run ``count`` with transformers' warnings muted: long paragraphs exceed MiniLM's 512-token
    window, which matters when a model reads them, not when we only count tokens."""
    from transformers.utils import logging as hf_logging

    previous = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        return count()
    finally:
        hf_logging.set_verbosity(previous)


def report(result: Result, config: TokenizerConfig) -> None:
    """The tables a reader looks at."""
    names = [row.tokenizer for row in result.rows]
    rows: list[list[Any]] = []
    for i, text in enumerate(config.texts):
        label = text.replace("\n", "⏎")[:40]
        rows.append([label, *(row.counts[i] for row in result.rows)])
    rows.append(["chars/token (these texts)", *(row.chars_per_token for row in result.rows)])
    rows.append(
        ["chars/token (held-out manual, text only)", *result.held_out_chars_per_token.values()]
    )
    print_table("Tokens per text", ["text", *names], rows)
    print_table(
        "How each tokenizer cuts the same text",
        ["tokenizer", "pieces"],
        [[name, " | ".join(pieces)] for name, pieces in result.pieces.items()],
    )
    print_table(
        f"Our BPE on frequent words (trained in {result.bpe_train_seconds:.1f} s)",
        ["word", "pieces"],
        [
            [repr(word), " | ".join(map(repr, pieces))]
            for word, pieces in result.common_words.items()
        ],
    )
    batch_rows = [
        [name, i, batch["input_ids"][i], batch["attention_mask"][i]]
        for name, batch in result.batch.items()
        for i in range(len(batch["input_ids"]))
    ]
    print_table(
        f"A batch of 2 texts, padded/truncated to {config.max_length}",
        ["tokenizer", "row", "input_ids", "attention_mask"],
        batch_rows,
    )


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser(PROG, __doc__, TokenizerConfig, flags=["max_length", "tiktoken"])
    parser.add_field("bpe_vocab_size", "--vocab-size")
    parser.add_field("texts", "--text", nargs=None, action="append")
    args = parser.parse_args(argv)
    config = parser.config(args)
    result = run(config)
    report(result, config)
    print(f"wrote {save_metrics(result, config, config.out)}")
    return 0
