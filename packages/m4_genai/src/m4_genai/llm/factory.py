"""``load_chat_model``: one call that picks a backend by name, so every CLI gets ``--llm`` for free.

    model = load_chat_model()                      # $AI_ROADMAP_LLM, else "local": llama.cpp with
                                                   # the best catalogue model installed
    model = load_chat_model("local", model="qwen2.5-coder-0.5b", threads=2)
    model = load_chat_model("transformers")        # the same GGUF through PyTorch (the lesson)
    model = load_chat_model("openai", base_url="http://localhost:11434/v1", model="qwen2.5:0.5b")
    model = load_chat_model("scripted")            # extractive fake for smoke runs
    model = load_chat_model("scripted", replies=["Paris [1]"])  # a script, for tests

Backends are imported only when chosen: the OpenAI client and torch cost seconds to import.
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path
from typing import Any, Literal, get_args

from m4_genai.errors import LLMError
from m4_genai.llm.base import ChatModel

Kind = Literal["local", "transformers", "openai", "scripted"]
"""The backends, as a type: a config field ``llm: Kind | None`` gets checked choices and a flag."""
KINDS: tuple[str, ...] = get_args(Kind)
MAX_CONTEXT = 8192
"""Context a local backend allocates at most (the KV cache grows with it; Qwen2.5 could take 32768)."""
COMMON = {"max_tokens", "temperature", "seed", "time_budget_s"}
"""Options every backend takes (the scripted fakes ignore them)."""
ENV_VAR = "AI_ROADMAP_LLM"


def _check_options(kind: str, cls: type, options: dict[str, Any]) -> None:
    """Reject options the backend does not take, naming the ones it does."""
    parameters = inspect.signature(cls.__init__).parameters
    accepted = set(parameters) - {"self", "common"}
    if "common" in parameters:
        accepted |= COMMON
    unknown = set(options) - accepted
    if unknown:
        raise LLMError(
            f"unknown option(s) {sorted(unknown)} for the {kind!r} model; it takes {sorted(accepted)}"
        )


def resolve_model(model: str | os.PathLike[str] | None) -> tuple[str, Path, int]:
    """``(name, path, context length)`` of a catalogue name, a GGUF path, or None (the best
    installed model). A missing model raises the data registry's error naming the command."""
    if model is not None and str(model).endswith(".gguf"):
        path = Path(model)
        if not path.is_file():
            raise LLMError(f"{path}: no such GGUF file")
        return path.stem, path, MAX_CONTEXT
    from roadmap_data import models

    card = models.chat_model(str(model)) if model is not None else models.best_chat_model()
    return card.name, card.path(), card.context_length


def resolve_kind(kind: str | None = None) -> str:
    """The backend a ``--llm`` value means: itself, else ``$AI_ROADMAP_LLM``, else ``local``."""
    return (kind or os.environ.get(ENV_VAR) or "local").strip().lower()


def load_chat_model(kind: str | None = None, **options: Any) -> ChatModel:
    """A ChatModel of ``kind`` (see ``KINDS``); options go to its constructor.

    ``None`` options are dropped, so a CLI can pass its flags through unchanged.
    """
    kind = resolve_kind(kind)
    options = {key: value for key, value in options.items() if value is not None}
    if kind == "local":
        from m4_genai.llm.llamacpp_backend import LlamaCppChatModel

        _check_options(kind, LlamaCppChatModel, options)
        return LlamaCppChatModel(**options)
    if kind == "transformers":
        from m4_genai.llm.transformers_backend import TransformersChatModel

        _check_options(kind, TransformersChatModel, options)
        return TransformersChatModel(**options)
    if kind == "openai":
        from m4_genai.llm.openai_backend import OpenAIChatModel

        _check_options(kind, OpenAIChatModel, options)
        return OpenAIChatModel(**options)
    if kind == "scripted":
        from m4_genai.llm.scripted import ExtractiveChatModel, ScriptedChatModel

        if "replies" in options:
            _check_options(kind, ScriptedChatModel, options)
            return ScriptedChatModel(**options)
        _check_options(kind, ExtractiveChatModel, options)
        return ExtractiveChatModel(**options)
    raise LLMError(f"unknown model kind {kind!r} (from --llm or ${ENV_VAR}); use one of {KINDS}")
