"""The openai backend against a fake OpenAI-compatible server on 127.0.0.1 (no network)."""

from __future__ import annotations

import socket

import pytest

from m4_genai.errors import LLMError
from m4_genai.llm import Tool, ask_structured, load_chat_model
from m4_genai.llm.openai_backend import OpenAIChatModel
from m4_genai.testing.fake_openai_server import FakeOpenAIServer, Reply

QUESTION = [{"role": "user", "content": "What is the capital of France?"}]
ADD_TOOL = {
    "type": "function",
    "function": {
        "name": "add",
        "description": "Add two numbers",
        "parameters": {"type": "object", "properties": {"a": {"type": "number"}}},
    },
}


def model_for(server: FakeOpenAIServer, **options: object) -> OpenAIChatModel:
    return OpenAIChatModel(base_url=server.url, api_key="test-key", backoff_s=0.001, **options)


def unused_port() -> int:
    """A port nothing listens on: bind to an ephemeral port, then close it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_chat_returns_text_usage_and_sends_options() -> None:
    with FakeOpenAIServer([Reply(text="The capital is Paris.")]) as server:
        result = model_for(server, model="tiny").chat(QUESTION, max_tokens=20, temperature=0.5)
    assert result.text == "The capital is Paris."
    assert (result.finish_reason, result.model, result.prompt_tokens) == ("stop", "fake-model", 7)
    sent = server.requests[0]
    assert sent["model"] == "tiny" and sent["messages"] == QUESTION
    assert (sent["max_tokens"], sent["temperature"], sent["seed"]) == (20, 0.5, 0)


def test_native_tool_calls_are_parsed() -> None:
    call = {"id": "c1", "type": "function", "function": {"name": "add", "arguments": '{"a": 2}'}}
    with FakeOpenAIServer([Reply(tool_calls=[call], finish_reason="tool_calls")]) as server:
        result = model_for(server).chat(QUESTION, tools=[ADD_TOOL])
    assert result.finish_reason == "tool_calls"
    assert [(c.id, c.name, c.arguments) for c in result.tool_calls] == [("c1", "add", {"a": 2})]
    assert server.requests[0]["tools"] == [ADD_TOOL]


def test_a_typed_tool_goes_out_in_the_openai_shape() -> None:
    def add(a: float) -> float:
        """Add two numbers"""
        return a

    with FakeOpenAIServer([Reply(text="ok")]) as server:
        model_for(server).chat(QUESTION, tools=[Tool.from_function(add)])
    sent = server.requests[0]["tools"][0]
    assert sent["type"] == "function" and sent["function"]["name"] == "add"
    assert sent["function"]["parameters"]["properties"] == {"a": {"type": "number"}}


def test_structured_output_sends_the_schema_and_validates_the_reply() -> None:
    from pydantic import BaseModel

    class City(BaseModel):
        name: str
        country: str

    replies = [Reply(text='{"name": "Rome", "country": "Italy"}'), Reply(text='{"name": 1}')]
    with FakeOpenAIServer(replies) as server:
        model = model_for(server)
        assert ask_structured(model, QUESTION, City) == City(name="Rome", country="Italy")
        with pytest.raises(LLMError, match="does not match City"):
            ask_structured(model, QUESTION, City)
    sent = server.requests[0]["response_format"]
    assert sent["type"] == "json_schema"
    assert sent["json_schema"]["schema"]["required"] == ["name", "country"]


def test_stream_yields_the_pieces_in_order() -> None:
    with FakeOpenAIServer([Reply(text="Paris is the capital")]) as server:
        pieces = list(model_for(server).stream(QUESTION))
    assert pieces == ["Paris", " is", " the", " capital"]
    assert server.requests[0]["stream"] is True


def test_server_errors_are_retried_with_backoff() -> None:
    with FakeOpenAIServer([Reply(500), Reply(503), Reply(text="Paris")]) as server:
        model = model_for(server)
        assert model.chat(QUESTION).text == "Paris"
    assert model.attempts == 3 and len(server.requests) == 3


def test_rate_limit_retries_are_limited_then_one_clear_error() -> None:
    with FakeOpenAIServer([Reply(429)]) as server:
        model = model_for(server, retries=2)
        with pytest.raises(LLMError, match=r"answered HTTP 429 after 2 attempts"):
            model.chat(QUESTION)
    assert len(server.requests) == 2


def test_client_errors_are_not_retried() -> None:
    with FakeOpenAIServer([Reply(401)]) as server, pytest.raises(LLMError, match="rejected"):
        model_for(server).chat(QUESTION)
    assert len(server.requests) == 1


def test_unreachable_server_is_one_clear_line() -> None:
    url = f"http://127.0.0.1:{unused_port()}/v1"
    model = OpenAIChatModel(base_url=url, api_key="x", retries=2, backoff_s=0.001)
    with pytest.raises(LLMError) as error:
        model.chat(QUESTION)
    assert str(error.value) == (
        f"cannot reach the OpenAI-compatible server at {url}: connection refused"
    )
    assert model.attempts == 2


def test_missing_key_for_api_openai_com(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(LLMError, match=r"no API key for api\.openai\.com: set OPENAI_API_KEY"):
        load_chat_model("openai")


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeOpenAIServer([Reply(text="ok")]) as server:
        monkeypatch.setenv("AI_ROADMAP_LLM", "openai")
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("AI_ROADMAP_OPENAI_MODEL", "env-model")
        monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # local servers need no key
        model = load_chat_model()
        assert model.chat(QUESTION).text == "ok"
    assert server.requests[0]["model"] == "env-model"


def test_a_tool_round_trip_sends_openai_shaped_history() -> None:
    from m4_genai.llm import assistant_message, tool_message

    call = {"id": "c1", "type": "function", "function": {"name": "add", "arguments": '{"a": 2}'}}
    replies = [Reply(tool_calls=[call], finish_reason="tool_calls"), Reply(text="It is 5.")]
    with FakeOpenAIServer(replies) as server:
        model = model_for(server)
        first = model.chat(QUESTION, tools=[ADD_TOOL])
        history = [*QUESTION, assistant_message(first), tool_message(first.tool_calls[0], "5")]
        assert model.chat(history, tools=[ADD_TOOL]).text == "It is 5."
    sent = server.requests[1]["messages"]
    assert sent[1]["tool_calls"] == [call] and sent[1]["role"] == "assistant"
    assert sent[2] == {"role": "tool", "tool_call_id": "c1", "content": "5"}
