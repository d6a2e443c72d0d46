"""The OpenAI-compatible chat API at its edges: parameters it ignores or refuses, a failing model,
a busy model, a client that leaves.

Route level, on a tiny app around ``Recorder``, a fake that records every call's options and can
fail on cue. The turn-taking tests run the app in an event loop of their own (httpx's
``ASGITransport``, or the ASGI interface itself) so they can hold the model while requests queue.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from m4_genai.errors import ContextLengthError, LLMError
from m4_genai.llm import ChatResult
from m4_genai.llm.base import merge_options
from m4_genai.llm.context import TextCodec, fit_to_budget
from m4_genai.rag import RagConfig
from m4_genai.testing.chat import QUESTION
from m5_agents_mlops.serve.app import create_app
from m5_agents_mlops.serve.chat_turns import with_time_budget
from m5_agents_mlops.serve.loading import RagService
from m5_agents_mlops.serve.services import Services

ASK = QUESTION
ADD = {"type": "function", "function": {"name": "add", "parameters": {"type": "object"}}}
CHAT = "/v1/chat/completions"
JSON = [(b"content-type", b"application/json")]
SCOPE = {"type": "http", "method": "POST", "path": CHAT, "query_string": b"", "headers": JSON}
"""An ASGI request to the chat route, for tests that play the client's side of the connection."""


class Recorder:
    """A ChatModel that records every call and answers ``text`` (streamed word by word), or
    raises ``error`` (in a stream: after ``fail_after`` pieces)."""

    name = "recorder"

    def __init__(
        self, text: str = "one two three", error: Exception | None = None, fail_after: int = 0
    ) -> None:
        self.text, self.error, self.fail_after = text, error, fail_after
        self.seen: list[dict[str, Any]] = []

    def chat(
        self, messages: list[dict[str, Any]], tools: Sequence[Any] | None = None, **opts: Any
    ) -> ChatResult:
        self.seen.append(opts)
        if self.error is not None:
            raise self.error
        return ChatResult(self.text, prompt_tokens=7, completion_tokens=len(self.text.split()))

    def stream(self, messages: list[dict[str, Any]], **opts: Any) -> Iterator[str]:
        self.seen.append(opts)
        for index, word in enumerate(self.text.split(" ")):
            if self.error is not None and index == self.fail_after:
                raise self.error
            yield word if index == 0 else " " + word


def make_app(model: Any, **services: Any) -> FastAPI:
    """The real app around ``model`` (no lifespan needed: nothing to load)."""
    return create_app(services=Services(chat=model, chat_name="scripted", **services))


def post(app: FastAPI, **body: Any) -> httpx.Response:
    with TestClient(app) as client:
        return client.post(CHAT, json={"model": "scripted", **body})


# ---------- parameters we ignore or refuse -----------------------------------------------------


HARMLESS = {
    "user": "u1",
    "metadata": {"k": "v"},
    "store": False,
    "parallel_tool_calls": True,
    "service_tier": "auto",
    "top_p": 1,
    "presence_penalty": 0.0,
    "logprobs": False,
    "logit_bias": {},
    "modalities": ["text"],
    "top_logprobs": None,
}


def test_harmless_parameters_are_ignored() -> None:
    model = Recorder()
    response = post(make_app(model), messages=ASK, max_tokens=5, **HARMLESS)
    assert response.status_code == 200 and model.seen == [{"max_tokens": 5}]


UNSUPPORTED = {
    "top_p": ({"top_p": 0.9}, "only 1 is accepted"),
    "logprobs": ({"logprobs": True}, "only false is accepted"),
    "logprobs 0": ({"logprobs": 0}, "only false is accepted"),
    "penalty": ({"frequency_penalty": 0.5}, "only 0 is accepted"),
    "functions": ({"functions": [ADD["function"]]}, "cannot honour 'functions'"),
    "audio": ({"audio": {"voice": "alloy", "format": "wav"}}, "cannot honour 'audio'"),
    "unknown": ({"top_k": 40}, "Unrecognized request argument supplied: top_k"),
}


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("sent, reason", UNSUPPORTED.values(), ids=UNSUPPORTED.keys())
def test_parameters_we_cannot_honour_are_refused(
    sent: dict[str, Any], reason: str, stream: bool
) -> None:
    model = Recorder()
    response = post(make_app(model), messages=ASK, stream=stream, **sent)
    assert response.status_code == 400 and response.headers["x-should-retry"] == "false"
    error = response.json()["error"]
    assert (error["code"], error["param"]) == ("unsupported_parameter", next(iter(sent)))
    assert reason in error["message"] and model.seen == []


# ---------- a failing model ---------------------------------------------------------------------


def _raised(call: Callable[[], Any]) -> LLMError:
    """The error month 4's own code raises, so the mapping is checked against the real thing."""
    try:
        call()
    except LLMError as error:
        return error
    raise AssertionError("expected an LLMError")


NO_WORDS = TextCodec(encode=lambda text: [], decode=lambda ids: "")
NO_ROOM = _raised(lambda: fit_to_budget(ASK, 0, len, NO_WORDS))
NO_STOP = _raised(lambda: merge_options({"max_tokens": 8}, {"stop": ["."]}, {"max_tokens"}, "hf"))
OVERFLOW = ContextLengthError("llama.cpp refused the request: exceeds the available context size")
GRAMMAR = LLMError("llama.cpp refused the request: failed to parse grammar")
MODEL_ERRORS = {
    "no room": (NO_ROOM, 400, "context_length_exceeded"),
    "llama.cpp overflow": (OVERFLOW, 400, "context_length_exceeded"),
    "unknown option": (NO_STOP, 400, "unsupported_parameter"),
    "refused": (GRAMMAR, 400, "invalid_request"),
    "failed": (LLMError("cannot reach the server"), 502, "model_error"),
    "'context' is no proof": (LLMError("upstream: context deadline exceeded"), 502, "model_error"),
}  # fmt: skip


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("error, status, code", MODEL_ERRORS.values(), ids=MODEL_ERRORS.keys())
def test_model_errors_map_to_a_status_with_a_reason(
    error: LLMError, status: int, code: str, stream: bool
) -> None:
    response = post(make_app(Recorder(error=error)), messages=ASK, stream=stream)
    assert response.status_code == status and response.headers["x-should-retry"] == "false"
    assert response.json()["error"]["code"] == code
    assert str(error) in response.json()["error"]["message"]


def test_a_failure_mid_stream_ends_with_an_error_event_and_no_done() -> None:
    app = make_app(Recorder("one two three", error=LLMError("disk on fire"), fail_after=2))
    response = post(app, messages=ASK, stream=True)
    assert response.status_code == 200
    *chunks, last = [json.loads(block[6:]) for block in response.text.strip().split("\n\n")]
    assert "".join(c["choices"][0]["delta"]["content"] for c in chunks) == "one two"
    assert "disk on fire" in last["error"]["message"]
    tokens = app.state.metrics.registry.get_sample_value(
        "serve_llm_tokens_generated_total", {"model": "scripted"}
    )
    assert tokens == 2


# ---------- a busy model, a client that leaves ------------------------------------------------


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(5):
        while not condition():
            await asyncio.sleep(0.001)


def asgi_client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.mark.parametrize("stream", [False, True])
def test_a_full_waiting_room_turns_requests_away_with_retry_after(stream: bool) -> None:
    model = Recorder()
    app = make_app(model, max_chat_waiters=2)
    services: Services = app.state.services
    body = {"model": "scripted", "messages": ASK, "stream": stream}

    async def scenario() -> tuple[httpx.Response, list[httpx.Response]]:
        async with asgi_client(app) as client:
            await services.chat_lock.acquire()  # a generation is running
            waiting = [asyncio.create_task(client.post(CHAT, json=body)) for _ in range(2)]
            await until(lambda: services.chat_waiters == 2)
            turned_away = await client.post(CHAT, json=body)
            services.chat_lock.release()
            return turned_away, await asyncio.gather(*waiting)

    turned_away, served = asyncio.run(scenario())
    assert turned_away.status_code == 503 and turned_away.headers["retry-after"] == "5"
    error = turned_away.json()["error"]
    assert error["code"] == "server_busy" and "2 requests are already waiting" in error["message"]
    assert [response.status_code for response in served] == [200, 200] and len(model.seen) == 2
    assert services.chat_waiters == 0 and not services.chat_lock.locked()


def test_chat_timeout_s_bounds_the_wait_and_is_the_generations_budget() -> None:
    model = Recorder()
    app = make_app(model, chat_timeout_s=0.2)
    services: Services = app.state.services
    body = {"model": "scripted", "messages": ASK}

    async def scenario() -> tuple[httpx.Response, float, httpx.Response]:
        async with asgi_client(app) as client:
            async with services.chat_lock:  # a generation longer than the timeout
                start = time.perf_counter()
                late = await client.post(CHAT, json=body)
                waited = time.perf_counter() - start
            return late, waited, await client.post(CHAT, json=body)

    late, waited, on_time = asyncio.run(scenario())
    assert late.status_code == 503 and "waited 0.2 s" in late.json()["error"]["message"]
    assert 0.2 <= waited < 2 and late.headers["retry-after"] == "5"
    assert on_time.status_code == 200 and [opts["time_budget_s"] for opts in model.seen] == [0.2]


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("left", [True, False])
def test_nothing_is_generated_for_a_client_that_left_while_waiting(
    left: bool, stream: bool
) -> None:
    model = Recorder()
    app = make_app(model)
    services: Services = app.state.services
    payload = json.dumps({"model": "scripted", "messages": ASK, "stream": stream}).encode()
    sent: list[dict[str, Any]] = []

    async def scenario() -> None:
        inbox = [{"type": "http.request", "body": payload, "more_body": False}]
        still_there = asyncio.Event()

        async def receive() -> dict[str, Any]:
            if inbox:
                return inbox.pop(0)
            if not left:
                await still_there.wait()  # a connected client sends nothing more
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await services.chat_lock.acquire()
        task = asyncio.create_task(app(SCOPE, receive, send))
        await until(lambda: services.chat_waiters == 1)
        services.chat_lock.release()
        await asyncio.wait_for(task, 5)

    asyncio.run(scenario())
    assert sent[0]["status"] == (499 if left else 200)
    assert len(model.seen) == (0 if left else 1) and not services.chat_lock.locked()


def test_rag_ask_takes_the_same_turns() -> None:
    model = Recorder()
    rag = RagService(searcher=None, config=RagConfig(), source="none")  # type: ignore[arg-type]
    services = Services(chat=model, rag=rag, max_chat_waiters=0)
    with TestClient(create_app(services=services)) as client:
        response = client.post("/v1/rag/ask", json={"question": "When does a loop end?"})
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert "busy" in response.json()["detail"] and model.seen == []


def test_with_time_budget_adds_a_budget_the_caller_can_override() -> None:
    model = Recorder()
    assert with_time_budget(model, None) is model
    budgeted = with_time_budget(model, 3.0)
    budgeted.chat(ASK, max_tokens=5)
    list(budgeted.stream(ASK, time_budget_s=1.0))
    assert model.seen == [{"time_budget_s": 3.0, "max_tokens": 5}, {"time_budget_s": 1.0}]
