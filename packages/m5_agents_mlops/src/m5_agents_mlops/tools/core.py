"""Function calling: ``@tool`` turns a typed function into something a model can call safely.

A model only ever *asks* for a call: ``{"name": "calculator", "arguments": {"expression": "2+2"}}``.
Everything between that request and the function is ours, and each step can go wrong:

1. the name may not exist (models invent tools),
2. the arguments may not fit the signature (a string where an int belongs, a missing field),
3. the function may raise.

None of these may crash the agent. ``Toolbox.run`` turns each into an ``error: ...`` tool message
the model reads on its next turn, so it can correct itself, exactly as a person reads an error
message and tries again::

    @tool
    def add(a: int, b: int = 0) -> int:
        \"\"\"Add two whole numbers.

        Args:
            a: the first number.
            b: the second number.
        \"\"\"
        return a + b

    add.parameters       # JSON Schema from the signature and docstring (pydantic), sent to the model
    add(a=2, b="3")      # 5: arguments are validated (and converted) before the function runs
    Toolbox([add]).run(ToolCall("c1", "add", {"a": "two"}))
    # ToolOutcome(ok=False, content="error: invalid arguments for add: a: Input should be a valid integer...")

The spec itself (``Tool``) lives in the month 4 library, which every backend reads: the OpenAI
backend sends ``tool.to_openai()`` natively, the local one turns the same schema into a grammar.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, overload

from m4_genai.errors import LLMError
from m4_genai.llm import Tool, ToolCall, as_tools
from m5_agents_mlops.errors import ToolError

MAX_RESULT_CHARS = 4000
"""A tool result longer than this is cut: a 10 MB query result would drown the model's context."""


@overload
def tool(function: Callable[..., Any], /) -> Tool: ...
@overload
def tool(*, name: str | None = None, description: str | None = None) -> Callable[..., Tool]: ...
def tool(
    function: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
) -> Tool | Callable[[Callable[..., Any]], Tool]:
    """Decorate a typed function to make it a ``Tool`` (``@tool`` or ``@tool(name=...)``).

    The result is still callable (``add(a=1, b=2)``), with its arguments checked first.
    """

    def wrap(f: Callable[..., Any]) -> Tool:
        return Tool.from_function(f, name=name, description=description)

    return wrap(function) if function is not None else wrap


@dataclass(frozen=True)
class ToolOutcome:
    """What running one tool call produced: the text the model will read, and whether it worked."""

    call: ToolCall
    content: str
    ok: bool
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.call.id, "name": self.call.name, "arguments": self.call.arguments,
            "ok": self.ok, "content": self.content, "seconds": round(self.seconds, 4),
        }  # fmt: skip


def as_text(value: Any, limit: int = MAX_RESULT_CHARS) -> str:
    """A tool's return value as the text a model reads: strings as they are, anything else as
    JSON; cut to ``limit`` characters with a note saying how much was dropped."""
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    if len(text) > limit:
        text = f"{text[:limit]}… [truncated {len(text) - limit} characters]"
    return text


class Toolbox:
    """The tools an agent may use, and the one safe way to run a call against them."""

    def __init__(self, tools: Sequence[Tool], max_result_chars: int = MAX_RESULT_CHARS) -> None:
        self.tools = {t.name: t for t in as_tools(tools)}  # refuses two tools with one name
        self.max_result_chars = max_result_chars

    @property
    def specs(self) -> list[Tool]:
        return list(self.tools.values())

    def run(self, call: ToolCall) -> ToolOutcome:
        """Run ``call``; every failure becomes an ``error: ...`` outcome, never an exception."""
        start = time.perf_counter()
        ok, content = False, ""
        tool_ = self.tools.get(call.name)
        if tool_ is None:
            content = f"error: unknown tool {call.name!r}; available: {', '.join(self.tools)}"
        else:
            try:
                content, ok = as_text(tool_(**call.arguments), self.max_result_chars), True
            except (ToolError, LLMError) as error:  # refused input / invalid arguments: say why
                content = f"error: {error}"
            except Exception as error:  # a bug or a crash inside the tool: report, do not die
                content = f"error: {call.name} failed: {type(error).__name__}: {error}"
        return ToolOutcome(call, content, ok, time.perf_counter() - start)
