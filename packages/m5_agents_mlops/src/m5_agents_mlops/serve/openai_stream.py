"""Streaming a chat answer (``stream: true``) as server-sent events, written by hand.

Each event is ``data: <json>`` and a blank line; the stream ends with ``data: [DONE]``. The model
streams in a worker thread that holds the chat model (``chat_turns.take_turn``) until its last
token; pieces cross to the event loop through a queue. That generation belongs to the server,
not to the connection: if the client hangs up, it still runs to its end (llama.cpp cannot be
stopped half-way, and the model must not be handed to the next request while it runs);
``max_tokens`` and the time budget (``--chat-timeout-s``) bound that cost.

Streams report usage as the stream interface allows: completion tokens are the pieces streamed
(one token each for llama.cpp), prompt tokens are estimated at 4 characters a token, and
``finish_reason`` is ``length`` when as many pieces as ``max_tokens`` came (a generation cut by
the time budget cannot be told apart here, and reports ``stop``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from m4_genai.llm import ChatModel
from m5_agents_mlops.serve.chat_turns import take_turn
from m5_agents_mlops.serve.openai_errors import model_error, model_error_response
from m5_agents_mlops.serve.services import Services
from roadmap_data.errors import RoadmapError

if TYPE_CHECKING:
    from m5_agents_mlops.serve.openai_api import Reply

CHARS_PER_TOKEN = 4
SSE_DATA = {
    "type": "string",
    "description": "A chat.completion.chunk as JSON; `[DONE]` ends the stream.",
}
SSE_EVENT = {"type": "object", "required": ["data"], "properties": {"data": SSE_DATA}}
"""The OpenAPI schema of one server-sent event (before OpenAPI 3.2, ``schema`` is per event)."""
_running: set[asyncio.Task[None]] = set()  # strong references: asyncio keeps only weak ones


def sse(event: Any) -> str:
    """One server-sent event: a ``data:`` line and a blank line. JSON has no raw newlines, so
    one line always holds the whole payload."""
    return f"data: {event if isinstance(event, str) else json.dumps(event)}\n\n"


def event_stream(events: AsyncIterator[str]) -> StreamingResponse:
    # no-cache: proxies must not store a stream; X-Accel-Buffering: nginx must not buffer it.
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(events, media_type="text/event-stream", headers=headers)


async def replay(events: list[Any]) -> AsyncIterator[str]:
    for event in events:
        yield sse(event)


async def stream_text(
    reply: Reply,
    model: ChatModel,
    messages: list[dict[str, Any]],
    options: dict[str, Any],
    services: Services,
    request: Request,
) -> Response:
    """Stream a text answer. The first piece is awaited before answering, so a model that fails
    at once still gets a proper status code instead of an error inside a 200 stream.
    Raises ``TurnRefused`` when the model is busy, as ``take_turn`` does."""
    queue, generation_start = await _generate(model, messages, options, services, request)
    kind, value = await queue.get()
    if kind == "error":
        if isinstance(value, RoadmapError):
            return model_error_response(value)
        raise value  # a bug, not a model's refusal: let it be the 500 it is
    reply.metrics.time_to_first_token.labels(model=reply.model).observe(reply.elapsed())
    prompt_tokens = -(-sum(len(m["content"]) for m in messages) // CHARS_PER_TOKEN)

    async def events() -> AsyncIterator[str]:
        yield sse(reply.chunk({"role": "assistant", "content": ""}))
        pieces, item = 0, (kind, value)
        while item[0] == "piece":
            pieces += 1
            yield sse(reply.chunk({"content": item[1]}))
            item = await queue.get()
        reply.record(time.perf_counter() - generation_start, prompt_tokens, pieces)
        if item[0] == "error":  # the 200 is sent: OpenAI's clients raise on an error event
            yield sse(model_error(item[1])[1])
            return
        limit = reply.body.token_limit
        finish = "length" if limit is not None and pieces >= limit else "stop"
        for event in reply.ending(finish, prompt_tokens, pieces):
            yield sse(event)

    return event_stream(events())


async def _generate(
    model: ChatModel,
    messages: list[dict[str, Any]],
    options: dict[str, Any],
    services: Services,
    request: Request,
) -> tuple[asyncio.Queue[tuple[str, Any]], float]:
    """Take a turn at the model, then start ``model.stream`` in a worker thread that keeps the
    turn until the generation ends; returns a queue and when the generation started.

    Pieces arrive on the queue as ``("piece", text)``, then one ``("end", None)`` or
    ``("error", exception)``.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

    def put(kind: str, value: Any) -> None:
        # RuntimeError: the event loop is gone (shutting down), so nobody is listening.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(queue.put_nowait, (kind, value))

    def produce() -> None:
        try:
            for piece in model.stream(messages, **options):
                if piece:
                    put("piece", piece)
            put("end", None)
        except Exception as error:  # every failure must end the queue, or the reader waits forever
            put("error", error)

    async def run() -> None:
        try:
            await run_in_threadpool(produce)
        finally:
            services.chat_lock.release()

    await take_turn(services, request)
    # No await between the turn and the task: the task owns the lock from here on.
    task = asyncio.ensure_future(run())
    _running.add(task)
    task.add_done_callback(_running.discard)
    return queue, time.perf_counter()
