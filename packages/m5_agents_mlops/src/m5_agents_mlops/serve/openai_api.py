"""OpenAI's chat API in front of month 4's ``ChatModel``: ``/v1/models``, ``/v1/chat/completions``.

Any OpenAI client works against it unchanged, only ``base_url`` differs::

    client = openai.OpenAI(base_url="http://127.0.0.1:8000/v1", api_key="unused")
    client.chat.completions.create(model="local", messages=[{"role": "user", "content": "Hi"}])

What a server adds around a model that a script does not need:

- **one generation at a time, in bounded turns.** A llama.cpp context is not thread-safe, so
  every generation holds ``services.chat_lock`` from its first token to its last, taken through
  ``chat_turns.py``: a bounded waiting room (503 and ``Retry-After`` beyond it), a bounded wait,
  and a time budget for the generation (``--chat-timeout-s``). The model runs in a worker thread
  (``run_in_threadpool``) so the event loop keeps answering health checks meanwhile.
- **streaming** as server-sent events (``openai_stream.py``).
- **no silent drops**: ``stop`` and ``response_format`` reach the model; a parameter it cannot
  honour is a 400 ``unsupported_parameter`` (``openai_options.py`` says which).
- **errors a client can act on**, in OpenAI's shape ``{"error": {"message", "type", "code"}}``:
  a model name we do not serve is 404 ``model_not_found`` (as OpenAI answers; we do not silently
  answer with another model); a prompt too long for the model is 400 ``context_length_exceeded``;
  a model that failed is 502 (``openai_errors.py``). A model that is not loaded is ``loaded_model``'s
  503. Never a 500.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from m4_genai.llm import ChatModel, ChatResult
from m5_agents_mlops.serve.chat_turns import TurnRefused, chat_turn
from m5_agents_mlops.serve.openai_errors import (
    NO_RETRY,
    error_body,
    model_error_response,
    refused_response,
    unsupported_response,
)
from m5_agents_mlops.serve.openai_schemas import (
    ChatCompletion,
    ChatCompletionRequest,
    ErrorResponse,
    ModelList,
)
from m5_agents_mlops.serve.openai_stream import SSE_EVENT, event_stream, replay, stream_text
from m5_agents_mlops.serve.services import Services, loaded_model
from m5_agents_mlops.serve.telemetry import Metrics
from roadmap_data.errors import RoadmapError

router = APIRouter(tags=["openai"])
STARTED = int(time.time())
"""``created`` of the served model: when this server process started."""


@router.get("/v1/models", response_model=ModelList)
def list_models(request: Request) -> dict[str, Any]:
    """The served chat model (none while it is not loaded), in OpenAI's list shape."""
    services: Services = request.app.state.services
    data = []
    if services.chat is not None:
        card = {"id": services.chat_name, "object": "model", "created": STARTED}
        data.append({**card, "owned_by": "ai-roadmap"})
    return {"object": "list", "data": data}


@router.post(
    "/v1/chat/completions",
    response_model=None,
    responses={
        200: {
            "model": ChatCompletion,
            "description": "The answer; with `stream: true` a "
            "`text/event-stream` of `chat.completion.chunk` events ending in `data: [DONE]`.",
            "content": {"text/event-stream": {"schema": SSE_EVENT}},
        },
        400: {
            "description": "A parameter this server cannot honour, or a prompt the model "
            "cannot take (OpenAI error shape), or a body that is not JSON."
        },
        404: {"model": ErrorResponse, "description": "No such model on this server."},
        499: {"description": "The client hung up while waiting for its turn (nobody reads it)."},
        502: {"model": ErrorResponse, "description": "The chat model failed."},
        503: {"description": "The chat model is not loaded, or busy (then with `Retry-After`)."},
    },
)
async def chat_completions(body: ChatCompletionRequest, request: Request) -> Response:
    """Answer a conversation, whole or streamed, with tool calls when ``tools`` are given."""
    start = time.perf_counter()
    services: Services = request.app.state.services
    model: ChatModel = loaded_model(services, "chat")
    if body.model != services.chat_name:
        served = f"this server serves {services.chat_name!r} (see GET /v1/models)"
        message = f"the model {body.model!r} does not exist; {served}"
        body_404 = error_body(message, "invalid_request_error", "model_not_found", "model")
        return JSONResponse(body_404, 404, headers=NO_RETRY)
    if refused := body.unsupported():
        return unsupported_response(*refused)
    options = body.options()
    if services.chat_timeout_s is not None:
        options["time_budget_s"] = services.chat_timeout_s
    reply = Reply(services.chat_name, request.app.state.metrics, start, body)
    try:
        return await _answer(reply, model, options, services, request)
    except TurnRefused as refusal:
        return refused_response(refusal)


async def _answer(
    reply: Reply, model: ChatModel, options: dict[str, Any], services: Services, request: Request
) -> Response:
    """Generate, once it is this request's turn (``TurnRefused`` if it does not get one)."""
    messages = [message.to_m4() for message in reply.body.messages]
    tools = reply.body.m4_tools()
    if reply.body.stream and not tools:
        return await stream_text(reply, model, messages, options, services, request)
    try:
        async with chat_turn(services, request):
            # to_thread waits for the thread even when cancelled: the turn outlives the generation.
            generation_start = time.perf_counter()
            result = await run_in_threadpool(model.chat, messages, tools, **options)
    except RoadmapError as error:
        return model_error_response(error)
    seconds = time.perf_counter() - generation_start
    reply.record(seconds, result.prompt_tokens, result.completion_tokens)
    if not reply.body.stream:
        return JSONResponse(reply.completion(result))
    # Tools and a stream: the tool protocol needs the whole reply before it can be read, so
    # the finished answer goes out as one chunk, which is the framing OpenAI's clients expect.
    reply.metrics.time_to_first_token.labels(model=reply.model).observe(reply.elapsed())
    events = [reply.chunk({"role": "assistant", **_delta(result, streamed=True)})]
    events += reply.ending(_finish(result), result.prompt_tokens, result.completion_tokens)
    return event_stream(replay(events))


class Reply:
    """The parts of one answer: ids, the JSON bodies, and the metrics they record."""

    def __init__(self, model: str, metrics: Metrics, start: float, body: ChatCompletionRequest):
        self.id, self.created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        self.model, self.metrics, self.start, self.body = model, metrics, start, body

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def record(self, seconds: float, prompt_tokens: int, completion_tokens: int) -> None:
        self.metrics.observe_model(self.model, seconds)
        self.metrics.tokens.labels(model=self.model).inc(completion_tokens)
        self.metrics.prompt_tokens.labels(model=self.model).inc(prompt_tokens)

    def _head(self, kind: str) -> dict[str, Any]:
        return {"id": self.id, "object": kind, "created": self.created, "model": self.model}

    def completion(self, result: ChatResult) -> dict[str, Any]:
        message = {"role": "assistant", **_delta(result)}
        message.setdefault("content", None)  # OpenAI sends null content beside tool calls
        choice = {
            "index": 0,
            "message": message,
            "finish_reason": _finish(result),
            "logprobs": None,
        }
        usage = _usage(result.prompt_tokens, result.completion_tokens)
        return {**self._head("chat.completion"), "choices": [choice], "usage": usage}

    def chunk(self, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return {**self._head("chat.completion.chunk"), "choices": [choice]}

    def ending(self, finish: str, prompt_tokens: int, completion_tokens: int) -> list[Any]:
        """The closing events: the finish reason, the usage if asked for, then ``[DONE]``."""
        events: list[Any] = [self.chunk({}, finish)]
        if self.body.stream_options and self.body.stream_options.include_usage:
            usage = _usage(prompt_tokens, completion_tokens)
            events.append({**self._head("chat.completion.chunk"), "choices": [], "usage": usage})
        return [*events, "[DONE]"]


def _finish(result: ChatResult) -> str:
    if result.tool_calls:
        return "tool_calls"
    return result.finish_reason if result.finish_reason in ("stop", "length") else "stop"


def _delta(result: ChatResult, streamed: bool = False) -> dict[str, Any]:
    """The message fields of ``result``: its text, or its tool calls with JSON-string arguments
    (in a stream each call also carries its ``index``, which ties its fragments together)."""
    if not result.tool_calls:
        return {"content": result.text}
    calls = []
    for index, call in enumerate(result.tool_calls):
        arguments = json.dumps(call.arguments)
        spec = {
            "id": call.id or f"call_{uuid.uuid4().hex[:24]}",
            "type": "function",
            "function": {"name": call.name, "arguments": arguments},
        }
        calls.append({"index": index, **spec} if streamed else spec)
    return {"content": result.text or None, "tool_calls": calls}


def _usage(prompt_tokens: int, completion_tokens: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }
