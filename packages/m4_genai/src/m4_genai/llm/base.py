"""The one interface every chat model implements, local or remote or scripted.

A chat is a list of messages (``{"role": "system"|"user"|"assistant"|"tool", "content": ...}``,
the OpenAI shape that every server speaks). ``chat`` returns a ChatResult: the text, any tool calls
the model asked for, and token counts and timing so callers can report cost and speed.
``assistant_message`` and ``tool_message`` build the turns that continue a tool-using chat.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from m4_genai.errors import LLMError
from m4_genai.llm.tools import Tool

Message = dict[str, Any]
"""``{"role": ..., "content": ...}`` (plus ``tool_calls`` / ``tool_call_id`` for tool use)."""

ToolSpec = Tool | dict[str, Any]
"""A ``Tool`` (``tools.py``), or the OpenAI-style dict ``{"type": "function", "function": {...}}``
that every backend also accepts."""


@dataclass(frozen=True)
class ToolCall:
    """The model asks us to run ``name(**arguments)``; ``id`` ties the result back to the request."""

    id: str
    name: str
    arguments: dict[str, Any]


@dataclass
class ChatResult:
    """One reply of a chat model."""

    text: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    finish_reason: str = "stop"
    """``stop``, ``length`` (hit max_tokens or the time budget) or ``tool_calls``."""
    model: str = ""
    """Which model produced the reply (a catalogue name for local models)."""
    prompt_seconds: float = 0.0
    """Of ``seconds``, the time spent reading the prompt, where the backend reports it."""
    parsed: Any = None
    """With ``response_format``: the reply as a validated object (pydantic instance or dict)."""

    @property
    def tokens_per_second(self) -> float:
        """Decoding speed: new tokens per second of generating them (prompt reading excluded
        where the backend reports it)."""
        seconds = self.seconds - self.prompt_seconds
        return self.completion_tokens / seconds if seconds > 0 else 0.0


@runtime_checkable
class ChatModel(Protocol):
    """What every backend provides. Options: ``max_tokens``, ``temperature``, ``seed``, ``timeout``."""

    name: str

    def chat(
        self, messages: list[Message], tools: Sequence[ToolSpec] | None = None, **opts: Any
    ) -> ChatResult:
        """Answer the conversation (or ask for tool calls)."""
        ...

    def stream(self, messages: list[Message], **opts: Any) -> Iterator[str]:
        """Yield the answer piece by piece as it is generated."""
        ...


def assistant_message(result: ChatResult) -> Message:
    """The assistant turn to append to the history after ``result`` (OpenAI's shape).

    Tool calls become ``{"id", "type": "function", "function": {"name", "arguments": "<json>"}}``,
    which OpenAI-compatible servers require and the local backend's tool protocol also reads.
    """
    message: Message = {"role": "assistant", "content": result.text}
    if result.tool_calls:
        message["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
            }
            for call in result.tool_calls
        ]
    return message


def tool_message(call: ToolCall, content: str) -> Message:
    """The turn that reports what tool ``call`` returned."""
    return {"role": "tool", "tool_call_id": call.id, "content": content}


def merge_options(
    defaults: dict[str, Any], opts: dict[str, Any], allowed: set[str], backend: str
) -> dict[str, Any]:
    """A call's options over a backend's defaults: unknown names and ``max_tokens < 1`` are
    LLMErrors, and ``timeout`` is another name for ``time_budget_s`` (the OpenAI client's)."""
    unknown = set(opts) - allowed
    if unknown:
        raise LLMError(f"unknown option(s) {sorted(unknown)} for {backend}; use {sorted(allowed)}")
    merged = {**defaults, **opts}
    if merged.pop("timeout", None) is not None and opts.get("time_budget_s") is None:
        merged["time_budget_s"] = opts["timeout"]
    if int(merged["max_tokens"]) < 1:
        raise LLMError(f"max_tokens must be at least 1, got {merged['max_tokens']}")
    return merged
