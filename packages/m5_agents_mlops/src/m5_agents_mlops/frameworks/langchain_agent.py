"""The LangChain way: ``create_agent``, LangChain 1.x's prebuilt tool agent, on our model.

LangChain 1.x has one agent constructor. It builds (on LangGraph) the same loop as
``agent/loop.py`` — model, tools, model... until a reply without tool calls — and lets you bend
it with *middleware*: hooks that run before or after each model call or around each tool call.
The step budget is one of them, ``ModelCallLimitMiddleware``: before each model call it counts
the calls made, and at the limit it jumps to the end with a notice of its own instead::

    agent = create_agent(
        model=RoadmapChatModel(load_chat_model("local")),  # our model, as a LangChain model
        tools=[to_langchain_tool(calculator)],             # our @tool, as a LangChain tool
        system_prompt=SYSTEM_PROMPT,
        middleware=[ModelCallLimitMiddleware(run_limit=10, exit_behavior="end")],
    )
    agent.invoke({"messages": [HumanMessage("What is 17 * 23?")]})["messages"]

What you get for free: the loop, message bookkeeping, streaming, a catalogue of middleware
(summarising long histories, human approval, retries, PII redaction) and every LangChain tool
and model integration. What you give up: the loop is not yours to read in one screen, the run
comes back as a list of messages (``run_from_messages`` recovers our ``FrameworkRun``), and
token or wall-time budgets are middleware you would write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain.agents import create_agent
from langchain.agents.middleware import ModelCallLimitMiddleware
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import BaseTool
from langgraph.graph.state import CompiledStateGraph

from m4_genai.llm import ChatModel, Tool
from m5_agents_mlops.agent import SYSTEM_PROMPT
from m5_agents_mlops.frameworks.common import FrameworkRun, Step
from m5_agents_mlops.frameworks.langchain_model import (
    PROVIDER,
    RoadmapChatModel,
    to_langchain_tool,
)


def build_langchain_agent(
    model: ChatModel,
    tools: Sequence[Tool | BaseTool],
    *,
    max_steps: int = 10,
    system_prompt: str = SYSTEM_PROMPT,
    chat_options: dict[str, Any] | None = None,
) -> CompiledStateGraph:
    """``create_agent`` on our model and tools, stopped after ``max_steps`` model calls."""
    return create_agent(
        model=RoadmapChatModel(model, chat_options=chat_options or {}),
        tools=[t if isinstance(t, BaseTool) else to_langchain_tool(t) for t in tools],
        system_prompt=system_prompt,
        middleware=[ModelCallLimitMiddleware(run_limit=max_steps, exit_behavior="end")],
    )


def recursion_limit(max_steps: int) -> int:
    """LangGraph's own backstop (``GraphRecursionError``), set above what the budget allows:
    each step is three graph steps here (the limit check, the model, the tools)."""
    return 3 * (max_steps + 1) + 1


def run_langchain_agent(
    model: ChatModel,
    tools: Sequence[Tool | BaseTool],
    task: str,
    max_steps: int = 10,
    *,
    system_prompt: str = SYSTEM_PROMPT,
    chat_options: dict[str, Any] | None = None,
) -> FrameworkRun:
    """Run ``task`` with LangChain's prebuilt agent; the run as a ``FrameworkRun``."""
    agent = build_langchain_agent(
        model, tools, max_steps=max_steps, system_prompt=system_prompt, chat_options=chat_options
    )
    state = agent.invoke(
        {"messages": [HumanMessage(task)]}, {"recursion_limit": recursion_limit(max_steps)}
    )
    return run_from_messages(state["messages"])


def run_from_messages(messages: Sequence[BaseMessage]) -> FrameworkRun:
    """A LangChain agent's final messages as a ``FrameworkRun``.

    Steps pair each ``ToolMessage`` with the call it answers (by ``tool_call_id``). The run was
    answered when the last message is a model reply without tool calls; anything else at the end
    (the limit middleware's notice) means the step budget stopped it.
    """
    steps: list[Step] = []
    asked: dict[str, dict[str, Any]] = {}
    for message in messages:
        if isinstance(message, AIMessage):
            asked = {call["id"] or "": call for call in message.tool_calls}
        elif isinstance(message, ToolMessage):
            call = asked[message.tool_call_id]
            steps.append(Step(call["name"], dict(call["args"]), str(message.text)))
    replies = [m for m in messages if isinstance(m, AIMessage) and is_model_reply(m)]
    last = messages[-1]
    answered = bool(replies) and last is replies[-1] and not replies[-1].tool_calls
    tokens = sum(m.usage_metadata["total_tokens"] for m in replies if m.usage_metadata)
    return FrameworkRun(
        "langchain",
        str(last.text).strip() if answered else None,
        steps,
        "answer" if answered else "max_steps",
        len(replies),
        tokens,
    )


def is_model_reply(message: AIMessage) -> bool:
    """Whether the model wrote ``message`` (not a framework speaking in the model's place)."""
    return message.response_metadata.get("model_provider") == PROVIDER
