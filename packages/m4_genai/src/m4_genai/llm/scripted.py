"""A deterministic chat model for tests: it replies from a script, and fails loudly when it runs out.

It goes through the same interface as the real models, so code under test cannot tell the
difference, and it records every conversation it was shown so tests can assert on the prompts.

    model = ScriptedChatModel(["Paris [1]", ToolCall("c1", "add", {"a": 2, "b": 3})])
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from m4_genai.errors import ScriptExhaustedError
from m4_genai.llm.base import ChatResult, Message, Tool, ToolCall

Reply = str | ToolCall | list[ToolCall] | Callable[[list[Message]], str]
"""A fixed text, one or more tool calls, or a function of the conversation (for echo-style fakes)."""


class ScriptedChatModel:
    name = "scripted"

    def __init__(self, replies: Sequence[Reply]) -> None:
        self.replies = list(replies)
        self.calls: list[list[Message]] = []

    def chat(
        self, messages: list[Message], tools: list[Tool] | None = None, **opts: Any
    ) -> ChatResult:
        self.calls.append(copy.deepcopy(messages))
        if len(self.calls) > len(self.replies):
            raise ScriptExhaustedError(
                f"scripted model has {len(self.replies)} replies but was called {len(self.calls)} times; "
                f"last message: {str(messages[-1].get('content'))[:200]!r}"
            )
        reply = self.replies[len(self.calls) - 1]
        if callable(reply):
            reply = reply(messages)
        if isinstance(reply, ToolCall):
            reply = [reply]
        prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in messages)
        if isinstance(reply, list):
            return ChatResult(
                "", list(reply), prompt_tokens, 0, finish_reason="tool_calls", model=self.name
            )
        text = reply
        max_tokens = opts.get("max_tokens")
        words = text.split(" ")
        finish = "stop"
        if max_tokens is not None and len(words) > max_tokens:
            text, finish = " ".join(words[:max_tokens]), "length"
        return ChatResult(
            text, [], prompt_tokens, len(text.split()), finish_reason=finish, model=self.name
        )

    def stream(self, messages: list[Message], **opts: Any) -> Iterator[str]:
        text = self.chat(messages, **opts).text
        for index, word in enumerate(text.split(" ")):
            yield word if index == 0 else " " + word
