"""What the month 5 commands share: the chat model choice and a one-line view of each agent step."""

from __future__ import annotations

import argparse
from typing import Any, Literal

from rich.markup import escape

from m4_genai.llm import ChatModel, load_chat_model
from m4_genai.llm.factory import resolve_kind
from m5_agents_mlops.agent import Channel
from roadmap_data.console import console
from roadmap_data.runkit import llm_server_options

ChannelChoice = Literal["auto", "native", "text"]
REPLY_TOKENS = 512
"""Most tokens one model reply may use (a tool call, or the answer)."""


def load_model(kind: str | None, args: argparse.Namespace, seed: int = 0) -> ChatModel:
    """The chat model ``--llm`` names with the model flags (``--model``, ``--base-url``...)."""
    return load_chat_model(kind, seed=seed, max_tokens=REPLY_TOKENS, **llm_server_options(args))


def resolve_channel(channel: str, kind: str | None) -> Channel:
    """``auto``: the text protocol for local models, the native tool API for servers and scripts.

    Measured on the benchmark's dev tasks with Qwen2.5-Coder-1.5B: 67 % right with the text
    protocol against 25 % under the JSON grammar, which guarantees a well-formed reply but lets a
    small model choose ``{"answer": ...}`` at once and fill it with a guess (README, benchmark).
    """
    if channel != "auto":
        return channel  # type: ignore[return-value]
    return "text" if resolve_kind(kind) in ("local", "transformers") else "native"


def show_step(record: dict[str, Any]) -> None:
    """Print one agent step: the calls it made and the start of each result, or the answer."""
    reply = record["reply"]
    if not record["results"]:
        return
    for result in record["results"]:
        arguments = ", ".join(f"{k}={v!r}" for k, v in result["arguments"].items())
        # One line: a result table folds to "n 200 (1 row)".
        first_line = " ".join(result["content"].split())
        mark = "[green]→[/green]" if result["ok"] else "[red]✗[/red]"
        console.print(
            f"[dim]step {record['step']}[/dim] {escape(result['name'])}({escape(arguments[:120])}) "
            f"{mark} {escape(first_line[:100])}"
        )
    if reply["text"].strip():
        console.print(f"[dim]   (model also said: {escape(reply['text'].strip()[:100])})[/dim]")
