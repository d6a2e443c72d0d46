"""AutoGen AgentChat runs the sequential pipeline against month 5's OpenAI-compatible server.

The server is month 5's real ``/v1/chat/completions`` (uvicorn on 127.0.0.1, in a thread) with a
scripted model behind it; AutoGen's own ``OpenAIChatCompletionClient`` talks to it over HTTP.
"""

from __future__ import annotations

import pytest

from m4_genai.llm import ScriptedChatModel
from m6_advanced.patterns import demo
from m6_advanced.patterns.autogen_team import (
    REVIEWER_PROMPT,
    WRITER_PROMPT,
    approved,
    autogen_pipeline,
    is_approval,
    serve_model,
)

pytest.importorskip("autogen_agentchat")


def test_autogen_runs_the_pipeline_with_one_send_back_through_the_server() -> None:
    model = demo.autogen_model()
    task = f"{demo.SEQUENTIAL_TASK}\n\nSource text:\n{demo.SEQUENTIAL_SOURCE}"
    with serve_model(model, "scripted") as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        run = autogen_pipeline(base_url, "scripted", task, max_revisions=1)
    assert run.order == ["user", "researcher", "writer", "reviewer", "writer", "reviewer"]
    assert run.approved and run.answer is not None and run.answer.startswith("A generator is")
    assert run.messages[1]["content"].startswith("- A generator is a function")  # notes
    assert all(m["completion_tokens"] > 0 for m in run.messages[1:])  # usage came back over HTTP
    # What the server received: each role's own system prompt, then the shared conversation.
    assert len(model.calls) == 5
    writer_again, last_review = model.calls[3], model.calls[4]
    assert writer_again[0] == {"role": "system", "content": WRITER_PROMPT}
    assert "REVISE: over 60 words" in str(writer_again[-1]["content"])
    assert last_review[0]["content"] == REVIEWER_PROMPT
    assert [m["content"] for m in last_review[1:3]] == [task, run.messages[1]["content"]]
    assert len(last_review) == 6  # every AutoGen agent reads the whole conversation
    assert run.metrics()["model_calls"] == 5


def test_autogen_send_backs_are_bounded() -> None:
    model = ScriptedChatModel(["notes", "draft 1", "REVISE: a", "draft 2", "REVISE: b"])
    with serve_model(model, "scripted") as base_url:
        run = autogen_pipeline(base_url, "scripted", "write it", max_revisions=1)
    assert not run.approved and run.answer == "draft 2" and len(model.calls) == 5
    assert "Maximum number of messages" in run.stop_reason


def test_approval_is_read_from_the_start_of_the_reply() -> None:
    assert is_approval("APPROVE - nice") and is_approval("approve")
    assert not is_approval("REVISE: I cannot APPROVE this")
    assert not is_approval("APPROVE? no, REVISE it")


def test_the_chat_ends_on_an_approval_only() -> None:
    """AutoGen's termination test reads the reviewer's reply as ``is_approval`` does."""
    from autogen_agentchat.messages import TextMessage

    def said(source: str, text: str) -> list[TextMessage]:
        return [TextMessage(source=source, content=text)]

    assert approved(said("reviewer", "APPROVE"))
    assert not approved(said("reviewer", "REVISE: I cannot APPROVE this yet"))
    assert not approved(said("writer", "APPROVE"))  # only the reviewer decides
