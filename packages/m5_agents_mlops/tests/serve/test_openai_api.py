"""The OpenAI-compatible chat API, route by route: shapes, streams, tools, parameters, validation.

FastAPI's TestClient on a tiny app that serves a scripted model or ``Recorder``, a fake that
records the options each call received. Unsupported parameters, failures and turn-taking are in
``test_openai_failures``; real clients on a real port in ``test_openai_clients``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from m4_genai.llm import ChatResult, ScriptedChatModel
from m4_genai.testing.chat import ADD_CALL, ADD_TOOL, QUESTION
from m5_agents_mlops.serve.app import create_app
from m5_agents_mlops.serve.openai_schemas import MAX_PROMPT_CHARS, ChatCompletion
from m5_agents_mlops.serve.services import Services

ASK, ADD, CALL = QUESTION, ADD_TOOL, ADD_CALL  # shared with m4's suites


class Recorder:
    """A ChatModel that records the messages, tools and options of every call, and answers
    ``text`` (streamed word by word)."""

    name = "recorder"

    def __init__(self, text: str = "Paris is the capital.") -> None:
        self.text = text
        self.seen: list[tuple[list[dict[str, Any]], Any, dict[str, Any]]] = []

    def chat(
        self, messages: list[dict[str, Any]], tools: Sequence[Any] | None = None, **opts: Any
    ) -> ChatResult:
        self.seen.append((messages, tools, opts))
        return ChatResult(self.text, prompt_tokens=7, completion_tokens=len(self.text.split()))

    def stream(self, messages: list[dict[str, Any]], **opts: Any) -> Iterator[str]:
        self.seen.append((messages, None, opts))
        for index, word in enumerate(self.text.split(" ")):
            yield word if index == 0 else " " + word


def make_app(model: Any, **services: Any) -> FastAPI:
    """The real app around ``model`` (no lifespan needed: nothing to load)."""
    return create_app(services=Services(chat=model, chat_name="scripted", **services))


def sample(app: FastAPI, metric: str) -> float:
    return app.state.metrics.registry.get_sample_value(metric, {"model": "scripted"}) or 0.0


def events(text: str) -> list[Any]:
    """The payloads of a server-sent event stream, checking the framing of every event."""
    assert text.endswith("\n\n")
    blocks = text[:-2].split("\n\n")
    assert all(block.startswith("data: ") and "\n" not in block for block in blocks), blocks
    payloads = [block.removeprefix("data: ") for block in blocks]
    return [p if p == "[DONE]" else json.loads(p) for p in payloads]


def post(app: FastAPI, **body: Any) -> httpx.Response:
    with TestClient(app) as client:
        return client.post("/v1/chat/completions", json={"model": "scripted", **body})


def test_models_lists_the_served_model_or_nothing() -> None:
    listing = TestClient(make_app(Recorder())).get("/v1/models").json()
    assert listing["object"] == "list"
    assert [(m["id"], m["object"], m["owned_by"]) for m in listing["data"]] == [
        ("scripted", "model", "ai-roadmap")
    ]
    assert TestClient(make_app(None)).get("/v1/models").json() == {"object": "list", "data": []}


def test_a_completion_has_openai_shape_usage_and_metrics() -> None:
    model = Recorder("Paris.")
    app = make_app(model)
    parts = [{"type": "text", "text": "Capital "}, {"type": "text", "text": "of France?"}]
    messages = [{"role": "developer", "content": "Be brief."}, {"role": "user", "content": parts}]
    options = {"max_tokens": 20, "max_completion_tokens": 9, "temperature": 0.3, "seed": 5}
    response = post(app, messages=messages, **options)
    assert response.status_code == 200, response.text
    answer = ChatCompletion.model_validate(response.json())
    head, choice = (answer.object, answer.model, answer.id[:9]), answer.choices[0]
    assert head == ("chat.completion", "scripted", "chatcmpl-")
    assert (choice.message.content, choice.finish_reason) == ("Paris.", "stop")
    usage = answer.usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (7, 1, 8)
    sent, tools, opts = model.seen[0]
    assert sent == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Capital of France?"},
    ]
    # max_completion_tokens wins; no time budget is set on this app's services.
    assert tools is None and opts == {"max_tokens": 9, "temperature": 0.3, "seed": 5}
    assert sample(app, "serve_model_inference_seconds_count") == 1
    assert sample(app, "serve_llm_tokens_generated_total") == 1
    assert sample(app, "serve_llm_prompt_tokens_total") == 7


def test_max_tokens_cut_is_reported_as_length() -> None:
    reply = post(make_app(ScriptedChatModel(["one two three four"])), messages=ASK, max_tokens=2)
    assert reply.json()["choices"][0] | {"message": None} == {
        "index": 0,
        "message": None,
        "finish_reason": "length",
        "logprobs": None,
    }
    assert reply.json()["choices"][0]["message"]["content"] == "one two"


def test_a_stream_is_framed_as_server_sent_events() -> None:
    app = make_app(ScriptedChatModel(["Paris is the capital."]))
    response = post(app, messages=ASK, stream=True, stream_options={"include_usage": True})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    *chunks, usage, done = events(response.text)
    assert done == "[DONE]"
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    assert len({c["id"] for c in [*chunks, usage]}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert text == "Paris is the capital."
    assert [c["choices"][0]["finish_reason"] for c in chunks[-2:]] == [None, "stop"]
    assert usage["choices"] == [] and usage["usage"]["completion_tokens"] == 4
    assert usage["usage"]["total_tokens"] == usage["usage"]["prompt_tokens"] + 4 > 4
    assert sample(app, "serve_llm_time_to_first_token_seconds_count") == 1
    assert sample(app, "serve_llm_tokens_generated_total") == 4


def test_a_stream_without_include_usage_sends_no_usage_and_reports_length() -> None:
    response = post(make_app(ScriptedChatModel(["a b c"])), messages=ASK, stream=True, max_tokens=2)
    *chunks, done = events(response.text)
    assert done == "[DONE]" and all(c["choices"] for c in chunks)
    assert chunks[-1]["choices"][0]["finish_reason"] == "length"


def test_tools_round_trip() -> None:
    model = ScriptedChatModel([CALL, "2 + 3 = 5."])
    app = make_app(model)
    first = post(app, messages=ASK, tools=[ADD], tool_choice="auto").json()
    choice = first["choices"][0]
    assert choice["finish_reason"] == "tool_calls" and choice["message"]["content"] is None
    [call] = choice["message"]["tool_calls"]
    assert (call["id"], call["type"], call["function"]["name"]) == ("call_1", "function", "add")
    assert json.loads(call["function"]["arguments"]) == {"a": 2, "b": 3}
    history = [*ASK, choice["message"], {"role": "tool", "tool_call_id": "call_1", "content": "5"}]
    second = post(app, messages=history, tools=[ADD]).json()
    assert second["choices"][0]["message"]["content"] == "2 + 3 = 5."
    assert model.calls[1][1]["tool_calls"][0]["function"]["name"] == "add"
    assert model.calls[1][2] == {"role": "tool", "tool_call_id": "call_1", "content": "5"}


def test_tools_in_a_stream_come_as_one_tool_call_chunk() -> None:
    response = post(make_app(ScriptedChatModel([CALL])), messages=ASK, tools=[ADD], stream=True)
    first, last, done = events(response.text)
    delta = first["choices"][0]["delta"]
    assert delta["role"] == "assistant" and delta["tool_calls"][0]["index"] == 0
    assert json.loads(delta["tool_calls"][0]["function"]["arguments"]) == {"a": 2, "b": 3}
    assert (last["choices"][0]["finish_reason"], done) == ("tool_calls", "[DONE]")


def test_tool_choice_none_offers_no_tools() -> None:
    model = Recorder()
    assert post(make_app(model), messages=ASK, tools=[ADD], tool_choice="none").status_code == 200
    assert model.seen[0][1] is None


CITY = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
FORMATS = {
    "one stop": ({"stop": "\n"}, {"stop": ["\n"]}),
    "stops": ({"stop": ["a", "b"]}, {"stop": ["a", "b"]}),
    "no stops": ({"stop": []}, {}),
    "text": ({"response_format": {"type": "text"}}, {}),
    "json object": (
        {"response_format": {"type": "json_object"}},
        {"response_format": {"type": "object"}},
    ),
    "json schema": (
        {
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "city", "schema": CITY, "strict": True},
            }
        },
        {"response_format": CITY},
    ),
}


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("sent, options", FORMATS.values(), ids=FORMATS.keys())
def test_stop_and_response_format_reach_the_model(
    sent: dict[str, Any], options: dict[str, Any], stream: bool
) -> None:
    model = Recorder()
    response = post(make_app(model), messages=ASK, stream=stream, **sent)
    assert response.status_code == 200, response.text
    assert model.seen[0][2] == options


def test_another_model_name_is_openais_404() -> None:
    with TestClient(make_app(Recorder())) as client:
        response = client.post("/v1/chat/completions", json={"model": "gpt-4o", "messages": ASK})
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "model_not_found" and "'scripted'" in error["message"]


def asks(**fields: Any) -> dict[str, Any]:
    return {"messages": ASK, **fields}


def says(content: Any) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": content}]}


BAD_CALL = {"id": "c", "type": "function", "function": {"name": "add", "arguments": "{oops"}}
BAD_TOOL = {"type": "function", "function": {"name": "a b"}}
BAD_TURN = {"role": "assistant", "tool_calls": [BAD_CALL]}
JSON_SCHEMA = {"type": "json_schema"}
BAD_INPUTS = {
    "no messages": ({"messages": []}, "at least 1"),
    "too many messages": ({"messages": ASK * 257}, "at most 256"),
    "prompt too long": (says("x" * (MAX_PROMPT_CHARS + 1)), "at most 32,000"),
    "max_tokens 0": (asks(max_tokens=0), "greater than or equal to 1"),
    "max_tokens too big": (asks(max_completion_tokens=4097), "less than or equal to 4096"),
    "temperature": (asks(temperature=2.5), "less than or equal to 2"),
    "too many tools": (asks(tools=[ADD] * 65), "at most 64"),
    "duplicate tools": (asks(tools=[ADD, ADD]), "share a name"),
    "bad tool name": (asks(tools=[BAD_TOOL]), "pattern"),
    "image part": (says([{"type": "image_url", "image_url": {}}]), "'text'"),
    "unknown role": ({"messages": [{"role": "robot", "content": "hi"}]}, "'system'"),
    "tool without id": ({"messages": [{"role": "tool", "content": "5"}]}, "tool_call_id"),
    "user without content": ({"messages": [{"role": "user"}]}, "Field required"),
    "broken arguments": ({"messages": [BAD_TURN]}, "not JSON"),
    "n=2": (asks(n=2), "less than or equal to 1"),
    "forced tool": (asks(tools=[ADD], tool_choice="required"), "'auto'"),
    "five stops": (asks(stop=list("abcde")), "at most 4"),
    "empty stop": (asks(stop=""), "at least 1 character"),
    "yaml format": (asks(response_format={"type": "yaml"}), "'json_schema'"),
    "format without schema": (asks(response_format=JSON_SCHEMA), "Field required"),
}  # fmt: skip


@pytest.mark.parametrize("body, reason", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_is_a_422_that_says_why(body: dict[str, Any], reason: str) -> None:
    model = Recorder()
    response = post(make_app(model), **body)
    assert response.status_code == 422, response.text
    assert reason in json.dumps(response.json()["detail"])
    assert model.seen == []


@pytest.mark.parametrize("stream", [False, True])
def test_no_model_is_a_503(stream: bool) -> None:
    response = post(make_app(None), messages=ASK, stream=stream)
    assert response.status_code == 503 and "not loaded" in response.json()["detail"]
