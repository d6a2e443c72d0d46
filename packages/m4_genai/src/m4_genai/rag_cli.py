"""``rag``: index a folder of documents, then ask questions answered with cited sources.

    uv run rag index docs/ notes.pdf            # PDF, HTML, Markdown, text, code → chunks → Chroma
    uv run rag ask "How do I pad a number with zeros?"            # local SmolLM2, offline
    uv run rag ask "..." --llm openai --base-url http://localhost:11434/v1 --model qwen2.5:0.5b
    uv run rag ask "..." --mode bm25 -k 5       # keyword retrieval, five sources
    uv run rag --smoke                          # index a tiny real corpus, ask one question

Re-indexing is incremental: unchanged files are skipped, changed ones replaced, never duplicated.
The index is a Chroma folder (default ``data/indexes/rag``); ``--chroma-url`` uses a server.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from m4_genai.cli_common import (
    add_answer_args,
    add_common_args,
    answer_metrics,
    make_model,
    print_answer,
    rag_config,
)
from m4_genai.documents import iter_files
from m4_genai.errors import DocumentError, GenAIError
from m4_genai.golden import write_pydoc_corpus
from m4_genai.indexing import IndexStats, index_files
from m4_genai.llm import ChatModel, load_chat_model
from m4_genai.rag import RagAnswer, RagConfig, answer
from m4_genai.retrieval import Retriever
from m4_genai.vectorstore import VectorStore
from roadmap_data import data_dir, runs_dir
from roadmap_data.console import console, friendly_errors, print_table, save_json

COLLECTION = "documents"
SMOKE_TOPICS = ["for", "while", "try", "with", "lambda", "import"]
SMOKE_QUESTION = "When does the else clause of a while loop run?"


def default_index() -> Path:
    return data_dir() / "indexes" / "rag"


def open_store(index: Path | None, chroma_url: str | None = None) -> VectorStore:
    return VectorStore(index or default_index(), COLLECTION, chroma_url=chroma_url)


def run_index(
    paths: list[Path],
    index: Path | None = None,
    chroma_url: str | None = None,
    chunk_size: int = 1000,
    chunk_overlap: int = 150,
    progress: bool = True,
) -> IndexStats:
    """Index every supported file under ``paths``; sources are cited relative to each folder given."""
    files: list[tuple[Path, str]] = []
    for given in paths:
        base = given if given.is_dir() else given.parent
        for path in iter_files([given]):
            files.append((path, path.resolve().relative_to(base.resolve()).as_posix()))
    if not files:
        raise DocumentError(f"no files found under {', '.join(map(str, paths))}")
    store = open_store(index, chroma_url)
    return index_files(store, files, chunk_size, chunk_overlap, progress=progress)


def run_ask(
    question: str,
    model: ChatModel,
    index: Path | None = None,
    config: RagConfig | None = None,
    chroma_url: str | None = None,
) -> RagAnswer:
    """Answer ``question`` from the index (EmptyIndexError when nothing was indexed yet)."""
    if not question.strip():
        raise GenAIError("the question is empty")
    retriever = Retriever(open_store(index, chroma_url), mode=(config or RagConfig()).mode)
    return answer(question, retriever, model, config)


def run_smoke(out: Path) -> dict[str, Any]:
    """Index six real reference sections into a fresh index under ``out``, ask one question."""
    with tempfile.TemporaryDirectory(dir=out) as scratch:
        corpus = Path(scratch) / "corpus"
        write_pydoc_corpus(corpus, SMOKE_TOPICS)
        stats = run_index([corpus], Path(scratch) / "index", progress=False)
        result = run_ask(SMOKE_QUESTION, load_chat_model("scripted"), Path(scratch) / "index")
    print_answer(SMOKE_QUESTION, result)
    top = result.hits[0].chunk.source if result.hits else ""
    return {
        "smoke": True,
        **_index_metrics(stats),
        **answer_metrics(SMOKE_QUESTION, result),
        "top_source_correct": top == "while.txt",
    }


def _index_metrics(stats: IndexStats) -> dict[str, Any]:
    return {
        "files_seen": stats.files_seen,
        "files_indexed": stats.files_indexed,
        "files_unchanged": stats.files_unchanged,
        "chunks_written": stats.chunks_written,
        "total_chunks": stats.total_chunks,
        "index_seconds": round(stats.seconds, 3),
        "chunks_per_second": round(stats.chunks_per_second, 2),
        "skipped": [f"{source}: {why}" for source, why in stats.skipped],
    }


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rag", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="seconds-long self-test: index 6 Python reference sections, ask one question",
    )
    add_common_args(parser, "folder for metrics.json (default data/runs/rag)")
    commands = parser.add_subparsers(dest="command", metavar="{index,ask}")
    idx = commands.add_parser(
        "index",
        help="add files or folders to the index",
        description="Load PDF/HTML/Markdown/text/code files, split, embed, upsert.",
    )
    idx.add_argument("paths", nargs="+", type=Path, help="files or folders (walked recursively)")
    idx.add_argument(
        "--chunk-size", type=int, default=1000, help="characters per chunk (default 1000)"
    )
    idx.add_argument(
        "--chunk-overlap", type=int, default=150, help="characters shared by neighbours"
    )
    ask = commands.add_parser(
        "ask",
        help="answer a question from the index, citing sources",
        description="Retrieve the best chunks, prompt the model with numbered sources.",
    )
    ask.add_argument("question", help="the question, in quotes")
    add_answer_args(ask)
    for sub in (idx, ask):
        sub.add_argument("--index", type=Path, help="index folder (default data/indexes/rag)")
        sub.add_argument(
            "--chroma-url", help="use a Chroma server instead (e.g. http://localhost:8000)"
        )
        add_common_args(sub, "folder for metrics.json (default data/runs/rag)", suppress=True)
    return parser


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out else runs_dir("rag")
    out.mkdir(parents=True, exist_ok=True)
    if args.smoke:
        metrics = run_smoke(out)
    elif args.command == "index":
        stats = run_index(
            args.paths, args.index, args.chroma_url, args.chunk_size, args.chunk_overlap
        )
        for source, why in stats.skipped:
            console.print(f"[yellow]warning: skipped {source}: {why}[/yellow]")
        metrics = _index_metrics(stats)
        print_table(
            "rag index",
            ["files", "indexed", "unchanged", "chunks written", "chunks in index", "chunks/s"],
            [
                (
                    stats.files_seen,
                    stats.files_indexed,
                    stats.files_unchanged,
                    stats.chunks_written,
                    stats.total_chunks,
                    round(stats.chunks_per_second, 1),
                )
            ],
        )
    elif args.command == "ask":
        result = run_ask(
            args.question, make_model(args), args.index, rag_config(args), args.chroma_url
        )
        print_answer(args.question, result)
        metrics = answer_metrics(args.question, result)
    else:
        parser.print_help()
        return 2
    save_json(out / "metrics.json", metrics)
    console.print(f"metrics → {out / 'metrics.json'}")
    return 0
