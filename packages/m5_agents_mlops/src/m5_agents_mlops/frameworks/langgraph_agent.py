"""The LangGraph way: the agent as an explicit state machine, checkpointed after every step.

LangGraph runs a graph of *nodes* (functions from the state to an update of it) joined by
*edges*; a *conditional edge* is a function of the state that names the next node. Our agent is
two nodes and one decision::

    START ──▶ model ──(tool calls)──▶ tools ──▶ model ...
                 └──(answer or budget spent)──▶ END      why: state["stopped_by"]

The budget is checked at the top of the ``model`` node, before the call (as ``Agent`` does):
when it is spent the node calls nothing and records which budget stopped the run.

The state is typed (``AgentState``) and is *all* the agent knows: the messages (OpenAI-shaped
dicts, exactly what ``Agent`` keeps), the tool steps, the model calls and tokens used, and how it
ended. Each field says how updates combine: ``Annotated[list, operator.add]`` appends what a node
returns, a plain field is overwritten. LangGraph does not need LangChain: the nodes call our
``ChatModel`` and our ``Toolbox`` directly.

What the graph buys over a ``while`` loop is the *checkpointer*. After every node the whole
state is saved (``SqliteSaver``: one SQLite file) under a ``thread_id``. If the process dies
mid-run — a tool crashes, the machine reboots, Ctrl-C — invoking the graph again with the same
thread id and ``None`` as input carries on from the last saved step: the model is not asked
again for what it already answered. The same mechanism gives conversation memory, human
approval (``interrupt_before=["tools"]``) and time travel over past states.

The price: the control flow is spread over nodes, edges and reducers instead of one readable
loop, and a node must be safe to run twice (a crash inside ``tools`` re-runs that node's calls).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypedDict

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from m4_genai.llm import ChatModel, Message, Tool, ToolCall
from m4_genai.llm.base import assistant_message, tool_message
from m5_agents_mlops.agent import SYSTEM_PROMPT, StopReason
from m5_agents_mlops.errors import AgentError
from m5_agents_mlops.frameworks.common import FrameworkRun, Step
from m5_agents_mlops.tools import Toolbox


class AgentState(TypedDict):
    """Everything the agent knows between steps (and everything a checkpoint saves)."""

    messages: Annotated[list[Message], operator.add]
    steps: Annotated[list[dict[str, Any]], operator.add]
    """``{"tool", "arguments", "result"}`` per tool call, in order."""
    model_calls: int
    tokens: int
    answer: str | None
    stopped_by: StopReason | None
    """None while the run goes on; then ``answer`` or the budget that ran out."""


def build_graph(
    model: ChatModel,
    tools: Sequence[Tool],
    checkpointer: BaseCheckpointSaver | None = None,
    *,
    max_steps: int = 10,
    max_tokens: int = 40_000,
) -> CompiledStateGraph:
    """The agent as a compiled graph: nodes ``model`` and ``tools``, one conditional edge."""
    toolbox = Toolbox(tools)

    def call_model(state: AgentState) -> dict[str, Any]:
        """One model call, unless a budget is spent (then say which, and call nothing)."""
        if state["model_calls"] >= max_steps:
            return {"stopped_by": "max_steps"}
        if state["tokens"] >= max_tokens:
            return {"stopped_by": "max_tokens"}
        reply = model.chat(state["messages"], tools=toolbox.specs)
        update: dict[str, Any] = {
            "messages": [assistant_message(reply)],
            "model_calls": state["model_calls"] + 1,
            "tokens": state["tokens"] + reply.prompt_tokens + reply.completion_tokens,
        }
        if not reply.tool_calls:  # plain text is the answer
            update |= {"answer": reply.text.strip(), "stopped_by": "answer"}
        return update

    def run_tools(state: AgentState) -> dict[str, Any]:
        """Every call the last reply asked for, through the Toolbox (errors become text)."""
        messages, steps = [], []
        for call in calls_in(state["messages"][-1]):
            outcome = toolbox.run(call)
            messages.append(tool_message(call, outcome.content))
            steps.append(
                {"tool": call.name, "arguments": call.arguments, "result": outcome.content}
            )
        return {"messages": messages, "steps": steps}

    def route(state: AgentState) -> str:
        """The conditional edge after the model: run the tools it asked for, or stop (the
        reason is in ``stopped_by``)."""
        return "tool calls" if state["stopped_by"] is None else "answer or budget spent"

    graph = StateGraph(AgentState)
    graph.add_node("model", call_model)
    graph.add_node("tools", run_tools)
    graph.add_edge(START, "model")
    graph.add_conditional_edges(
        "model", route, {"tool calls": "tools", "answer or budget spent": END}
    )
    graph.add_edge("tools", "model")
    return graph.compile(checkpointer=checkpointer)


def calls_in(message: Message) -> list[ToolCall]:
    """The tool calls of an assistant message in OpenAI's shape (arguments as JSON text)."""
    return [
        ToolCall(c["id"], c["function"]["name"], json.loads(c["function"]["arguments"]))
        for c in message.get("tool_calls", [])
    ]


def start_state(task: str, system_prompt: str = SYSTEM_PROMPT) -> AgentState:
    """The state a new run starts from: the same two messages our loop starts with."""
    return AgentState(
        messages=[{"role": "system", "content": system_prompt}, {"role": "user", "content": task}],
        steps=[], model_calls=0, tokens=0, answer=None, stopped_by=None,
    )  # fmt: skip


@contextmanager
def open_checkpointer(path: Path | None) -> Iterator[BaseCheckpointSaver]:
    """A SQLite checkpointer on ``path`` (created if missing), or one in memory for ``None``."""
    if path is None:
        yield InMemorySaver()
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with SqliteSaver.from_conn_string(str(path)) as saver:
        yield saver


def run_langgraph_agent(
    model: ChatModel,
    tools: Sequence[Tool],
    task: str,
    max_steps: int = 10,
    *,
    checkpoint_path: Path | None = None,
    thread_id: str = "agent",
    max_tokens: int = 40_000,
    system_prompt: str = SYSTEM_PROMPT,
) -> FrameworkRun:
    """Run ``task`` on the graph; with a ``checkpoint_path``, resume ``thread_id`` if it is saved.

    A saved thread that stopped half-way (a crash) carries on from its last step; one that had
    finished returns its result without calling the model. A thread that holds another task is
    refused: reusing it would mix two conversations.
    """
    with open_checkpointer(checkpoint_path) as saver:
        graph = build_graph(model, tools, saver, max_steps=max_steps, max_tokens=max_tokens)
        config: Any = {"configurable": {"thread_id": thread_id}}
        saved = graph.get_state(config).values
        if saved and saved["messages"][1]["content"] != task:
            raise AgentError(f"thread {thread_id!r} holds another task; use a new thread_id")
        inputs = None if saved else start_state(task, system_prompt)  # None: resume
        # Two graph steps per model call, plus the final budget check.
        config["recursion_limit"] = 2 * max_steps + 2
        # durability="sync": a step's checkpoint is on disk before the next step starts, so a
        # crash in the next step cannot lose it.
        state = graph.invoke(inputs, config, durability="sync")
    return FrameworkRun(
        "langgraph",
        state["answer"],
        [Step(s["tool"], s["arguments"], s["result"]) for s in state["steps"]],
        state["stopped_by"],
        state["model_calls"],
        state["tokens"],
    )


def mermaid(graph: CompiledStateGraph) -> str:
    """The graph drawn as Mermaid text by LangGraph itself (offline: no image service)."""
    return graph.get_graph().draw_mermaid()
