"""``ask-repo``: ask questions about a code repository and get answers citing ``file:line``.

    uv run ask-repo . "where is the data registry?"
    uv run ask-repo ~/code/myapp "how are users authenticated?" --llm openai --model gpt-4o-mini
    uv run ask-repo https://github.com/pallets/click "where are options parsed?"   # online only
    uv run ask-repo . "how are chunks embedded?" --only packages/m4_genai   # a sub-folder only
    uv run ask-repo --smoke          # index this package's own source, ask one question

How it works: list the repository's files (``git ls-files`` when it is a git checkout, so
``.gitignore`` is respected; otherwise a walk that skips ``.git``, ``.venv``, ``node_modules``,
``data``, build outputs), split code at ``def``/``class`` boundaries keeping line numbers, embed,
and retrieve with hybrid search (identifiers are exactly what BM25 is good at). The index is cached
under ``data/indexes/ask_repo/<repo>-<hash of its path>`` and refreshed by file fingerprints: a
second question about the same repository costs only the question. The library part (clone, list,
index) is ``m4_genai.retrieval.repo``; this module is the command around it.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from m4_genai.cli.common import (
    AnswerConfig,
    AnswerResult,
    add_answer_flags,
    load_model,
    print_answer,
)
from m4_genai.llm import ChatModel, load_chat_model
from m4_genai.rag import answer
from m4_genai.retrieval import default_embedder, index_repo, make_searcher, resolve_repo
from roadmap_data.console import console, friendly_errors
from roadmap_data.runkit import RunParser, save_metrics

SMOKE_QUESTION = "How is the BM25 score of a document computed?"


@dataclass(frozen=True, kw_only=True)
class AskRepoConfig(AnswerConfig):
    """A question about one repository."""

    PRESETS: ClassVar = AnswerConfig.PRESETS

    repo: str = "."
    """Repository: a local folder or a git URL (cloned when online)."""
    only: tuple[str, ...] = ()
    """Index only these sub-folders; citations stay relative to the repository root."""


def run(
    config: AskRepoConfig, model: ChatModel | None = None, progress: bool = True
) -> AnswerResult:
    """Index (or refresh) the repository and answer the question about it, citing file:line."""
    index, stats = index_repo(
        resolve_repo(config.repo), default_embedder(), config.index, progress, config.only
    )
    model = model or load_chat_model(config.llm)
    searcher = make_searcher(index, config.mode, config.rerank, config.candidates)
    return AnswerResult(config.question, answer(config.question, searcher, model, config), stats)


def build_parser() -> RunParser:
    parser = RunParser("ask-repo", __doc__, AskRepoConfig, flags=["only"])
    parser.add_argument("repo", nargs="?", help="repository folder or git URL (cloned when online)")
    parser.add_argument("question", nargs="?", help="the question, in quotes")
    add_answer_flags(parser)
    return parser


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.smoke:  # this package's retrieval code, the scripted model, a throw-away index
        package = str(Path(__file__).resolve().parents[1])
        config = parser.config(args, repo=package, only=("retrieval",), question=SMOKE_QUESTION)
        config.out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=config.out) as scratch:
            result = run(config.replace(index=Path(scratch)), progress=False)
    else:
        if not args.repo or not args.question:
            parser.error('give a repository and a question, e.g. ask-repo . "where is main?"')
        config = parser.config(args, repo=args.repo, question=args.question)
        result = run(config, load_model(config, args))
    print_answer(result)
    path = save_metrics(result, config, config.out)
    console.print(f"metrics → {path}")
    return 0
