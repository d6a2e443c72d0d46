"""The same tool agent three ways (our loop, LangChain's create_agent, a LangGraph graph)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from langchain_core.messages import AIMessage, ChatMessage, HumanMessage, ToolMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.tools import tool as langchain_tool

from m4_genai.errors import LLMError, ScriptExhaustedError
from m4_genai.llm import ChatResult, ScriptedChatModel, ToolCall, ToolSpec, load_chat_model
from m5_agents_mlops.agent import Agent, Budget
from m5_agents_mlops.errors import AgentError
from m5_agents_mlops.frameworks import (
    FrameworkRun,
    RoadmapChatModel,
    Step,
    build_graph,
    from_agent_result,
    mermaid,
    run_langchain_agent,
    run_langgraph_agent,
    to_langchain_tool,
    to_roadmap_tool,
)
from m5_agents_mlops.frameworks.langgraph_agent import open_checkpointer
from m5_agents_mlops.tools import Toolbox, tool


@tool
def add(a: int, b: int) -> int:
    """Add two whole numbers.

    Args:
        a: the first number.
        b: the second number.
    """
    return a + b


@tool
def square(x: float) -> float:
    """Square a number.

    Args:
        x: the number.
    """
    return x * x


TOOLS = [add, square]
INVALID = "error: invalid arguments for add: a: Input should be a valid integer"


def calculator_script() -> ScriptedChatModel:
    """A call, an invalid-argument call (fed back), a second tool, then the answer."""
    return ScriptedChatModel(
        [
            ToolCall("c1", "add", {"a": 2, "b": 3}),
            ToolCall("c2", "add", {"a": "two", "b": 1}),
            ToolCall("c3", "square", {"x": 5}),
            "The answer is 25.",
        ]
    )


def endless_calls() -> ScriptedChatModel:
    """A model that never stops calling tools."""
    return ScriptedChatModel([ToolCall(f"c{i}", "add", {"a": i, "b": 1}) for i in range(10)])


def three_ways(
    make_model: Callable[[], ScriptedChatModel], max_steps: int = 10
) -> tuple[list[FrameworkRun], list[ScriptedChatModel]]:
    """Run the same task with a fresh copy of the same script through each framework."""
    models = [make_model() for _ in range(3)]
    budget = Budget(max_steps=max_steps)
    runs = [
        from_agent_result(Agent(models[0], TOOLS, budget=budget).run("What is (2+3)^2?")),
        run_langchain_agent(models[1], TOOLS, "What is (2+3)^2?", max_steps),
        run_langgraph_agent(models[2], TOOLS, "What is (2+3)^2?", max_steps),
    ]
    return runs, models


def test_three_ways_take_the_same_steps() -> None:
    (loop, chain, graph), models = three_ways(calculator_script)
    assert [run.way for run in (loop, chain, graph)] == ["loop", "langchain", "langgraph"]
    assert loop.answer == "The answer is 25."
    assert loop.stopped_by == "answer" and loop.model_calls == 4
    assert loop.steps[0] == Step("add", {"a": 2, "b": 3}, "5")
    assert loop.steps[1].result.startswith(INVALID)  # the bad call was fed back, not fatal
    assert loop.steps[2] == Step("square", {"x": 5}, "25.0")
    assert loop.tokens > 0
    assert chain == loop and graph == loop  # answer, steps, stop reason, calls, tokens
    # Stronger: the model was shown exactly the same conversation at every step.
    assert models[0].calls == models[1].calls == models[2].calls
    assert models[0].calls[-1][-1] == {"role": "tool", "tool_call_id": "c3", "content": "25.0"}


def test_the_step_limit_stops_each_way() -> None:
    runs, models = three_ways(endless_calls, max_steps=2)
    for run, model in zip(runs, models, strict=True):
        assert (run.stopped_by, run.answer, run.model_calls) == ("max_steps", None, 2), run.way
        assert [s.result for s in run.steps] == ["1", "2"], run.way  # both calls were run
        assert len(model.calls) == 2, run.way  # and the model was not asked a third time
    assert runs[0] == runs[1] == runs[2]


def test_the_token_budget_stops_our_loop_and_the_graph_alike() -> None:
    loop_model, graph_model = endless_calls(), endless_calls()
    loop = Agent(loop_model, TOOLS, budget=Budget(max_tokens=150)).run("Count up.")
    graph = run_langgraph_agent(graph_model, TOOLS, "Count up.", max_tokens=150)
    assert loop.stopped_by == "max_tokens" and 1 < loop.steps < 10
    assert from_agent_result(loop) == graph
    assert loop.tokens >= 150 and len(graph_model.calls) == loop.steps


def test_langgraph_resumes_a_crashed_run_from_its_sqlite_checkpoint(tmp_path) -> None:
    added, doubled = [], []

    @tool(name="add")
    def counting_add(a: int, b: int) -> int:
        """Add two whole numbers, remembering each call."""
        added.append((a, b))
        return a + b

    @tool
    def double(x: int) -> int:
        """Double a number; the first call is interrupted (Ctrl-C)."""
        doubled.append(x)
        if len(doubled) == 1:
            raise KeyboardInterrupt  # not an Exception: the Toolbox cannot turn it into text
        return 2 * x

    tools = [counting_add, double]
    model = ScriptedChatModel(
        [ToolCall("c1", "add", {"a": 1, "b": 2}), ToolCall("c2", "double", {"x": 3}), "It is 6."]
    )
    path = tmp_path / "checkpoints" / "agent.sqlite"
    with pytest.raises(KeyboardInterrupt):
        run_langgraph_agent(model, tools, "Add, then double.", checkpoint_path=path, thread_id="t")
    assert len(model.calls) == 2 and len(doubled) == 1  # it died inside the second tool step

    # A new process would build a new graph on the same file: nothing lives in memory but the
    # script, and the script would run out if the model were asked for steps it already took.
    run = run_langgraph_agent(
        model, tools, "Add, then double.", checkpoint_path=path, thread_id="t"
    )
    assert len(model.calls) == 3
    assert run.answer == "It is 6." and run.model_calls == 3
    assert run.steps == [Step("add", {"a": 1, "b": 2}, "3"), Step("double", {"x": 3}, "6")]
    assert added == [(1, 2)] and len(doubled) == 2  # only the interrupted node ran again
    assert [m["content"] for m in model.calls[2] if m["role"] == "tool"] == ["3", "6"]

    again = run_langgraph_agent(
        model, tools, "Add, then double.", checkpoint_path=path, thread_id="t"
    )
    assert again == run and len(model.calls) == 3  # a finished thread is not run twice
    with pytest.raises(AgentError, match="another task"):
        run_langgraph_agent(model, tools, "Something else.", checkpoint_path=path, thread_id="t")
    with sqlite3.connect(path) as db:  # the checkpoints really are in the file
        assert db.execute("select count(*) from checkpoints where thread_id='t'").fetchone()[0] > 4


def test_langgraph_resumes_with_a_new_model_after_the_server_died(tmp_path) -> None:
    path, task = tmp_path / "agent.sqlite", "What is 2 + 3?"
    dying = ScriptedChatModel([ToolCall("c1", "add", {"a": 2, "b": 3})])  # fails on call 2
    with pytest.raises(ScriptExhaustedError):
        run_langgraph_agent(dying, TOOLS, task, checkpoint_path=path, thread_id="job-7")
    fresh = ScriptedChatModel(["5"])
    run = run_langgraph_agent(fresh, TOOLS, task, checkpoint_path=path, thread_id="job-7")
    assert (run.answer, run.model_calls, run.steps) == (
        "5",
        2,
        [Step("add", {"a": 2, "b": 3}, "5")],
    )
    assert len(fresh.calls) == 1  # only the step that failed was asked again
    assert fresh.calls[0][-1] == {"role": "tool", "tool_call_id": "c1", "content": "5"}


def test_mermaid_draws_the_nodes_and_the_conditional_edge() -> None:
    text = mermaid(build_graph(calculator_script(), TOOLS))
    assert "graph TD;" in text
    for line in ("model(model)", "tools(tools)", "__start__ --> model;", "tools --> model;"):
        assert line in text
    assert "model -. &nbsp;tool calls&nbsp; .-> tools;" in text  # the conditional edge
    assert "model -. &nbsp;answer or budget spent&nbsp; .-> __end__;" in text


def test_roadmap_chat_model_round_trips_tool_call_ids() -> None:
    scripted = ScriptedChatModel([ToolCall("call_42", "add", {"a": 2, "b": 3}), "5"])
    chat = RoadmapChatModel(scripted).bind_tools([add])
    asked = chat.invoke([HumanMessage("What is 2 + 3?")])
    assert isinstance(asked, AIMessage)
    assert [(c["id"], c["name"], c["args"]) for c in asked.tool_calls] == [
        ("call_42", "add", {"a": 2, "b": 3})
    ]
    usage = asked.usage_metadata
    assert usage is not None and usage["input_tokens"] == 5 and usage["total_tokens"] == 5  # words
    result = ToolMessage("5", tool_call_id="call_42")
    answer = chat.invoke([HumanMessage("What is 2 + 3?"), asked, result])
    assert answer.content == "5" and not answer.tool_calls
    sent = scripted.calls[1]
    assert sent[1]["tool_calls"][0]["id"] == "call_42"
    assert sent[1]["tool_calls"][0]["function"] == {"name": "add", "arguments": '{"a": 2, "b": 3}'}
    assert sent[2] == {"role": "tool", "tool_call_id": "call_42", "content": "5"}


def test_roadmap_chat_model_runs_in_an_lcel_chain_with_our_options() -> None:
    scripted = ScriptedChatModel(["Retrieval-augmented generation grounds answers in sources."])
    prompt = ChatPromptTemplate.from_messages(
        [("system", "Be brief."), ("human", "Define {term}.")]
    )
    chain = prompt | RoadmapChatModel(scripted, chat_options={"max_tokens": 2}) | StrOutputParser()
    assert chain.invoke({"term": "RAG"}) == "Retrieval-augmented generation"  # cut at 2 "tokens"
    assert scripted.calls == [
        [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Define RAG."}]
    ]


class RecordingModel(ScriptedChatModel):
    """A scripted model that also keeps the tool specs it was offered."""

    def chat(
        self, messages: list, tools: Sequence[ToolSpec] | None = None, **opts: Any
    ) -> ChatResult:
        self.tools = list(tools or [])
        return super().chat(messages, tools, **opts)


@langchain_tool
def shout(text: str) -> str:
    """Say it louder."""
    return text.upper() + "!"


def test_bind_tools_accepts_every_kind_of_tool_and_keeps_our_schema() -> None:
    model = RecordingModel(["ok"])
    dict_spec = {"type": "function", "function": {"name": "noop", "description": "Do nothing."}}
    RoadmapChatModel(model).bind_tools([add, to_langchain_tool(square), shout, dict_spec]).invoke(
        "hi"
    )
    assert [spec["function"]["name"] for spec in model.tools] == ["add", "square", "shout", "noop"]
    assert to_roadmap_tool(to_langchain_tool(add)) == add  # name, description and JSON Schema
    assert to_roadmap_tool(shout).parameters["required"] == ["text"]
    with pytest.raises(LLMError, match="tool_choice"):
        RoadmapChatModel(model).bind_tools([add], tool_choice="any")
    with pytest.raises(LLMError, match="ChatMessage"):
        RoadmapChatModel(model).invoke([ChatMessage(role="critic", content="hm")])


def test_our_tool_in_langchain_reports_errors_as_our_toolbox_does() -> None:
    wrapped = to_langchain_tool(add)
    bad = {"a": "two", "b": 1}
    expected = Toolbox([add]).run(ToolCall("x", "add", bad)).content
    message = wrapped.invoke({"type": "tool_call", "id": "t1", "name": "add", "args": bad})
    assert message.content == expected and expected.startswith(INVALID)
    assert message.tool_call_id == "t1" and message.artifact["ok"] is False
    assert wrapped.invoke({"a": 2, "b": "3"}) == "5"  # validated and converted, like ours
    with pytest.raises(LLMError, match="only a spec"):
        to_langchain_tool(to_roadmap_tool(shout))


def test_langchain_agent_mixes_our_tools_with_native_langchain_tools() -> None:
    model = ScriptedChatModel(
        [ToolCall("s1", "shout", {"text": "done"}), ToolCall("a1", "add", {"a": 1, "b": 1}), "2"]
    )
    run = run_langchain_agent(model, [add, shout], "Shout, then add.")
    assert run.steps == [
        Step("shout", {"text": "done"}, "DONE!"),
        Step("add", {"a": 1, "b": 1}, "2"),
    ]
    assert (run.answer, run.stopped_by, run.model_calls) == ("2", "answer", 3)


@pytest.mark.extended  # the default run keeps the real model in test_agent_chat.py (budget)
def test_langgraph_agent_completes_on_the_local_model(tmp_path) -> None:
    model = load_chat_model("local", model="smollm2-135m", max_tokens=64)
    path = tmp_path / "agent.sqlite"
    run = run_langgraph_agent(
        model, TOOLS, "What is 2 + 3? Use the add tool.", 2, checkpoint_path=path
    )
    assert run.stopped_by in ("answer", "max_steps")
    assert 1 <= run.model_calls <= 2 and run.tokens > 0
    assert (run.answer is not None) == (run.stopped_by == "answer")
    with open_checkpointer(path) as saver:  # the run is recorded in the checkpoint file
        saved = build_graph(model, TOOLS, saver).get_state({"configurable": {"thread_id": "agent"}})
    assert saved.values["model_calls"] == run.model_calls and not saved.next
