"""What every way of running the agent returns, so three implementations compare with ``==``.

Our loop returns an ``AgentResult``, LangChain's agent a list of messages, our LangGraph graph its
final state. Each is boiled down to the same ``FrameworkRun``: the answer, the tool steps in order
as ``(tool, arguments, result)``, why the run stopped, how many model calls and tokens it took.
Two runs that asked the same tools the same things, saw the same results and ended the same way
are equal, whichever framework drove them (``way`` is left out of the comparison).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from m5_agents_mlops.agent import AgentResult, StopReason


@dataclass(frozen=True)
class Step:
    """One tool call and the text the model read back (an ``error: ...`` text when it failed)."""

    tool: str
    arguments: dict[str, Any]
    result: str


@dataclass
class FrameworkRun:
    """How one run of the tool agent went, whichever framework drove it."""

    way: str = field(compare=False)
    """``loop``, ``langchain`` or ``langgraph``: who ran it (not part of ``==``)."""
    answer: str | None
    steps: list[Step]
    stopped_by: StopReason
    model_calls: int
    tokens: int
    """Prompt + completion tokens, as the model reported them."""

    @property
    def tools_used(self) -> list[str]:
        return [step.tool for step in self.steps]


def from_agent_result(result: AgentResult) -> FrameworkRun:
    """Our loop's ``AgentResult`` as a ``FrameworkRun`` (``tool_calls`` holds every outcome)."""
    steps = [Step(c["name"], dict(c["arguments"]), c["content"]) for c in result.tool_calls]
    return FrameworkRun(
        "loop", result.answer, steps, result.stopped_by, result.steps, result.tokens
    )
