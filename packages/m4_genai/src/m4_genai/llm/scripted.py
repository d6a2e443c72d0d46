"""A deterministic chat model for tests: it replies from a script, and fails loudly when it runs out.

It goes through the same interface as the real models, so code under test cannot tell the
difference, and it records every conversation it was shown so tests can assert on the prompts.

    model = ScriptedChatModel(["Paris [1]", ToolCall("c1", "add", {"a": 2, "b": 3})])

``ExtractiveChatModel`` is the other fake: no script, it copies the first sentence of source [1].
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from m4_genai.errors import ScriptExhaustedError
from m4_genai.llm.base import ChatResult, Message, ToolCall, ToolSpec

Reply = str | ToolCall | list[ToolCall] | Callable[[list[Message]], str]
"""A fixed text, one or more tool calls, or a function of the conversation (for echo-style fakes)."""


class ScriptedChatModel:
    name = "scripted"

    def __init__(self, replies: Sequence[Reply]) -> None:
        self.replies = list(replies)
        self.calls: list[list[Message]] = []

    def chat(
        self, messages: list[Message], tools: Sequence[ToolSpec] | None = None, **opts: Any
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


# Source [1] runs from its marker to the next numbered source (or the end of the prompt).
_SOURCE = re.compile(r"\[1\](.+?)(?=\n\s*\[\d+\]|\Z)", re.DOTALL)
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\bp\.)\s")
"""A sentence ends at . ! or ? and a space, but not at a citation's page: ``a.pdf (p. 3)``."""


class ExtractiveChatModel:
    """A deterministic stand-in for an LLM in CLI smoke runs (``load_chat_model("scripted")``).

    It "answers" with the first sentence of source ``[1]`` in the last user message, followed by
    `` [1]``, or ``I don't know.`` when the prompt has no numbered source. So a RAG pipeline run
    end to end without a model still produces a cited, checkable answer.
    """

    name = "scripted-extractive"

    def __init__(self, **common: Any) -> None:
        # ``max_tokens``, ``temperature``... are accepted and ignored, so a CLI can pass the
        # same flags to every backend.
        self.calls: list[list[Message]] = []

    @staticmethod
    def answer(prompt: str) -> str:
        """The first sentence after ``[1]`` plus `` [1]``, or ``I don't know.``."""
        match = _SOURCE.search(prompt)
        if not match or not match.group(1).strip():
            return "I don't know."
        source = " ".join(match.group(1).split())  # one line, single spaces
        sentence = _SENTENCE_END.split(source, maxsplit=1)[0]
        return f"{sentence} [1]"

    def chat(
        self, messages: list[Message], tools: Sequence[ToolSpec] | None = None, **opts: Any
    ) -> ChatResult:
        self.calls.append(copy.deepcopy(messages))
        users = [m for m in messages if m.get("role") == "user"]
        text = self.answer(str(users[-1].get("content", ""))) if users else "I don't know."
        prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in messages)
        return ChatResult(text, [], prompt_tokens, len(text.split()), model=self.name)

    def stream(self, messages: list[Message], **opts: Any) -> Iterator[str]:
        text = self.chat(messages, **opts).text
        for index, word in enumerate(text.split(" ")):
            yield word if index == 0 else " " + word
