"""The agent loop on scripted models: every way a run can go, and the trajectory it leaves."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from m4_genai.errors import ScriptExhaustedError
from m4_genai.llm import ChatResult, ScriptedChatModel, ToolCall
from m5_agents_mlops.agent import Agent, Budget
from m5_agents_mlops.errors import ToolError
from m5_agents_mlops.tools import tool


@tool
def add(a: int, b: int = 0) -> int:
    """Add two whole numbers.

    Args:
        a: the first number.
        b: the second number.
    """
    return a + b


@tool
def divide(a: float, b: float) -> float:
    """Divide a by b."""
    if b == 0:
        raise ToolError("division by zero: b must not be 0")
    return a / b


@tool
def broken(x: int) -> int:
    """A tool with a bug in it."""
    return [][x]


def tool_turns(messages: list[dict[str, Any]]) -> list[str]:
    return [m["content"] for m in messages if m["role"] == "tool"]


def test_a_tool_call_then_an_answer(tmp_path: Path) -> None:
    model = ScriptedChatModel([ToolCall("c1", "add", {"a": 2, "b": 3}), "2 + 3 = 5"])
    result = Agent(model, [add, divide], trajectory=tmp_path / "t.json").run("What is 2 + 3?")
    assert (result.answer, result.stopped_by, result.steps) == ("2 + 3 = 5", "answer", 2)
    assert result.tool_calls == [
        {"id": "c1", "name": "add", "arguments": {"a": 2, "b": 3}, "ok": True, "content": "5",
         "seconds": result.tool_calls[0]["seconds"]}
    ]  # fmt: skip
    # The second model call saw the tool's result, tied to its call by id.
    assert model.calls[1][-1] == {"role": "tool", "tool_call_id": "c1", "content": "5"}
    saved = json.loads((tmp_path / "t.json").read_text())
    assert saved["status"] == "answer" and saved["answer"] == "2 + 3 = 5"
    assert [step["step"] for step in saved["steps"]] == [1, 2]
    assert saved["totals"]["steps"] == 2 and {t["name"] for t in saved["tools"]} == {
        "add",
        "divide",
    }


def test_every_tool_failure_is_fed_back_not_raised() -> None:
    model = ScriptedChatModel(
        [
            ToolCall("c1", "add", {"a": "two"}),  # invalid arguments
            ToolCall("c2", "multiply", {"a": 2}),  # a tool that does not exist
            ToolCall("c3", "divide", {"a": 1, "b": 0}),  # the tool refuses its input
            ToolCall("c4", "broken", {"x": 3}),  # a bug inside the tool
            ToolCall("c5", "add", {"a": 2, "b": 2}),
            "4",
        ]
    )
    result = Agent(model, [add, divide, broken]).run("2 + 2?")
    assert result.answer == "4" and result.steps == 6
    errors = tool_turns(model.calls[-1])
    assert errors[0].startswith("error: invalid arguments for add: a:")
    assert errors[1] == "error: unknown tool 'multiply'; available: add, divide, broken"
    assert errors[2] == "error: division by zero: b must not be 0"
    assert errors[3] == "error: broken failed: IndexError: list index out of range"
    assert errors[4] == "4"
    assert [c["ok"] for c in result.tool_calls] == [False, False, False, False, True]


def test_two_calls_in_one_step_are_both_run() -> None:
    model = ScriptedChatModel(
        [[ToolCall("a", "add", {"a": 1, "b": 1}), ToolCall("b", "add", {"a": 2, "b": 2})], "2, 4"]
    )
    result = Agent(model, [add]).run("1+1 and 2+2?")
    assert result.steps == 2 and [c["content"] for c in result.tool_calls] == ["2", "4"]


def test_step_budget_stops_the_run(tmp_path: Path) -> None:
    model = ScriptedChatModel([ToolCall(f"c{i}", "add", {"a": i}) for i in range(5)])
    result = Agent(model, [add], budget=Budget(max_steps=3), trajectory=tmp_path / "t.json").run(
        "count"
    )
    assert (result.stopped_by, result.answer, result.steps, len(model.calls)) == (
        "max_steps", None, 3, 3,
    )  # fmt: skip
    assert json.loads((tmp_path / "t.json").read_text())["status"] == "max_steps"


def test_token_budget_stops_before_the_next_call() -> None:
    model = ScriptedChatModel([ToolCall("c1", "add", {"a": 1})] * 3)
    # The scripted model counts prompt words as tokens: the system prompt alone is > 50.
    result = Agent(model, [add], budget=Budget(max_tokens=50)).run("go")
    assert result.stopped_by == "max_tokens" and result.steps == 1 and result.tokens >= 50


def test_time_budget_stops_a_slow_run() -> None:
    @tool
    def slow(seconds: float) -> str:
        """Wait a while."""
        time.sleep(seconds)
        return "done"

    model = ScriptedChatModel([ToolCall("c1", "slow", {"seconds": 0.2})] * 3)
    result = Agent(model, [slow], budget=Budget(max_seconds=0.1)).run("wait")
    assert result.stopped_by == "max_seconds" and result.steps == 1


def test_the_model_is_given_what_is_left_of_the_time_budget() -> None:
    seen: list[float] = []

    class Recorder(ScriptedChatModel):
        def chat(self, messages, tools=None, **opts):  # type: ignore[no-untyped-def]
            seen.append(opts["time_budget_s"])
            return super().chat(messages, tools, **opts)

    Agent(Recorder(["ok"]), [add], budget=Budget(max_seconds=30)).run("hi")
    assert 29 < seen[0] <= 30


def test_text_channel_writes_the_protocol_and_parses_calls(tmp_path: Path) -> None:
    model = ScriptedChatModel(
        ['Let me add. {"tool": "add", "arguments": {"a": 40, "b": 2}}', "The answer is 42."]
    )
    result = Agent(model, [add], channel="text").run("40 + 2?")
    assert result.answer == "The answer is 42." and result.tool_calls[0]["id"] == "call_0"
    first_prompt = model.calls[0]
    assert '{"tool": "<name>"' in first_prompt[0]["content"]  # the protocol is in the prompt
    assert "- add(a: integer, b: integer): Add two whole numbers." in first_prompt[0]["content"]
    # The result comes back as a user turn: the text channel needs no "tool" role.
    assert model.calls[1][-1]["role"] == "user" and "42" in model.calls[1][-1]["content"]


def test_a_model_failure_propagates_and_the_trajectory_says_so(tmp_path: Path) -> None:
    model = ScriptedChatModel([ToolCall("c1", "add", {"a": 1})])  # runs out after one reply
    path = tmp_path / "t.json"
    with pytest.raises(ScriptExhaustedError):
        Agent(model, [add], trajectory=path).run("go")
    saved = json.loads(path.read_text())
    assert saved["status"].startswith("error: ScriptExhaustedError")
    assert len(saved["steps"]) == 1  # the completed step was kept


def test_the_trajectory_is_on_disk_after_every_step(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    seen_on_disk: list[int] = []
    model = ScriptedChatModel(
        [ToolCall("c1", "add", {"a": 1}), ToolCall("c2", "add", {"a": 2}), "3"]
    )
    agent = Agent(
        model,
        [add],
        trajectory=path,
        on_step=lambda record: seen_on_disk.append(len(json.loads(path.read_text())["steps"])),
    )
    agent.run("go")
    assert seen_on_disk == [1, 2, 3]


def test_usage_is_summed_over_steps() -> None:
    class Counting(ScriptedChatModel):
        def chat(self, messages, tools=None, **opts):  # type: ignore[no-untyped-def]
            result = super().chat(messages, tools, **opts)
            return ChatResult(result.text, result.tool_calls, 100, 7, 0.5, model="counting")

    result = Agent(Counting([ToolCall("c", "add", {"a": 1}), "1"]), [add]).run("go")
    assert (result.prompt_tokens, result.completion_tokens, result.tokens) == (200, 14, 214)


def test_repeated_call_ids_are_made_unique() -> None:
    """Backends that number each reply's calls from 0 must not make two results answer one id."""
    model = ScriptedChatModel(
        [ToolCall("call_0", "add", {"a": 1}), ToolCall("call_0", "add", {"a": 2}), "done"]
    )
    result = Agent(model, [add]).run("go")
    ids = [call["id"] for call in result.tool_calls]
    assert ids[0] == "call_0" and len(set(ids)) == 2
    assert model.calls[-1][-1]["tool_call_id"] == ids[1]


def test_calls_of_one_reply_without_ids_get_distinct_ones() -> None:
    model = ScriptedChatModel(
        [[ToolCall("", "add", {"a": 1}), ToolCall("", "add", {"a": 2})], "done"]
    )
    result = Agent(model, [add]).run("go")
    ids = [call["id"] for call in result.tool_calls]
    assert len(set(ids)) == 2 and all(ids)
