"""How generation works, in plain PyTorch: a GGUF chat model run by transformers (``--llm transformers``).

GGUF is llama.cpp's single-file format: the weights (quantised to 4 bits), the tokenizer's
vocabulary and merges, and the chat template. transformers can read it
(``from_pretrained(folder, gguf_file=name)``), de-quantising every tensor to float32. That takes
tens of seconds, so the first load writes the converted model to ``<data dir>/cache/<model>/`` as
ordinary safetensors, and later loads read those in seconds. This is the teaching path (every step
is a PyTorch call you can step through) and the fallback; the fast local model is llama.cpp
(``llamacpp_backend.py``), which computes on the quantised weights directly.

One answer is: render the conversation with the model's chat template → token ids → ``generate``
(greedy when temperature is 0, so the same prompt always gives the same answer) → decode the new
tokens. Around it: a context-window rule (``context.py``), a time budget (generation stops, finish
reason ``length``), streaming, and tools through a JSON protocol in the prompt (``tool_protocol``).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from m4_genai.errors import LLMError
from m4_genai.llm.base import ChatResult, Message, ToolSpec, merge_options
from m4_genai.llm.context import FitReport, TextCodec, fit_to_budget
from m4_genai.llm.factory import resolve_model
from m4_genai.llm.tool_protocol import parse_tool_calls, to_protocol_messages
from roadmap_data import data_dir, model_path

DEFAULT_MODEL = "smollm2-135m"
OPTIONS = {"max_tokens", "temperature", "seed", "time_budget_s", "timeout", "repeat_penalty"}


def cache_dir(gguf: Path, kind: str = "model") -> Path:
    """``<data dir>/cache/<gguf file stem>`` (model + tokenizer) or ``...-tokenizer``."""
    suffix = "" if kind == "model" else f"-{kind}"
    return data_dir() / "cache" / f"{gguf.stem.lower()}{suffix}"


def _source_stamp(gguf: Path) -> dict[str, Any]:
    """What the cache was converted from; a different GGUF file invalidates it."""
    return {"gguf": gguf.name, "bytes": gguf.stat().st_size}


def _cache_is_valid(folder: Path, gguf: Path) -> bool:
    stamp = folder / "source.json"
    return stamp.is_file() and json.loads(stamp.read_text()) == _source_stamp(gguf)


def _save_atomically(folder: Path, gguf: Path, *objects: Any) -> None:
    """``save_pretrained`` every object into a temp folder, then rename it into place.

    A crash halfway leaves only the temp folder behind, never a cache that looks complete.
    """
    tmp = folder.with_name(f".{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for obj in objects:
        obj.save_pretrained(tmp)
    (tmp / "source.json").write_text(json.dumps(_source_stamp(gguf)))
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)


def load_gguf_tokenizer(gguf: Path | None = None) -> Any:
    """A GGUF model's tokenizer, from the model cache, a tokenizer-only cache, or the GGUF file."""
    from transformers import AutoTokenizer

    gguf = Path(gguf or model_path(DEFAULT_MODEL))
    for folder in (cache_dir(gguf, "model"), cache_dir(gguf, "tokenizer")):
        if _cache_is_valid(folder, gguf):
            return AutoTokenizer.from_pretrained(str(folder))
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    _save_atomically(cache_dir(gguf, "tokenizer"), gguf, tokenizer)
    return tokenizer


def load_gguf_model(gguf: Path | None = None) -> tuple[Any, Any, str]:
    """``(model, tokenizer, source)``: source is ``"cache"`` or ``"gguf"`` (converted just now)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = Path(gguf or model_path(DEFAULT_MODEL))
    folder = cache_dir(gguf, "model")
    if _cache_is_valid(folder, gguf):
        model = AutoModelForCausalLM.from_pretrained(str(folder))
        return model.eval(), AutoTokenizer.from_pretrained(str(folder)), "cache"
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    # The weights are plain float32 now, but the model still carries the GGUF "quantizer" that
    # read them, and transformers refuses to save a quantised model. Nothing is quantised any
    # more, so we drop that marker and save ordinary safetensors.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    _save_atomically(folder, gguf, model, tokenizer)
    return model.eval(), tokenizer, "gguf"


REPETITION_PENALTY = 1.2
"""The default penalty on repeating recent tokens (1.0 = none); see ``_prepare``."""


class TransformersChatModel:
    """A catalogue model (default SmolLM2-135M) on the CPU through transformers; loads on first use.

    Args:
        model: catalogue name (``smollm2-135m``, ``qwen2.5-coder-0.5b``...) or a GGUF path.
        max_tokens: default cap on generated tokens per answer.
        temperature: 0 → greedy decoding (deterministic); > 0 → sampling, seeded by ``seed``.
        seed: seed for sampling.
        time_budget_s: stop generating after this many seconds (finish reason ``length``); it is
            checked after each new token, so the prompt is always read and one token produced.
        context_window: override the window read from the model config (tests use a small one).
        repeat_penalty: > 1 discourages repeating recent tokens (1.2 by default: the 135M model
            loops without it; 1.0 compares token for token with llama.cpp).
    """

    def __init__(
        self,
        model: str | None = None,
        max_tokens: int = 256,
        temperature: float = 0.0,
        seed: int = 0,
        time_budget_s: float | None = None,
        context_window: int | None = None,
        repeat_penalty: float = REPETITION_PENALTY,
    ) -> None:
        self.name, self._gguf, _ = resolve_model(model or DEFAULT_MODEL)
        self.defaults = {
            "max_tokens": max_tokens,
            "temperature": temperature,
            "seed": seed,
            "time_budget_s": time_budget_s,
            "repeat_penalty": repeat_penalty,
        }
        self._context_window = context_window
        self.model: Any = None
        self.tokenizer: Any = None
        self.load_seconds = 0.0
        self.loaded_from = ""
        self.last_fit: FitReport | None = None

    # ---------- loading and counting ----------------------------------------------------------

    def load(self) -> TransformersChatModel:
        """Load (and on the very first run convert and cache) the model; records the time taken."""
        if self.model is None:
            start = time.perf_counter()
            self.model, self.tokenizer, self.loaded_from = load_gguf_model(self._gguf)
            self.load_seconds = time.perf_counter() - start
        return self

    @property
    def context_window(self) -> int:
        """Tokens the model can attend to (prompt + answer): ``max_position_embeddings``."""
        if self._context_window is not None:
            return self._context_window
        return int(self.load().model.config.max_position_embeddings)

    @context_window.setter
    def context_window(self, tokens: int | None) -> None:
        self._context_window = tokens

    def render(self, messages: list[Message]) -> str:
        """The conversation as the exact text the model reads (chat template + assistant cue)."""
        self.load()
        return self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, tokenize=False
        )

    def count_tokens(self, messages: list[Message]) -> int:
        """Prompt tokens of ``messages`` once rendered."""
        return len(self.tokenizer.encode(self.render(messages), add_special_tokens=False))

    # ---------- generation --------------------------------------------------------------------

    def _options(self, opts: dict[str, Any]) -> dict[str, Any]:
        return merge_options(self.defaults, opts, OPTIONS, "the transformers model")

    def _prepare(
        self, messages: list[Message], tools: Sequence[ToolSpec] | None, opts: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Options → (token ids ready for ``generate``, generate keyword arguments)."""
        import torch

        self.load()
        messages = to_protocol_messages(messages, tools)
        # The answer must fit in the window too, so the prompt gets what is left of it.
        max_new = min(int(opts["max_tokens"]), self.context_window - 1)
        codec = TextCodec(
            encode=lambda text: self.tokenizer.encode(text, add_special_tokens=False),
            decode=lambda ids: self.tokenizer.decode(ids),
        )
        self.last_fit = fit_to_budget(
            messages, self.context_window - max_new, self.count_tokens, codec
        )
        input_ids = torch.tensor(
            [self.tokenizer.encode(self.render(self.last_fit.messages), add_special_tokens=False)]
        )  # (1, T)
        greedy = float(opts["temperature"]) <= 0
        pad_id = self.tokenizer.pad_token_id
        kwargs: dict[str, Any] = {
            "max_new_tokens": max_new,
            "do_sample": not greedy,
            "pad_token_id": self.tokenizer.eos_token_id if pad_id is None else pad_id,
            "eos_token_id": self.tokenizer.eos_token_id,
            # Small models fall into loops ("The assertion checks are not executed." × 3) under
            # greedy decoding; a mild penalty on already-generated tokens breaks them.
            "repetition_penalty": float(opts["repeat_penalty"]),
        }
        if not greedy:
            torch.manual_seed(int(opts["seed"]))
            kwargs["temperature"] = float(opts["temperature"])
        if opts["time_budget_s"] is not None:
            kwargs["max_time"] = float(opts["time_budget_s"])  # a StoppingCriteria on the clock
        inputs = {"input_ids": input_ids, "attention_mask": torch.ones_like(input_ids)}
        return inputs, kwargs

    def chat(
        self, messages: list[Message], tools: Sequence[ToolSpec] | None = None, **opts: Any
    ) -> ChatResult:
        """Answer ``messages``; with ``tools``, a JSON tool call in the reply becomes a ToolCall."""
        import torch

        inputs, kwargs = self._prepare(messages, tools, self._options(opts))
        start = time.perf_counter()
        with torch.inference_mode():
            output = self.model.generate(**inputs, **kwargs)  # (1, T + new)
        seconds = time.perf_counter() - start
        new_ids = output[0, inputs["input_ids"].shape[1] :].tolist()
        finished = bool(new_ids) and new_ids[-1] == self.tokenizer.eos_token_id
        text = self.tokenizer.decode(new_ids, skip_special_tokens=True).strip()
        result = ChatResult(
            text=text,
            prompt_tokens=int(inputs["input_ids"].shape[1]),
            completion_tokens=len(new_ids),
            seconds=seconds,
            finish_reason="stop" if finished else "length",
            model=self.name,
        )
        if tools:
            result.tool_calls = parse_tool_calls(text, tools)
            if result.tool_calls:
                result.finish_reason = "tool_calls"
        return result

    def stream(self, messages: list[Message], **opts: Any) -> Iterator[str]:
        """Yield text as it is generated: ``generate`` runs in a thread and feeds a streamer."""
        import torch
        from transformers import TextIteratorStreamer

        inputs, kwargs = self._prepare(messages, None, self._options(opts))
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        errors: list[BaseException] = []

        def generate() -> None:
            try:
                with torch.inference_mode():
                    self.model.generate(**inputs, **kwargs, streamer=streamer)
            except BaseException as error:  # re-raised below, in the caller's thread
                errors.append(error)
                streamer.end()

        thread = threading.Thread(target=generate, daemon=True)
        thread.start()
        yield from (piece for piece in streamer if piece)
        thread.join()
        if errors:
            raise LLMError(f"local generation failed: {errors[0]}") from errors[0]
