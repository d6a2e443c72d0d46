"""The OpenAI-compatible chat API through real clients, against uvicorn on 127.0.0.1.

The official ``openai`` client, LangChain's ``ChatOpenAI`` and month 4's own ``openai`` backend:
if those three work (plain, streamed, tools, structured output, errors), any OpenAI client does.
Then turn-taking as a real connection sees it: a client that hangs up, generations that queue.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import httpx
import pydantic
import pytest
from fastapi import FastAPI

from m4_genai.errors import LLMError
from m4_genai.llm import ChatResult, ScriptedChatModel, load_chat_model
from m4_genai.testing.chat import ADD_CALL, ADD_TOOL, QUESTION
from m5_agents_mlops.serve.openai_api import router
from m5_agents_mlops.serve.server import serve_in_thread
from m5_agents_mlops.serve.services import Services
from m5_agents_mlops.serve.telemetry import Metrics

ASK, ADD, CALL = QUESTION, ADD_TOOL, ADD_CALL  # shared with m4's suites
PARIS = '{"city": "Paris"}'


class City(pydantic.BaseModel):
    city: str


class Paced:
    """A ChatModel that answers ``text`` word by word, ``delay`` seconds a word (or raises
    ``error``), recording each call's options and how many calls ever ran at once."""

    name = "paced"

    def __init__(
        self, text: str = "one two three four", delay: float = 0.0, error: Exception | None = None
    ) -> None:
        self.text, self.delay, self.error = text, delay, error
        self.seen: list[dict[str, Any]] = []
        self.active = self.most_active = 0

    def chat(
        self, messages: list[dict[str, Any]], tools: Sequence[Any] | None = None, **opts: Any
    ) -> ChatResult:
        text = "".join(self.stream(messages, **opts))
        return ChatResult(text, prompt_tokens=7, completion_tokens=len(text.split()))

    def stream(self, messages: list[dict[str, Any]], **opts: Any) -> Iterator[str]:
        self.seen.append(opts)
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        try:
            if self.error is not None:
                raise self.error
            for index, word in enumerate(self.text.split(" ")):
                time.sleep(self.delay)
                yield word if index == 0 else " " + word
        finally:
            self.active -= 1


def make_app(model: Any, name: str = "scripted") -> FastAPI:
    app = FastAPI()
    app.state.services = Services(chat=model, chat_name=name)
    app.state.metrics = Metrics()
    app.include_router(router)
    return app


def sample(app: FastAPI, metric: str, model: str) -> float:
    return app.state.metrics.registry.get_sample_value(metric, {"model": model}) or 0.0


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """``app`` under uvicorn on a free loopback port, in a thread; yields its ``/v1`` URL."""
    with serve_in_thread(app) as base:
        yield f"{base}/v1"


def test_the_official_openai_client() -> None:
    import openai

    app = make_app(ScriptedChatModel(["Paris.", "Paris is the capital.", CALL]))
    with served(app) as url:
        client = openai.OpenAI(base_url=url, api_key="x", max_retries=0)
        plain = client.chat.completions.create(model="scripted", messages=ASK, max_tokens=50)
        chunks = list(
            client.chat.completions.create(
                model="scripted", messages=ASK, stream=True, stream_options={"include_usage": True}
            )
        )
        tooled = client.chat.completions.create(model="scripted", messages=ASK, tools=[ADD])
        with pytest.raises(openai.NotFoundError, match="does not exist"):
            client.chat.completions.create(model="gpt-4o", messages=ASK)
    assert plain.choices[0].message.content == "Paris." and plain.usage.total_tokens > 0
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Paris is the capital." and chunks[-1].usage.completion_tokens == 4
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    [call] = tooled.choices[0].message.tool_calls
    assert tooled.choices[0].finish_reason == "tool_calls"
    assert (call.function.name, json.loads(call.function.arguments)) == ("add", {"a": 2, "b": 3})


def test_stop_and_response_format_arrive_from_the_official_client() -> None:
    import openai

    model = Paced(PARIS)
    schema = City.model_json_schema()
    with served(make_app(model)) as url:
        client = openai.OpenAI(base_url=url, api_key="x", max_retries=0)
        parsed = client.chat.completions.parse(
            model="scripted", messages=ASK, response_format=City, stop=["\n"]
        )
        client.chat.completions.create(
            model="scripted", messages=ASK, stop="}", response_format={"type": "json_object"}
        )
    assert parsed.choices[0].message.parsed == City(city="Paris")
    sent_schema = model.seen[0]["response_format"]  # the SDK makes it strict: no extra keys
    assert sent_schema["properties"] == schema["properties"] and model.seen[0]["stop"] == ["\n"]
    assert model.seen[1] == {"stop": ["}"], "response_format": {"type": "object"}}


def test_a_deterministic_failure_is_not_retried_by_the_official_client() -> None:
    import openai

    model = Paced(error=LLMError("disk on fire"))
    with served(make_app(model)) as url:
        client = openai.OpenAI(base_url=url, api_key="x", max_retries=2)
        with pytest.raises(openai.InternalServerError, match="disk on fire") as failed:
            client.chat.completions.create(model="scripted", messages=ASK)
        with pytest.raises(openai.BadRequestError, match="top_k"):
            client.chat.completions.create(model="scripted", messages=ASK, extra_body={"top_k": 4})
    # x-should-retry: false, so one call; without it the client would have tried three times.
    assert failed.value.status_code == 502 and len(model.seen) == 1


def test_langchain_chat_openai() -> None:
    from langchain_openai import ChatOpenAI

    app = make_app(ScriptedChatModel(["Paris.", "Paris is the capital.", CALL, PARIS]))
    with served(app) as url:
        llm = ChatOpenAI(base_url=url, api_key="x", model="scripted", max_retries=0)
        answer = llm.invoke("What is the capital of France?")
        pieces = [chunk.content for chunk in llm.stream("What is the capital of France?")]
        tooled = llm.bind_tools([ADD]).invoke("What is 2 + 3?")
        structured = llm.with_structured_output(City, method="json_schema").invoke("Capital?")
    assert answer.content == "Paris." and structured == City(city="Paris")
    assert "".join(pieces) == "Paris is the capital." and len([p for p in pieces if p]) == 4
    assert [(c["name"], c["args"], c["id"]) for c in tooled.tool_calls] == [
        ("add", {"a": 2, "b": 3}, "call_1")
    ]


def test_month_4s_openai_backend() -> None:
    model = ScriptedChatModel(["Paris.", "Paris is the capital.", CALL, PARIS])
    with served(make_app(model)) as url:
        remote = load_chat_model("openai", base_url=url, model="scripted", api_key="x")
        result = remote.chat(ASK, max_tokens=20)
        streamed = list(remote.stream(ASK))
        tooled = remote.chat(ASK, tools=[ADD])
        structured = remote.chat(ASK, response_format=City)
    assert structured.parsed == City(city="Paris") and structured.text == PARIS
    assert (result.text, result.finish_reason, result.completion_tokens) == ("Paris.", "stop", 1)
    assert "".join(streamed) == "Paris is the capital." and len(streamed) == 4
    assert tooled.finish_reason == "tool_calls" and tooled.tool_calls == [CALL]


def test_generations_take_turns_and_an_abandoned_stream_frees_the_model() -> None:
    model = Paced("one two three four", delay=0.05)
    with served(make_app(model)) as url, httpx.Client(base_url=url, timeout=10) as client:
        body = {"model": "scripted", "messages": ASK, "stream": True}
        with client.stream("POST", "/chat/completions", json=body) as response:
            next(response.iter_lines())  # read one event, then hang up mid-generation

        statuses: list[int] = []

        def ask() -> None:
            reply = client.post("/chat/completions", json={"model": "scripted", "messages": ASK})
            statuses.append(reply.status_code)

        threads = [threading.Thread(target=ask) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
    # Four generations, never two at once: the hung-up stream kept the model until it finished.
    assert statuses == [200, 200, 200]
    assert len(model.seen) == 4 and model.most_active == 1 and model.active == 0


def test_a_client_that_hangs_up_while_waiting_is_not_answered() -> None:
    model = Paced("one two three four", delay=0.1)
    body = {"model": "scripted", "messages": ASK}
    with served(make_app(model)) as url, httpx.Client(base_url=url, timeout=10) as client:
        with client.stream("POST", "/chat/completions", json={**body, "stream": True}) as first:
            next(first.iter_lines())  # the model is busy for about 0.3 s more
        with pytest.raises(httpx.ReadTimeout):  # gives up while waiting, and hangs up
            client.post("/chat/completions", json=body, timeout=0.05)
        third = client.post("/chat/completions", json=body)
    # The second request reached the model's turn after its client had left: skipped.
    assert third.status_code == 200 and len(model.seen) == 2


@pytest.mark.slow
def test_the_real_local_model_streams_through_the_openai_client() -> None:
    import openai

    local = load_chat_model("local", model="smollm2-135m", threads=1, max_tokens=24)
    app = make_app(local, name="smollm2-135m")
    question = [{"role": "user", "content": "Name a colour."}]
    with served(app) as url:
        client = openai.OpenAI(base_url=url, api_key="x", max_retries=0)
        chunks = list(
            client.chat.completions.create(
                model="smollm2-135m",
                messages=question,
                max_tokens=16,
                seed=0,
                temperature=0,
                stream=True,
                stream_options={"include_usage": True},
            )
        )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    finish = [c.choices[0].finish_reason for c in chunks if c.choices][-1]
    usage = chunks[-1].usage
    assert text.strip() and finish in ("stop", "length")
    assert 0 < usage.completion_tokens <= 16 and usage.prompt_tokens > 0
    for series in (
        "serve_llm_time_to_first_token_seconds_count",
        "serve_model_inference_seconds_count",
    ):
        assert sample(app, series, "smollm2-135m") == 1
    assert (
        sample(app, "serve_llm_tokens_generated_total", "smollm2-135m") == usage.completion_tokens
    )
