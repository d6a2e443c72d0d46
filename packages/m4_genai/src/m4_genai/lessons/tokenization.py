"""Tokenisation: the same texts through three tokenizers, and what a model actually receives.

A model never sees text, only integer ids. Three families are compared here:

- **our byte-level BPE** (``bpe.py``), trained from scratch on the Python reference manual;
- **SmolLM2's tokenizer**: byte-level BPE too, 49,152 tokens, read offline from the GGUF file;
- **MiniLM's WordPiece** (BERT's): lowercases, splits words into ``##``-prefixed pieces, and adds
  ``[CLS] ... [SEP]`` around every text.

A batch is a rectangle: texts have different lengths, so short ones are **padded** with a pad id
and long ones **truncated** to ``max_length``; the **attention mask** (1 = real token, 0 = pad)
tells the model which positions to ignore. ``pad_and_truncate`` does that by hand and the tests
check it against the library's ``tokenizer(texts, padding=..., truncation=...)``.

tiktoken (OpenAI's BPE) downloads its vocabulary on first use, so it is the online path only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from m4_genai.errors import GenAIError
from m4_genai.lessons.bpe import BPETokenizer
from roadmap_data import model_path

Encode = Callable[[str], list[int]]


def split_corpus(heldout_every: int = 5) -> tuple[str, str]:
    """``(train, held_out)``: every ``heldout_every``-th section is kept out of training, so the
    compression we report is measured on text the BPE never saw."""
    from pydoc_data.topics import topics

    names = sorted(topics)
    train = [topics[n] for i, n in enumerate(names) if i % heldout_every != heldout_every - 1]
    held_out = [topics[n] for i, n in enumerate(names) if i % heldout_every == heldout_every - 1]
    return "\n\n".join(train), "\n\n".join(held_out)


def train_bpe(vocab_size: int, corpus_chars: int | None = None) -> BPETokenizer:
    """Our BPE trained on (the first ``corpus_chars`` characters of) the training sections."""
    train, _ = split_corpus()
    return BPETokenizer.train(train[:corpus_chars], vocab_size)


def load_minilm_tokenizer() -> Any:
    """all-MiniLM-L6-v2's WordPiece tokenizer, from the pinned model folder (offline)."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(model_path("all-minilm-l6-v2")))


def load_smollm2_tokenizer() -> Any:
    """SmolLM2's BPE tokenizer, from the GGUF (cached as tokenizer.json after the first load)."""
    from m4_genai.llm.transformers_backend import load_gguf_tokenizer as load

    return load()


def hf_encoder(tokenizer: Any, special_tokens: bool = True) -> Encode:
    """A Hugging Face tokenizer as ``text -> ids``; with its special tokens = what the model sees."""
    return lambda text: list(tokenizer.encode(text, add_special_tokens=special_tokens))


def tiktoken_encoder(encoding: str = "cl100k_base") -> Encode:
    """OpenAI's tiktoken encoding (``cl100k_base``: GPT-4's). Needs the internet the first time."""
    import tiktoken

    try:
        enc = tiktoken.get_encoding(encoding)
    except Exception as error:  # requests/urllib errors, blocked sockets: all mean "offline"
        raise GenAIError(
            f"tiktoken could not load {encoding!r}: it downloads its vocabulary on first use and "
            f"this machine looks offline ({type(error).__name__}); run without --tiktoken"
        ) from error
    return enc.encode


# ---------- counting --------------------------------------------------------------------------


@dataclass(frozen=True)
class CountRow:
    """Token counts of one tokenizer over the compared texts."""

    tokenizer: str
    counts: tuple[int, ...]
    chars_per_token: float
    """Compression: characters of all texts / tokens of all texts (higher = fewer tokens)."""


def count_tokens(texts: Sequence[str], encoders: dict[str, Encode]) -> list[CountRow]:
    """One row per tokenizer: tokens per text and chars/token over all of them."""
    rows = []
    chars = sum(len(text) for text in texts)
    for name, encode in encoders.items():
        counts = tuple(len(encode(text)) for text in texts)
        rows.append(CountRow(name, counts, chars / max(1, sum(counts))))
    return rows


def compression(encode: Encode, text: str) -> float:
    """Characters per token of ``text``, BPE's whole point in one number.

    Counted paragraph by paragraph (models read bounded windows, and BERT-style tokenizers warn
    on texts longer than theirs); pass an encoder *without* special tokens for a fair comparison.
    """
    paragraphs = [p for p in text.split("\n\n") if p]
    tokens = sum(len(encode(p)) for p in paragraphs)
    return sum(len(p) for p in paragraphs) / max(1, tokens)


# ---------- padding and truncation by hand -----------------------------------------------------


def pad_and_truncate(
    batch: Sequence[Sequence[int]],
    pad_id: int,
    max_length: int | None = None,
    pad_to_max_length: bool = False,
    side: str = "right",
) -> dict[str, list[list[int]]]:
    """Make a batch rectangular: ``{"input_ids": (B, L), "attention_mask": (B, L)}``.

    Truncation keeps the first ``max_length`` ids. Padding fills up to the longest sequence
    (``padding="longest"``) or to ``max_length`` (``padding="max_length"``). Decoder models that
    generate usually pad on the *left*, so that every row's last position is a real token.
    """
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', got {side!r}")
    rows = [list(ids[:max_length]) if max_length else list(ids) for ids in batch]
    if pad_to_max_length and max_length is None:
        raise ValueError("pad_to_max_length needs a max_length")
    length = max_length if pad_to_max_length else max((len(ids) for ids in rows), default=0)
    input_ids, attention_mask = [], []
    for ids in rows:
        pad = [pad_id] * (length - len(ids))
        mask = [1] * len(ids)
        if side == "right":
            input_ids.append(ids + pad)
            attention_mask.append(mask + [0] * len(pad))
        else:
            input_ids.append(pad + ids)
            attention_mask.append([0] * len(pad) + mask)
    return {"input_ids": input_ids, "attention_mask": attention_mask}


def library_batch(
    tokenizer: Any, texts: Sequence[str], max_length: int, padding: str = "max_length"
) -> dict[str, list[list[int]]]:
    """The library's version of ``pad_and_truncate`` (what you would write in real code)."""
    encoded = tokenizer(list(texts), padding=padding, truncation=True, max_length=max_length)
    return {"input_ids": encoded["input_ids"], "attention_mask": encoded["attention_mask"]}
