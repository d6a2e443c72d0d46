"""Taking turns at the one chat model: a bounded waiting room and a time budget per request.

The chat model runs one generation at a time (``Services.chat_lock``). Without limits, a burst of
requests would queue for ever: each waits for all those ahead of it, the client times out and
retries, and the server keeps generating answers nobody reads. So every chat request (OpenAI's
``/v1/chat/completions`` and ``/v1/rag/ask``) goes through ``take_turn``:

1. **a bounded waiting room.** At most ``Services.max_chat_waiters`` requests wait at once; one
   more is turned away at once with 503 and ``Retry-After``, which clients such as the OpenAI SDK
   honour: they retry later instead of piling up.
2. **a bounded wait.** A request waits at most ``Services.chat_timeout_s`` for its turn (503 too).
3. **nobody left to answer.** Once it is our turn, a client that has hung up while waiting is
   not answered: generating for it would only make the requests behind it wait longer.
4. **a bounded generation.** ``with_time_budget`` passes the same ``chat_timeout_s`` to the model
   as ``time_budget_s``: llama.cpp then stops generating when it is spent (finish ``length``).

So a request takes at most about twice ``chat_timeout_s``: once waiting, once generating.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import HTTPException, Request

from m4_genai.llm import ChatModel, ChatResult, Message, ToolSpec
from m5_agents_mlops.serve.services import Services

RETRY_AFTER_S = 5
"""What a turned-away client is told to wait: a few answers' worth of time on a CPU."""
CLIENT_CLOSED = 499
"""nginx's status for "the client closed the connection before the answer" (not in the RFCs)."""


class TurnRefused(HTTPException):
    """The request did not get the chat model. ``code`` is the OpenAI-style error code; as a
    plain ``HTTPException`` it renders as ``{"detail": ...}`` with its headers (``/v1/rag/ask``)."""

    def __init__(self, status: int, reason: str, code: str, retry: bool = True) -> None:
        headers = {"Retry-After": str(RETRY_AFTER_S)} if retry else None
        super().__init__(status_code=status, detail=reason, headers=headers)
        self.code = code


async def take_turn(services: Services, request: Request) -> None:
    """Wait for ``services.chat_lock`` by the rules of the module docstring. On return the caller
    holds the lock and must release it; otherwise ``TurnRefused`` says why not."""
    if services.chat_waiters >= services.max_chat_waiters:
        raise TurnRefused(
            503,
            f"the chat model is busy: {services.chat_waiters} requests are "
            "already waiting; retry later",
            "server_busy",
        )
    lock = services.chat_lock
    services.chat_waiters += 1
    try:
        async with asyncio.timeout(services.chat_timeout_s):  # None: no limit
            await lock.acquire()
    except TimeoutError:
        waited = f"waited {services.chat_timeout_s:g} s"
        reason = f"the chat model is busy ({waited}); retry later"
        raise TurnRefused(503, reason, "server_busy") from None
    finally:
        services.chat_waiters -= 1
    try:
        if await request.is_disconnected():
            reason = "the client closed the connection while waiting; nothing was generated"
            raise TurnRefused(CLIENT_CLOSED, reason, "client_closed", retry=False)
    except BaseException:
        # Also a cancellation that raced the acquisition: the lock must never be left held.
        lock.release()
        raise


@asynccontextmanager
async def chat_turn(services: Services, request: Request) -> AsyncIterator[None]:
    """``take_turn`` for a generation that ends inside the ``async with`` block."""
    await take_turn(services, request)
    try:
        yield
    finally:
        services.chat_lock.release()


class _Budgeted:
    """``model`` with ``time_budget_s`` added to every call that does not set it."""

    def __init__(self, model: ChatModel, seconds: float) -> None:
        self.model, self.seconds, self.name = model, seconds, model.name

    def chat(
        self, messages: list[Message], tools: Sequence[ToolSpec] | None = None, **opts: Any
    ) -> ChatResult:
        return self.model.chat(messages, tools, **{"time_budget_s": self.seconds, **opts})

    def stream(self, messages: list[Message], **opts: Any) -> Iterator[str]:
        return self.model.stream(messages, **{"time_budget_s": self.seconds, **opts})


def with_time_budget(model: ChatModel, seconds: float | None) -> ChatModel:
    """``model`` whose generations stop after ``seconds`` (for callers such as month 4's RAG
    chain that pass their own options); ``model`` itself when there is no budget."""
    return model if seconds is None else _Budgeted(model, seconds)
