"""Flags and printing shared by ``rag`` and ``ask-repo``: model choice, retrieval mode, the answer."""

from __future__ import annotations

import argparse
from typing import Any

from rich.markup import escape

from m4_genai.llm import KINDS, ChatModel, load_chat_model
from m4_genai.rag import RagAnswer, RagConfig
from m4_genai.retrieval import MODES
from roadmap_data.console import console


def add_common_args(parser: argparse.ArgumentParser, out_help: str, suppress: bool = False) -> None:
    """``--out``, ``--seed``: on the top-level parser, and again on subcommands (``suppress``).

    A subparser's defaults would overwrite the top-level values, so there they default to
    ``SUPPRESS`` (absent unless typed).
    """
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--out", default=default, help=out_help)
    parser.add_argument(
        "--seed",
        type=int,
        default=argparse.SUPPRESS if suppress else 0,
        help="random seed for the model's sampling (default 0)",
    )


def add_answer_args(parser: argparse.ArgumentParser) -> None:
    """Flags that choose the chat model and how sources are retrieved and fitted."""
    model = parser.add_argument_group("chat model")
    model.add_argument(
        "--llm",
        choices=KINDS,
        default=None,
        help="local = SmolLM2-135M offline (default, or $AI_ROADMAP_LLM); openai = any "
        "OpenAI-compatible server; scripted = extractive stand-in (no model)",
    )
    model.add_argument(
        "--base-url",
        help="openai: server URL (or $OPENAI_BASE_URL), e.g. http://localhost:11434/v1",
    )
    model.add_argument("--api-key", help="openai: key (or $OPENAI_API_KEY)")
    model.add_argument("--model", help="openai: model name (or $AI_ROADMAP_OPENAI_MODEL)")
    model.add_argument(
        "--max-tokens",
        type=int,
        default=RagConfig.max_new_tokens,
        help=f"longest answer in tokens (default {RagConfig.max_new_tokens})",
    )
    model.add_argument(
        "--time-budget",
        type=float,
        default=None,
        help="local: stop generating after this many seconds",
    )
    search = parser.add_argument_group("retrieval")
    search.add_argument(
        "--mode",
        choices=MODES,
        default=RagConfig.mode,
        help="dense = embeddings, bm25 = keywords, hybrid = both fused (default)",
    )
    search.add_argument(
        "-k", type=int, default=RagConfig.k, help="sources in the prompt (default 3)"
    )
    search.add_argument(
        "--min-similarity",
        type=float,
        default=RagConfig.min_similarity,
        help='below this best cosine answer "I don\'t know" (default '
        f"{RagConfig.min_similarity}, calibrated on the golden set)",
    )
    search.add_argument(
        "--context-tokens",
        type=int,
        default=RagConfig.context_tokens,
        help="prompt + answer budget; longer prompts drop the lowest-ranked sources",
    )


def rag_config(args: argparse.Namespace) -> RagConfig:
    return RagConfig(
        k=args.k,
        mode=args.mode,
        min_similarity=args.min_similarity,
        context_tokens=args.context_tokens,
        max_new_tokens=args.max_tokens,
    )


def make_model(args: argparse.Namespace, kind: str | None = None) -> ChatModel:
    """The chat model the flags ask for (options left at None are dropped by the factory)."""
    options: dict[str, Any] = {
        "base_url": args.base_url,
        "api_key": args.api_key,
        "model": args.model,
        "seed": args.seed,
        "time_budget_s": args.time_budget,
    }
    return load_chat_model(kind or args.llm, **options)


def print_answer(question: str, result: RagAnswer) -> None:
    """The answer, then the numbered sources it was given (with their similarity)."""
    # escape(): code is full of [brackets] that rich would otherwise read as style tags.
    console.print(f"[bold]Q:[/bold] {escape(question)}")
    console.print(f"[bold]A:[/bold] {escape(result.text)}")
    # Plain lines, not a table: a citation must never be shortened with "…" on a narrow terminal.
    for n, hit in enumerate(result.hits, start=1):
        symbol = f", {hit.chunk.symbol}" if hit.chunk.symbol else ""
        console.print(
            f"  [{n}] {escape(hit.chunk.citation)}  (cosine {hit.similarity:.3f}{symbol})"
        )
    if result.truncated:
        console.print("[yellow]note: sources were truncated to fit the context window[/yellow]")


def answer_metrics(question: str, result: RagAnswer) -> dict[str, Any]:
    """What metrics.json records about one answer."""
    chat = result.chat
    return {
        "question": question,
        "answer": result.text,
        "answered_by_model": result.answered,
        "sources": [hit.chunk.citation for hit in result.hits],
        "similarities": [round(hit.similarity, 4) for hit in result.hits],
        "retrieval_seconds": round(result.retrieval_seconds, 4),
        "llm_seconds": round(result.llm_seconds, 3),
        "completion_tokens": chat.completion_tokens if chat else 0,
        "tokens_per_second": round(chat.tokens_per_second, 2) if chat else 0.0,
        "model": chat.model if chat else "",
        "truncated": result.truncated,
    }
