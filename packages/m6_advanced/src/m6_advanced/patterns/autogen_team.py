"""The sequential pipeline again, in AutoGen AgentChat, against month 5's OpenAI-compatible server.

    with serve_model(model, "qwen") as base_url:                   # m5 ``serve``, in a thread
        run = autogen_pipeline(base_url, "qwen", "Explain generators", max_revisions=1)
    run.order, run.approved                   # ["user", "researcher", "writer", "reviewer"], True

AutoGen (Microsoft, ``autogen-agentchat`` 0.7) models a team as agents that share one
conversation. An ``AssistantAgent`` is a system prompt plus a model client; a *team* decides who
speaks next. ``SelectorGroupChat`` with a ``selector_func`` makes that choice a plain function of
the conversation, which is exactly our pipeline::

    user ──▶ researcher ──▶ writer ──▶ reviewer ──(REVISE ...)──▶ writer ──▶ reviewer ...
                                           └── APPROVE: ``FunctionalTermination(approved)`` ends it

and ``MaxMessageTermination`` bounds the send-backs as our ``max_revisions`` does. (Without a
``selector_func`` the team would ask the *model* who speaks next: one extra call per turn, and a
small model picks badly. ``GraphFlow``, AutoGen's explicit graph, refuses a graph whose every
node has an outgoing edge, and the reviewer → writer loop is one, so the function it is.) The model
client is AutoGen's ``OpenAIChatCompletionClient`` pointed at ``http://127.0.0.1:<port>/v1``:
AutoGen does not know it talks to our llama.cpp (or scripted) model, which is the point of
serving an OpenAI-compatible API in month 5.

Two differences from ``sequential.py`` are worth seeing in the transcript. Every AutoGen agent
reads the *whole* shared conversation (the task, the notes, every draft and review), where our
roles each get a brief written for them: more context, more tokens, and a small model more easily
distracted. And the reviewer answers in plain text starting with APPROVE or REVISE, because the
graph's conditions read text; ours is a schema-checked JSON verdict.

AutoGen is imported inside the functions: it takes seconds to import and only this module needs it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from m4_genai.llm import ChatModel

RESEARCHER_PROMPT = (
    "You are a researcher. List the key facts needed for the user's task as 3 to 6 short bullet "
    "points. Do not write the final text."
)
WRITER_PROMPT = (
    "You are a writer. Write what the user's task asks for, using the researcher's notes: "
    "clear, correct and short (at most 120 words). If the reviewer asked for changes, write the "
    "improved version. Reply with the text only."
)
REVIEWER_PROMPT = (
    "You are a strict reviewer. Check the writer's latest draft against the task. Reply with "
    "APPROVE if it is correct, complete and short; otherwise reply with REVISE followed by what "
    "to change."
)
MODEL_INFO = {
    "vision": False,
    "function_calling": False,
    "json_output": False,
    "structured_output": False,
    "family": "unknown",
}
"""What AutoGen must be told about a model it does not know (it only knows OpenAI's by name)."""


@dataclass
class AutoGenRun:
    """The shared conversation of one AutoGen run, boiled down to who said what and the cost."""

    task: str
    messages: list[dict[str, Any]]
    """``{"source", "content", "prompt_tokens", "completion_tokens"}`` in order; the first is the
    user's task."""
    stop_reason: str
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def order(self) -> list[str]:
        return [m["source"] for m in self.messages]

    @property
    def approved(self) -> bool:
        last = self.messages[-1]
        return last["source"] == "reviewer" and is_approval(last["content"])

    @property
    def answer(self) -> str | None:
        drafts = [m["content"] for m in self.messages if m["source"] == "writer"]
        return drafts[-1] if drafts else None

    @property
    def stopped_by(self) -> str:
        """``approved``, or ``max_messages`` when the send-back bound ended the chat."""
        return "approved" if self.approved else "max_messages"

    def metrics(self) -> dict[str, Any]:
        return {
            "pattern": "sequential", "framework": "autogen", "task": self.task,
            "answer": self.answer, "success": self.approved, "stopped_by": self.stopped_by,
            "stop_reason": self.stop_reason,
            "order": self.order, "model_calls": len(self.messages) - 1,
            "prompt_tokens": sum(m["prompt_tokens"] for m in self.messages),
            "completion_tokens": sum(m["completion_tokens"] for m in self.messages),
            "seconds": round(self.seconds, 3), "messages": self.messages,
        }  # fmt: skip


def is_approval(text: str) -> bool:
    """The reviewer approved: its reply starts with APPROVE (and does not ask for a revision)."""
    head = text.strip().upper()
    return head.startswith("APPROVE") and "REVISE" not in head


def approved(messages: Sequence[Any]) -> bool:
    """AutoGen's termination test (``FunctionalTermination``), the same rule as ``is_approval``:
    a mention anywhere ("REVISE: I cannot APPROVE this") must not end the chat."""
    return any(m.source == "reviewer" and is_approval(m.to_model_text())
               for m in messages if hasattr(m, "to_model_text"))  # fmt: skip


NEXT_SPEAKER = {"user": "researcher", "researcher": "writer", "writer": "reviewer",
                "reviewer": "writer"}  # fmt: skip
"""Who speaks after whom: the pipeline, with the reviewer's send-back to the writer."""


def next_speaker(messages: Sequence[Any]) -> str | None:
    """AutoGen's ``selector_func``: the next role from the last speaker (None: let the model pick,
    which never happens here)."""
    return NEXT_SPEAKER.get(messages[-1].source) if messages else "researcher"


@contextmanager
def serve_model(model: ChatModel, name: str) -> Iterator[str]:
    """``model`` behind month 5's ``/v1/chat/completions`` on 127.0.0.1; yields the base URL."""
    from fastapi import FastAPI

    from m5_agents_mlops.serve.openai_api import router
    from m5_agents_mlops.serve.server import serve_in_thread
    from m5_agents_mlops.serve.services import Services
    from m5_agents_mlops.serve.telemetry import Metrics

    app = FastAPI()
    app.state.services = Services(chat=model, chat_name=name)
    app.state.metrics = Metrics()
    app.include_router(router)
    with serve_in_thread(app) as base:
        yield f"{base}/v1"


def autogen_pipeline(
    base_url: str, model_name: str, task: str, *, max_revisions: int = 1, max_tokens: int = 512
) -> AutoGenRun:
    """Researcher → writer → reviewer (→ writer ...) as an AutoGen ``SelectorGroupChat``, run to the end."""
    return asyncio.run(_run(base_url, model_name, task, max_revisions, max_tokens))


async def _run(
    base_url: str, model_name: str, task: str, max_revisions: int, max_tokens: int
) -> AutoGenRun:
    import time

    from autogen_agentchat.agents import AssistantAgent
    from autogen_agentchat.conditions import FunctionalTermination, MaxMessageTermination
    from autogen_agentchat.teams import SelectorGroupChat
    from autogen_ext.models.openai import OpenAIChatCompletionClient

    client = OpenAIChatCompletionClient(
        model=model_name, base_url=base_url, api_key="x", model_info=MODEL_INFO,  # type: ignore[arg-type]
        max_tokens=max_tokens, temperature=0.0, max_retries=0,
    )  # fmt: skip
    researcher = AssistantAgent("researcher", client, system_message=RESEARCHER_PROMPT)
    writer = AssistantAgent("writer", client, system_message=WRITER_PROMPT)
    reviewer = AssistantAgent("reviewer", client, system_message=REVIEWER_PROMPT)
    # task + researcher + writer + reviewer, then two messages per send-back.
    limit = MaxMessageTermination(4 + 2 * max_revisions)
    approval = FunctionalTermination(approved)
    team = SelectorGroupChat(
        [researcher, writer, reviewer], model_client=client, selector_func=next_speaker,
        termination_condition=limit | approval, allow_repeated_speaker=True,
    )  # fmt: skip
    start = time.perf_counter()
    try:
        result = await team.run(task=task)
    finally:
        await client.close()
    messages = [
        {"source": m.source, "content": m.to_model_text(),
         "prompt_tokens": m.models_usage.prompt_tokens if m.models_usage else 0,
         "completion_tokens": m.models_usage.completion_tokens if m.models_usage else 0}
        for m in result.messages if hasattr(m, "to_model_text")
    ]  # fmt: skip
    return AutoGenRun(task, messages, result.stop_reason or "", time.perf_counter() - start)
