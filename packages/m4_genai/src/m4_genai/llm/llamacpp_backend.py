"""The local chat model, run by llama.cpp inside this process: a GGUF file, no server, no GPU.

llama.cpp (through the prebuilt ``xllamacpp`` binding) computes straight from the quantised
weights as the GGUF stores them (Q4: about half a byte per weight), with hand-tuned CPU kernels,
so a 1.5B-parameter model answers at ≈ 15 tokens/s on one core where transformers, which first
de-quantises everything to float32, manages a few. The binding takes and returns the same
OpenAI-shaped dicts as an HTTP server would (``handle_chat_completions``), so this backend is a
thin translation plus what a caller needs:

- **which model**: a catalogue name (``qwen2.5-coder-1.5b``...) or a path to any GGUF file; by
  default the best model installed (``roadmap_data.models``). Loaded once per process.
- **threads**: one by default. llama.cpp's worker threads spin while they wait for each other;
  on a machine whose cores are busy with other work, two threads can be slower than one.
- **budgets**: ``max_tokens``, a wall-clock ``time_budget_s`` (generation is streamed, and the
  stream is cancelled when time is up: finish reason ``length``) and ``stop`` sequences.
- **the context window**: a prompt too long for the window is cut by the rule in ``context.py``
  (exact token counts from the GGUF's own tokenizer) and sent again.
- **tool calls and structured output** by *constrained decoding*: the JSON Schema of the tools
  (``structured.tool_reply_schema``) or of ``response_format`` becomes a grammar, so the reply is
  always valid JSON naming a real tool with real argument names.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from m4_genai.errors import ContextLengthError, LLMError
from m4_genai.llm.base import ChatResult, Message, ToolSpec, merge_options
from m4_genai.llm.context import FitReport, TextCodec, fit_to_budget
from m4_genai.llm.factory import MAX_CONTEXT, resolve_model
from m4_genai.llm.structured import (
    openai_response_format,
    parse_structured,
    read_tool_reply,
    tool_reply_schema,
)
from m4_genai.llm.tool_protocol import to_protocol_messages

OPTIONS = {"max_tokens", "temperature", "seed", "time_budget_s", "timeout", "stop",
           "response_format", "repeat_penalty"}  # fmt: skip
FREE_TEXT_PENALTY = 1.1
"""Repetition penalty for free text when none is asked for (greedy small models loop otherwise)."""


@dataclass(frozen=True)
class LoadedModel:
    """A GGUF model held by llama.cpp, shared by every chat model object that names it."""

    name: str
    path: Path
    server: Any
    context_window: int
    threads: int
    load_seconds: float


_LOADED: dict[tuple[str, int, int], LoadedModel] = {}
_LOADING = threading.Lock()


def load(path: Path, threads: int, n_ctx: int) -> LoadedModel:
    """Load a GGUF model into llama.cpp, once per process for each (file, threads, context)."""
    import xllamacpp

    key = (str(path), threads, n_ctx)
    with _LOADING:
        if key not in _LOADED:
            params = xllamacpp.CommonParams()
            params.model.path = str(path)
            params.cpuparams.n_threads = params.cpuparams_batch.n_threads = threads
            params.n_ctx, params.n_parallel = n_ctx, 1  # one conversation at a time, all the window
            params.warmup, params.verbosity = False, -1  # quiet: llama.cpp logs to stderr otherwise
            start = time.perf_counter()
            server = xllamacpp.Server(params)
            seconds = time.perf_counter() - start
            _LOADED[key] = LoadedModel(path.stem, path, server, n_ctx, threads, seconds)
    return _LOADED[key]


class LlamaCppChatModel:
    """A catalogue model (or any GGUF file) answering through llama.cpp; loads on first use.

    Args:
        model: catalogue name or GGUF path; None = the best installed model.
        threads: CPU threads for llama.cpp (1 is steadier on a shared machine).
        context_window: tokens to allocate (default: the model's, at most 8192).
        max_tokens, temperature, seed, time_budget_s, stop: defaults for every call.
        repeat_penalty: > 1 discourages repeating recent tokens. None (the default) means 1.1 for
            free text (small models loop without it) and 1.0 for a constrained reply (tools,
            ``response_format``), because JSON must repeat its quotes and braces.
        reuse_prompt_cache: let llama.cpp keep the previous request's prompt in its KV cache and
            compute only what is new. Faster for long multi-turn prompts, but the reply then
            depends on what was asked before: after a few other conversations, greedy SmolLM2
            answered "What is the capital of France?" in French. Off by default: same messages,
            same reply.
    """

    def __init__(
        self,
        model: str | os.PathLike[str] | None = None,
        threads: int = 1,
        context_window: int | None = None,
        max_tokens: int = 256,
        temperature: float = 0.0,
        seed: int = 0,
        time_budget_s: float | None = None,
        stop: Sequence[str] | None = None,
        repeat_penalty: float | None = None,
        reuse_prompt_cache: bool = False,
    ) -> None:
        if threads < 1:
            raise LLMError(f"threads must be at least 1, got {threads}")
        self.name, self.path, native = resolve_model(model)  # fails now, not at first question
        self.threads = threads
        self.reuse_prompt_cache = reuse_prompt_cache
        self.n_ctx = min(context_window or native, native, MAX_CONTEXT)
        self.defaults: dict[str, Any] = {
            "max_tokens": max_tokens, "temperature": temperature, "seed": seed,
            "time_budget_s": time_budget_s, "stop": list(stop or []),
            "repeat_penalty": repeat_penalty,
        }  # fmt: skip
        self.last_fit: FitReport | None = None

    @property
    def loaded(self) -> LoadedModel:
        return load(self.path, self.threads, self.n_ctx)

    @property
    def context_window(self) -> int:
        return self.loaded.context_window

    @property
    def load_seconds(self) -> float:
        return self.loaded.load_seconds

    # ---------- one completion ----------------------------------------------------------------

    def _options(self, opts: dict[str, Any]) -> dict[str, Any]:
        return merge_options(self.defaults, opts, OPTIONS, "llama.cpp")

    def _request(
        self, messages: list[Message], opts: dict[str, Any], schema: Any
    ) -> dict[str, Any]:
        penalty = opts["repeat_penalty"]
        if penalty is None:  # JSON must repeat its quotes and braces: no penalty under a schema
            penalty = FREE_TEXT_PENALTY if schema is None else 1.0
        request: dict[str, Any] = {
            "messages": messages,
            "max_tokens": min(int(opts["max_tokens"]), self.context_window - 1),
            "temperature": float(opts["temperature"]),
            "seed": int(opts["seed"]),
            "repeat_penalty": float(penalty),
            "stream": True,
            "cache_prompt": self.reuse_prompt_cache,
        }
        if opts["stop"]:
            request["stop"] = list(opts["stop"])
        if schema is not None:
            request["response_format"] = openai_response_format(schema)
        return request

    def _run(
        self, request: dict[str, Any], budget: float | None, on_text: Any = None
    ) -> dict[str, Any]:
        """Stream one request, cancelling it when ``budget`` seconds have passed; returns the
        collected ``text``, ``finish_reason``, ``usage`` and ``timings`` (or the server's ``error``)."""
        state: dict[str, Any] = {"text": [], "finish_reason": "length", "usage": {}, "timings": {}}
        start = time.perf_counter()

        def on_chunk(chunk: dict[str, Any]) -> bool:
            if "error" in chunk or "code" in chunk:
                state["error"] = chunk.get("error", chunk)
                return True
            for choice in chunk.get("choices", []):
                piece = (choice.get("delta") or {}).get("content")
                if piece:
                    state["text"].append(piece)
                    if on_text is not None:
                        on_text(piece)
                if choice.get("finish_reason"):
                    state["finish_reason"] = choice["finish_reason"]
            state["usage"] = chunk.get("usage") or state["usage"]
            state["timings"] = chunk.get("timings") or state["timings"]
            return budget is not None and time.perf_counter() - start > budget  # True cancels

        result = self.loaded.server.handle_chat_completions(request, on_chunk)
        if isinstance(result, dict) and "error" in result:  # refused before streaming began
            state["error"] = result["error"]
        state["seconds"] = time.perf_counter() - start
        return state

    def _fit(self, messages: list[Message], max_tokens: int) -> list[Message]:
        """Cut ``messages`` to the window by ``context.py``'s rule, counting with the GGUF's tokenizer."""
        from m4_genai.llm.transformers_backend import load_gguf_tokenizer

        tokenizer = load_gguf_tokenizer(self.path)

        def count(msgs: list[Message]) -> int:
            text = tokenizer.apply_chat_template(msgs, add_generation_prompt=True, tokenize=False)
            return len(tokenizer.encode(text, add_special_tokens=False))

        codec = TextCodec(
            encode=lambda text: tokenizer.encode(text, add_special_tokens=False),
            decode=lambda ids: tokenizer.decode(ids),
        )
        self.last_fit = fit_to_budget(messages, self.context_window - max_tokens, count, codec)
        return self.last_fit.messages

    def _complete(
        self, messages: list[Message], tools: Sequence[ToolSpec] | None, opts: dict[str, Any],
        on_text: Any = None,
    ) -> dict[str, Any]:  # fmt: skip
        schema = tool_reply_schema(tools) if tools else opts.get("response_format")
        messages = to_protocol_messages(messages, tools, constrained=bool(tools))
        request = self._request(messages, opts, schema)
        state = self._run(request, opts["time_budget_s"], on_text)
        if state.get("error", {}).get("type") == "exceed_context_size_error":
            request["messages"] = self._fit(messages, request["max_tokens"])
            state = self._run(request, opts["time_budget_s"], on_text)
        if "error" in state:
            error = state["error"]
            # Still too long after the cut (the cut is measured with the GGUF's tokenizer, the
            # server counts again with its own): a typed error, so a server can answer 400.
            too_long = error.get("type") == "exceed_context_size_error"
            kind = ContextLengthError if too_long else LLMError
            raise kind(f"llama.cpp refused the request: {error.get('message', error)}")
        return state

    # ---------- the ChatModel interface -------------------------------------------------------

    def chat(
        self, messages: list[Message], tools: Sequence[ToolSpec] | None = None, **opts: Any
    ) -> ChatResult:
        """Answer ``messages``. With ``tools``, the reply is a constrained tool call or answer;
        with ``response_format`` (a pydantic class or schema), ``result.parsed`` holds the object."""
        options = self._options(opts)
        state = self._complete(messages, tools, options)
        text = "".join(state["text"]).strip()
        usage, timings = state["usage"], state["timings"]
        result = ChatResult(
            text=text,
            # prompt_n counts only the tokens read now: a prefix kept from the last request is cache_n.
            prompt_tokens=int(
                usage.get("prompt_tokens") or timings.get("prompt_n", 0) + timings.get("cache_n", 0)
            ),
            completion_tokens=int(
                usage.get("completion_tokens") or timings.get("predicted_n") or 0
            ),
            seconds=state["seconds"],
            finish_reason=state["finish_reason"],
            model=self.name,
        )
        result.prompt_seconds = float(timings.get("prompt_ms", 0.0)) / 1000
        if tools:
            result.tool_calls, result.text = read_tool_reply(text, tools)
            result.finish_reason = "tool_calls" if result.tool_calls else result.finish_reason
        elif options.get("response_format") is not None and result.finish_reason == "stop":
            result.parsed = parse_structured(text, options["response_format"])
        return result

    def stream(self, messages: list[Message], **opts: Any) -> Iterator[str]:
        """Yield text as it is generated (the blocking call runs in a thread, pieces come by queue)."""
        options = self._options(opts)
        pieces: queue.Queue[str | None] = queue.Queue()
        errors: list[BaseException] = []

        def generate() -> None:
            try:
                self._complete(messages, None, options, on_text=pieces.put)
            except BaseException as error:  # re-raised below, in the caller's thread
                errors.append(error)
            finally:
                pieces.put(None)

        threading.Thread(target=generate, daemon=True).start()
        while (piece := pieces.get()) is not None:
            yield piece
        if errors:
            raise errors[0] if isinstance(errors[0], LLMError) else LLMError(str(errors[0]))
