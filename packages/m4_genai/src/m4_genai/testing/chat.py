"""One question and one tool to drive chat backends and OpenAI-compatible servers in tests, so
every suite that checks tool calls asks the same thing in the same shape."""

from __future__ import annotations

from typing import Any

from m4_genai.llm.base import ToolCall

QUESTION: list[dict[str, Any]] = [{"role": "user", "content": "What is the capital of France?"}]
ADD_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "add",
        "description": "Add two numbers.",
        "parameters": {
            "type": "object",
            "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
            "required": ["a", "b"],
        },
    },
}
"""An OpenAI-style function tool, as clients send it."""
ADD_CALL = ToolCall("call_1", "add", {"a": 2, "b": 3})
"""The call a scripted model makes with ``ADD_TOOL``."""
