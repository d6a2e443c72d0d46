"""The models a running server holds, loaded once at start-up, and the 503 a route gives without one.

``Services`` is plain data: the lifespan (``app.py``) fills it from the settings, tests build one
by hand with tiny or scripted models. A model that is absent is ``None`` plus a line in
``missing`` saying how to get it, so the route answers 503 with that line instead of a 500.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException

from m4_genai.llm import ChatModel


@dataclass
class Services:
    """Everything the routes serve. Every field may be None: that route then answers 503."""

    mnist: Any = None
    """An ``MnistPredictor`` (``predictors.py``), called through ``mnist_batcher`` when batching."""
    mnist_batcher: Any = None
    """A ``MicroBatcher`` in front of ``mnist`` (None: each request calls the model itself)."""
    titanic: Any = None
    """A ``TitanicPredictor``."""
    embedder: Any = None
    """An m4 ``Embedder`` (``embed(texts) -> (N, d)`` L2-normalised vectors)."""
    rag: Any = None
    """A ``RagService``: an m4 searcher over an index, answered by ``chat``."""
    chat: ChatModel | None = None
    """The chat model behind ``/v1/chat/completions`` and ``/v1/rag/ask``."""
    chat_name: str = "local"
    """The model id clients send and ``/v1/models`` lists."""
    chat_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    """One generation at a time: a llama.cpp context is not safe to share between threads."""
    chat_timeout_s: float | None = None
    """Seconds one chat request may wait for its turn, and then generate (None: no limit)."""
    max_chat_waiters: int = 16
    """Requests that may wait for ``chat_lock`` at once; more are turned away with a 503."""
    chat_waiters: int = 0
    """Requests waiting for ``chat_lock`` now (kept by ``chat_turns.take_turn``)."""
    missing: dict[str, str] = field(default_factory=dict)
    """Model name → why it is not loaded and how to get it (the 503's detail)."""
    sources: dict[str, str] = field(default_factory=dict)
    """Model name → where it was loaded from (a file, or a ``models:/name@alias`` URI)."""

    def loaded(self) -> dict[str, bool]:
        """Which of the served models are ready."""
        names = ("mnist", "titanic", "embedder", "rag", "chat")
        return {name: getattr(self, name) is not None for name in names}


def loaded_model(services: Services, name: str) -> Any:
    """The loaded model ``name``, or a 503 whose detail says how to load it."""
    model = getattr(services, name)
    if model is None:
        reason = services.missing.get(name, "it is switched off")
        raise HTTPException(status_code=503, detail=f"the {name} model is not loaded: {reason}")
    return model
