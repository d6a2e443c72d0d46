"""``agent-chat``: one question, a conversation, bad input; and the loop on the real local model."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from m4_genai.llm import ScriptedChatModel, ToolCall, load_chat_model
from m5_agents_mlops.agent import Agent, Budget
from m5_agents_mlops.cli import agent_chat
from m5_agents_mlops.cli.agent_chat import AgentChatConfig, converse, run
from m5_agents_mlops.tools import calculator
from roadmap_data.runkit import ConfigError


def config(tmp_path: Path, **changes: object) -> AgentChatConfig:
    return AgentChatConfig.preset("tiny", out=tmp_path, tools=("calculator",), **changes)


def test_one_question_is_answered_with_a_tool_and_recorded(tmp_path: Path) -> None:
    model = ScriptedChatModel([ToolCall("c1", "calculator", {"expression": "0.175 * 2480"}), "434"])
    result = run(config(tmp_path, question="What is 17.5% of 2480?"), model).result
    assert result.answer == "434" and result.tool_calls[0]["content"] == "434.0"
    saved = json.loads((tmp_path / "trajectory.json").read_text())
    assert saved["status"] == "answer" and [t["name"] for t in saved["tools"]] == ["calculator"]


def test_a_conversation_carries_the_earlier_turns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = ScriptedChatModel(["Paris.", "About 2.1 million."])
    monkeypatch.setattr("sys.stdin", io.StringIO("Capital of France?\nHow many live there?\n\n"))
    converse(config(tmp_path), model)
    second = model.calls[1]
    assert [m["content"] for m in second[1:]] == [
        "Capital of France?", "Paris.", "How many live there?",
    ]  # fmt: skip
    assert (tmp_path / "trajectory.json").is_file() and (tmp_path / "trajectory-2.json").is_file()


def test_bad_settings_are_one_clear_error() -> None:
    with pytest.raises(ConfigError, match="unknown tool group"):
        AgentChatConfig.preset("tiny", tools=("calculator", "shell"))
    with pytest.raises(ConfigError, match="max_steps must be at least 1"):
        AgentChatConfig.preset("tiny", max_steps=0)


def test_the_scripted_model_refuses_questions_it_has_no_plan_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = agent_chat.main(
        ["What is the meaning of life?", "--llm", "scripted", "--out", str(tmp_path)]
    )
    assert code == 2 and "answers only the benchmark's questions" in capsys.readouterr().err


@pytest.mark.slow
def test_the_loop_runs_on_the_real_local_model(tmp_path: Path) -> None:
    """SmolLM2 (always installed): the run must finish within its budget and leave a full
    trajectory; what it answers is the benchmark's business, not this test's."""
    model = load_chat_model("local", model="smollm2-135m", max_tokens=64)
    path = tmp_path / "t.json"
    result = Agent(model, [calculator], budget=Budget(max_steps=3), trajectory=path).run(
        "What is 12 * 7? Use the calculator."
    )
    assert result.stopped_by in ("answer", "max_steps") and 1 <= result.steps <= 3
    saved = json.loads(path.read_text())
    assert saved["model"] == "smollm2-135m" and len(saved["steps"]) == result.steps
    assert saved["totals"]["prompt_tokens"] > 0 and saved["steps"][0]["reply"]["seconds"] > 0


def test_agent_chat_runs_on_an_openai_compatible_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--llm openai --base-url ...``: native ``tools=`` out, ``tool_calls`` back, on 127.0.0.1."""
    from m4_genai.testing.fake_openai_server import FakeOpenAIServer, Reply

    call = {"id": "call_a", "type": "function",
            "function": {"name": "calculator", "arguments": '{"expression": "6 * 7"}'}}  # fmt: skip
    replies = [Reply(tool_calls=[call], finish_reason="tool_calls"), Reply(text="6 * 7 = 42")]
    with FakeOpenAIServer(replies) as server:
        argv = ["What is 6 * 7?", "--llm", "openai", "--base-url", server.url, "--api-key", "k",
                "--model", "fake-model", "--tools", "calculator", "--out", str(tmp_path)]  # fmt: skip
        assert agent_chat.main(argv) == 0
        first, second = server.requests
    assert [t["function"]["name"] for t in first["tools"]] == ["calculator"]
    assert second["messages"][-1] == {"role": "tool", "tool_call_id": "call_a", "content": "42"}
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["answer"] == "6 * 7 = 42" and metrics["steps"] == 2
    assert "6 * 7 = 42" in capsys.readouterr().out


def test_auto_channel_is_text_for_local_models_and_native_for_servers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from m5_agents_mlops.cli.common import resolve_channel

    monkeypatch.delenv("AI_ROADMAP_LLM", raising=False)
    assert resolve_channel("auto", None) == resolve_channel("auto", "local") == "text"
    assert resolve_channel("auto", "openai") == resolve_channel("auto", "scripted") == "native"
    assert resolve_channel("native", "local") == "native"  # an explicit choice wins


def test_broken_argument_json_from_a_server_is_fed_back_not_raised(tmp_path: Path) -> None:
    """Small models behind a server write broken JSON arguments; the model gets to fix them."""
    from m4_genai.llm.openai_backend import OpenAIChatModel
    from m4_genai.testing.fake_openai_server import FakeOpenAIServer, Reply

    broken = {"id": "c1", "type": "function",
              "function": {"name": "calculator", "arguments": '{"expression": "6 * 7"'}}  # fmt: skip
    fixed = {**broken, "id": "c2",
             "function": {"name": "calculator", "arguments": '{"expression": "6 * 7"}'}}  # fmt: skip
    replies = [Reply(tool_calls=[broken], finish_reason="tool_calls"),
               Reply(tool_calls=[fixed], finish_reason="tool_calls"), Reply(text="42")]  # fmt: skip
    with FakeOpenAIServer(replies) as server:
        model = OpenAIChatModel(base_url=server.url, api_key="k", model="fake-model")
        result = Agent(model, [calculator]).run("What is 6 * 7?")
        second = server.requests[1]["messages"][-1]
    assert result.answer == "42" and [c["ok"] for c in result.tool_calls] == [False, True]
    assert second["content"].startswith(
        "error: invalid arguments for calculator: not a JSON object"
    )
