"""``rag``: index a folder of documents, then ask questions answered with cited sources.

    uv run rag index docs/ notes.pdf            # PDF, HTML, Markdown, text, code → chunks → Chroma
    uv run rag ask "How do I pad a number with zeros?"            # local SmolLM2, offline
    uv run rag ask "..." --llm openai --base-url http://localhost:11434/v1 --model qwen2.5:0.5b
    uv run rag ask "..." --mode bm25 -k 5       # keyword retrieval, five sources
    uv run rag --smoke                          # index a tiny real corpus, ask one question

Re-indexing is incremental: unchanged files are skipped, changed ones replaced, never duplicated.
The index is a folder (default ``data/indexes/rag``): Chroma's vectors and the BM25 keyword index
beside them; ``--chroma-url`` keeps the vectors on a Chroma server instead. Flags go after the
sub-command: ``rag ask --help`` lists them.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from m4_genai.cli.common import (
    AnswerConfig,
    AnswerResult,
    add_answer_flags,
    index_metrics,
    load_model,
    print_answer,
)
from m4_genai.errors import DocumentError
from m4_genai.golden import write_pydoc_corpus
from m4_genai.llm import ChatModel, load_chat_model
from m4_genai.rag import answer
from m4_genai.retrieval import (
    ChunkIndex,
    IndexStats,
    default_embedder,
    index_files,
    iter_files,
    make_searcher,
)
from roadmap_data import data_dir, runs_dir
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.runkit import RunConfig, RunParser, require_at_least, save_metrics
from roadmap_data.runkit.parser import SMOKE_HELP

COLLECTION = "documents"
SMOKE_TOPICS = ["for", "while", "try", "with", "lambda", "import"]
SMOKE_QUESTION = "When does the else clause of a while loop run?"


@dataclass(frozen=True, kw_only=True)
class IndexConfig(RunConfig):
    """``rag index``: which files, split how, into which index."""

    paths: tuple[Path, ...] = ()
    """Files or folders to index (folders are walked recursively)."""
    index: Path | None = None
    """Index folder (None: data/indexes/rag)."""
    chroma_url: str | None = None
    """Keep the vectors on a Chroma server (e.g. http://localhost:8000) instead of the folder."""
    chunk_size: int = 1000
    """Characters per chunk (MiniLM reads ≈ 256 tokens ≈ 1000 characters)."""
    chunk_overlap: int = 150
    """Characters shared by neighbouring chunks, so a sentence cut in two is whole in one of them."""

    def validate(self) -> None:
        require_at_least(50, chunk_size=self.chunk_size)
        require_at_least(0, chunk_overlap=self.chunk_overlap)


@dataclass(frozen=True, kw_only=True)
class AskConfig(AnswerConfig):
    """``rag ask``: a question answered from the index."""

    PRESETS: ClassVar = AnswerConfig.PRESETS

    chroma_url: str | None = None
    """Read the vectors from a Chroma server (e.g. http://localhost:8000) instead of the folder."""


def open_index(folder: Path | None, chroma_url: str | None = None) -> ChunkIndex:
    """The rag index (default ``data/indexes/rag``), embedded by MiniLM."""
    folder = folder or data_dir() / "indexes" / "rag"
    return ChunkIndex(folder, COLLECTION, embedder=default_embedder(), chroma_url=chroma_url)


def run_index(config: IndexConfig, progress: bool = True) -> IndexStats:
    """Index every supported file under ``config.paths``, cited relative to each folder given."""
    files: list[tuple[Path, str]] = []
    for given in config.paths:
        base = given if given.is_dir() else given.parent
        for path in iter_files([given]):
            files.append((path, path.resolve().relative_to(base.resolve()).as_posix()))
    if not files:
        raise DocumentError(f"no files found under {', '.join(map(str, config.paths))}")
    index = open_index(config.index, config.chroma_url)
    return index_files(index, files, config.chunk_size, config.chunk_overlap, progress=progress)


def run_ask(config: AskConfig, model: ChatModel | None = None) -> AnswerResult:
    """Answer ``config.question`` from the index (EmptyIndexError when nothing was indexed yet)."""
    searcher = make_searcher(
        open_index(config.index, config.chroma_url), config.mode, config.rerank, config.candidates
    )
    model = model or load_chat_model(config.llm)
    return AnswerResult(config.question, answer(config.question, searcher, model, config))


@dataclass
class IndexResult:
    stats: IndexStats

    def metrics(self) -> dict[str, Any]:
        return index_metrics(self.stats)


def run_smoke(out: Path) -> AnswerResult:
    """Six real reference sections into a throw-away index, one question, the scripted model."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as scratch:
        corpus, index = Path(scratch) / "corpus", Path(scratch) / "index"
        write_pydoc_corpus(corpus, SMOKE_TOPICS)
        stats = run_index(IndexConfig(paths=(corpus,), index=index), progress=False)
        config = AskConfig.preset("tiny", question=SMOKE_QUESTION, index=index)
        result = run_ask(config)
    return AnswerResult(result.question, result.answer, stats)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rag", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    parser.add_argument("--out", type=Path, help="with --smoke: output folder")
    commands = parser.add_subparsers(dest="command", metavar="{index,ask}", parser_class=RunParser)
    index = commands.add_parser(
        "index", config=IndexConfig, flags=["index", "chroma_url", "chunk_size", "chunk_overlap"],
        doc="Load PDF/HTML/Markdown/text/code files, split, embed, upsert (incremental).",
        help="add files or folders to the index",
    )  # fmt: skip
    index.add_argument("paths", nargs="+", type=Path, help="files or folders (walked recursively)")
    index.set_defaults(command_parser=index)
    ask = commands.add_parser(
        "ask", config=AskConfig, flags=["chroma_url"],
        doc="Retrieve the best chunks, prompt the model with numbered sources, cite them.",
        help="answer a question from the index, citing sources",
    )  # fmt: skip
    ask.add_argument("question", help="the question, in quotes")
    add_answer_flags(ask)
    ask.set_defaults(command_parser=ask)
    return parser


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = getattr(args, "command_parser", None)  # the sub-command's RunParser
    if args.smoke and args.command is None:
        out = args.out or runs_dir("rag-smoke")
        result, config = run_smoke(out), AskConfig.preset("tiny", question=SMOKE_QUESTION, out=out)
        print_answer(result)
    elif args.command == "index":
        config = command.config(args, paths=tuple(args.paths))
        stats = run_index(config)
        for source, why in stats.skipped:
            console.print(f"[yellow]warning: skipped {source}: {why}[/yellow]")
        result = IndexResult(stats)
        print_table(
            "rag index",
            ["files", "indexed", "unchanged", "removed", "chunks written", "in index", "chunks/s"],
            [(stats.files_seen, stats.files_indexed, stats.files_unchanged, stats.files_removed,
              stats.chunks_written, stats.total_chunks, round(stats.chunks_per_second, 1))],
        )  # fmt: skip
    elif args.command == "ask":
        config = command.config(args, question=args.question)
        result = run_ask(config, load_model(config, args))
        print_answer(result)
    else:
        parser.print_help()
        return 2
    path = save_metrics(result, config, config.out)
    console.print(f"metrics → {path}")
    return 0
