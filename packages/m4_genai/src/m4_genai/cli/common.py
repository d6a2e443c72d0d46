"""What ``rag ask`` and ``ask-repo`` share: the answer config, the model choice, the printout.

Both answer one question from an index with the RAG chain, so their settings are one config
class: the chain's own (``RagConfig``: k, mode, threshold, context) plus the run's (``RunConfig``:
seed, out) plus the question and the chat model. Every field is also a flag (``ANSWER_FLAGS``).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.markup import escape

from m4_genai.llm import ChatModel, Kind, load_chat_model
from m4_genai.llm.factory import resolve_kind
from m4_genai.rag import RagAnswer, RagConfig
from m4_genai.retrieval import IndexStats
from roadmap_data.console import console
from roadmap_data.runkit import RunConfig, RunParser, llm_server_options, require


@dataclass(frozen=True, kw_only=True)
class AnswerConfig(RagConfig, RunConfig):
    """One question answered from an index: retrieval and prompt (RagConfig), model, run."""

    PRESETS: ClassVar = {
        "tiny": {**RagConfig.PRESETS["tiny"], "llm": "scripted"},
        "cpu": {},
        "full": {**RagConfig.PRESETS["full"]},
    }

    question: str = ""
    """The question, in plain words."""
    llm: Kind | None = None
    """Chat model: local (SmolLM2, offline), openai (any compatible server), scripted (quotes source [1], no model); default $AI_ROADMAP_LLM, else local."""
    time_budget: float | None = None
    """local model: stop generating after this many seconds (None: no limit)."""
    index: Path | None = None
    """Index folder (None: the command's own under data/indexes/)."""

    def validate(self) -> None:
        super().validate()
        require(bool(self.question.strip()), "the question is empty")


def add_answer_flags(parser: RunParser) -> None:
    """The model and retrieval flags of ``AnswerConfig`` (names kept from earlier versions)."""
    parser.add_field("llm")
    parser.add_field("max_new_tokens", "--max-tokens")
    parser.add_field("time_budget")
    parser.add_field("mode")
    parser.add_field("k", "-k")
    parser.add_field("rerank")
    parser.add_field("candidates")
    parser.add_field("refusal")
    parser.add_field("min_similarity")
    parser.add_field("max_unknown_share")
    parser.add_field("context_tokens")
    parser.add_field("index")
    parser.add_llm_server_flags()


def load_model(config: AnswerConfig, args: argparse.Namespace) -> ChatModel:
    """The chat model the config names, with the model flags (``--model``, ``--base-url``...)."""
    options: dict[str, Any] = {"seed": config.seed, "time_budget_s": config.time_budget}
    if resolve_kind(config.llm) in ("local", "transformers"):
        # The chain never sends more than context_tokens: a smaller window needs less memory.
        options["context_window"] = config.context_tokens
    return load_chat_model(config.llm, **options, **llm_server_options(args))


@dataclass
class AnswerResult:
    """One answered question, and the indexing that preceded it when there was one."""

    question: str
    answer: RagAnswer
    index: IndexStats | None = None

    def metrics(self) -> dict[str, Any]:
        """What metrics.json records about the answer (and the index refresh)."""
        result, chat = self.answer, self.answer.chat
        metrics = {
            "question": self.question,
            "answer": result.text,
            "answered_by_model": result.answered,
            "refusal": result.refusal,
            "sources": [hit.chunk.citation for hit in result.hits],
            "similarities": [round(hit.similarity, 4) for hit in result.hits],
            "retrieval_seconds": round(result.retrieval_seconds, 4),
            "llm_seconds": round(result.llm_seconds, 3),
            "completion_tokens": chat.completion_tokens if chat else 0,
            "tokens_per_second": round(chat.tokens_per_second, 2) if chat else 0.0,
            "model": chat.model if chat else "",
            "truncated": result.truncated,
        }
        if self.index is not None:
            metrics |= index_metrics(self.index)
        return metrics


def index_metrics(stats: IndexStats) -> dict[str, Any]:
    """What metrics.json records about an indexing run."""
    return {
        "files_seen": stats.files_seen,
        "files_indexed": stats.files_indexed,
        "files_unchanged": stats.files_unchanged,
        "files_removed": stats.files_removed,
        "chunks_written": stats.chunks_written,
        "total_chunks": stats.total_chunks,
        "index_seconds": round(stats.seconds, 3),
        "chunks_per_second": round(stats.chunks_per_second, 2),
        "skipped": [f"{source}: {why}" for source, why in stats.skipped],
    }


def print_answer(result: AnswerResult) -> None:
    """The answer, then the numbered sources it was given (with their similarity)."""
    answer = result.answer
    # escape(): code is full of [brackets] that rich would otherwise read as style tags.
    console.print(f"[bold]Q:[/bold] {escape(result.question)}")
    console.print(f"[bold]A:[/bold] {escape(answer.text)}")
    # Plain lines, not a table: a citation must never be shortened with "…" on a narrow terminal.
    for n, hit in enumerate(answer.hits, start=1):
        symbol = f", {hit.chunk.symbol}" if hit.chunk.symbol else ""
        console.print(
            f"  [{n}] {escape(hit.chunk.citation)}  (cosine {hit.similarity:.3f}{symbol})"
        )
    if answer.truncated:
        console.print("[yellow]note: sources were truncated to fit the context window[/yellow]")
    chat = answer.chat
    if chat is not None:  # every answer says which model wrote it, and how fast
        console.print(
            f"[dim]model {chat.model}: {chat.completion_tokens} tokens in {chat.seconds:.1f} s "
            f"({chat.tokens_per_second:.1f} tokens/s decoding)[/dim]"
        )
    else:
        console.print(f"[dim]no model asked: {escape(answer.refusal)}[/dim]")
