"""chat-rag: talk to your documents: a RAG chatbot that remembers the conversation.

It answers from the index ``rag index`` built (default ``data/indexes/rag``), citing sources as
``[n] path:line``. A follow-up ("and how do I disable it?") is first rewritten by the model into
a standalone question ("How do I disable the assert statement?"), which is what is searched.
Type ``/reset`` to start a new conversation and ``/exit`` (or Ctrl-D) to leave.

    uv run rag index docs/                          # once: build the index
    uv run chat-rag                                 # interactive, local model
    uv run chat-rag -q "What does the assert statement do?" -q "And how do I disable it?"
    uv run chat-rag --rewrite heuristic             # no model call to rewrite follow-ups
    uv run chat-rag --evaluate test                 # does rewriting help retrieval? (hit@3)
    uv run chat-rag --smoke                         # seconds: 3-section word index, scripted chat
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

from rich.markup import escape

from m4_genai.cli.rag import COLLECTION, IndexConfig, open_index, run_index
from m4_genai.golden import write_pydoc_corpus
from m4_genai.llm import ChatModel, Kind, load_chat_model
from m4_genai.llm.factory import resolve_kind
from m4_genai.nlp.chat_eval import WAYS, evaluate_follow_ups, load_conversations
from m4_genai.nlp.chatbot import ChatConfig, RagChatbot, Turn
from m4_genai.nlp.summarise import WordEmbedder
from m4_genai.retrieval import index_files, make_searcher
from m4_genai.retrieval.index import ChunkIndex
from roadmap_data import data_dir
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.runkit import RunConfig, RunParser, llm_server_options, save_metrics

PROG = "chat-rag"
SMOKE_TOPICS = ["assert", "while", "with"]
SMOKE_CONVERSATION = ("What does the assert statement do?", "And how do I disable it?")


@dataclass(frozen=True, kw_only=True)
class ChatRagConfig(ChatConfig, RunConfig):
    """A conversation with the index: the chatbot's settings, the model, the run's."""

    PRESETS: ClassVar = {
        "tiny": {**ChatConfig.PRESETS["tiny"], "llm": "scripted"},
        "cpu": {},
        "full": {**ChatConfig.PRESETS["full"]},
    }

    questions: tuple[str, ...] = ()
    """Ask these in order as one conversation, then stop (none: interactive)."""
    llm: Kind | None = None
    """Chat model: local (llama.cpp, best installed GGUF), openai, scripted (quotes source [1]); default $AI_ROADMAP_LLM, else local."""
    index: Path | None = None
    """Index folder (None: data/indexes/rag, the one `rag index` fills)."""
    time_budget: float | None = None
    """local model: stop generating after this many seconds (None: no limit)."""
    evaluate: Literal["dev", "test"] | None = None
    """Instead of chatting: hit@3 of follow-up questions searched as typed, rewritten by the heuristic and by the model, on this split of the conversation set (index: --index as is, else Python's reference indexed under data/indexes/chat-rag-pydoc)."""


@dataclass
class Conversation:
    """The turns of one run, for metrics.json."""

    turns: list[Turn]
    model: str

    def metrics(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "turns": [
                {
                    "question": turn.question,
                    "standalone": turn.standalone,
                    "rewritten_by": turn.rewritten_by,
                    "answer": turn.text,
                    "answered_by_model": turn.answer.answered,
                    "sources": [hit.chunk.citation for hit in turn.answer.hits],
                    "cited": turn.cited(),
                    "seconds": round(turn.seconds, 3),
                }
                for turn in self.turns
            ],
            "rewrites_by_model": sum(turn.rewritten_by == "model" for turn in self.turns),
            "rewrites_by_fallback": sum(turn.rewritten_by == "fallback" for turn in self.turns),
        }


def print_turn(turn: Turn) -> None:
    """The answer, how the question was understood, and the sources (cited ones marked *)."""
    if turn.standalone != turn.question:
        console.print(f"[dim]searched as ({turn.rewritten_by}): {escape(turn.standalone)}[/dim]")
    console.print(f"[bold]A:[/bold] {escape(turn.text)}")
    cited = set(turn.cited())
    for n, hit in enumerate(turn.answer.hits, start=1):
        label = f"[{n}] {hit.chunk.citation}"
        mark = "*" if label in cited else " "
        console.print(f" {mark}{escape(label)}  (cosine {hit.similarity:.3f})")


def converse(bot: RagChatbot, questions: Iterable[str]) -> list[Turn]:
    """Ask each question in turn ("/reset" forgets the conversation so far)."""
    turns = []
    for question in questions:
        if question.strip() == "/reset":
            bot.reset()
            console.print("[dim]conversation reset[/dim]")
            continue
        if not question.strip():
            continue
        turn = bot.ask(question)
        print_turn(turn)
        turns.append(turn)
    return turns


def prompt_lines() -> Iterator[str]:
    """Questions typed at the terminal, until /exit or end of input."""
    while True:
        try:
            line = console.input("[bold]you>[/bold] ")
        except EOFError:
            return
        if line.strip() in ("/exit", "/quit"):
            return
        yield line


def summary_table(turns: list[Turn]) -> None:
    print_table(
        "Conversation",
        ["turn", "question", "searched as", "by", "cited", "seconds"],
        [(i, t.question, t.standalone, t.rewritten_by, " ".join(t.cited()) or "-",
          round(t.seconds, 2)) for i, t in enumerate(turns, start=1)],
    )  # fmt: skip


def load_model(config: ChatRagConfig, args: Any) -> ChatModel:
    options: dict[str, Any] = {"seed": config.seed, "time_budget_s": config.time_budget}
    if resolve_kind(config.llm) in ("local", "transformers"):
        options["context_window"] = config.context_tokens  # the chain never sends more
    return load_chat_model(config.llm, **options, **llm_server_options(args))


def run(config: ChatRagConfig, model: ChatModel, questions: Iterable[str]) -> Conversation:
    """One conversation with the index in ``config.index``."""
    index = open_index(config.index)
    bot = RagChatbot(
        make_searcher(index, config.mode, config.rerank, config.candidates), model, config
    )
    return Conversation(converse(bot, questions), model.name)


def run_smoke(config: ChatRagConfig, model: ChatModel) -> Conversation:
    """Three reference sections in a throw-away index, the two-turn conversation of the docstring.

    The index embeds with hashed word overlap (``WordEmbedder``), not MiniLM, so the smoke run
    never imports torch; with those cosines (not MiniLM's) the refusal rule is the plain
    similarity threshold, set low.
    """
    config.out.mkdir(parents=True, exist_ok=True)
    config = config.replace(refusal="thresholds", min_similarity=0.05)
    with tempfile.TemporaryDirectory(dir=config.out) as scratch:
        corpus = Path(scratch) / "corpus"
        files = [(path, path.name) for path in write_pydoc_corpus(corpus, SMOKE_TOPICS)]
        index = ChunkIndex(Path(scratch) / "index", COLLECTION, embedder=WordEmbedder())
        index_files(index, files, progress=False)
        bot = RagChatbot(make_searcher(index, config.mode), model, config)
        return Conversation(converse(bot, config.questions or SMOKE_CONVERSATION), model.name)


@dataclass
class FollowUpScores:
    data: dict[str, Any]

    def metrics(self) -> dict[str, Any]:
        return self.data


def run_evaluation(config: ChatRagConfig, model: ChatModel) -> FollowUpScores:
    """Follow-up retrieval three ways on ``config.evaluate``'s split (``nlp/chat_eval.py``)."""
    folder = config.index
    if folder is None:  # Python's reference, indexed once (later runs find it unchanged)
        folder = data_dir() / "indexes" / "chat-rag-pydoc"
        corpus = data_dir() / "corpora" / "pydoc"
        if not corpus.is_dir():  # written once: rewriting would change every file's mtime
            write_pydoc_corpus(corpus)
        run_index(IndexConfig(paths=(corpus,), index=folder / "index"), progress=True)
        folder = folder / "index"
    searcher = make_searcher(open_index(folder), config.mode, config.rerank, config.candidates)
    conversations = load_conversations(config.evaluate)
    scores = evaluate_follow_ups(searcher, model, conversations, k=config.k)
    print_table(
        f"Follow-up retrieval, {config.evaluate.upper()} split: {scores['n']} conversations "
        f"(hit@{scores['k']}, rewrites by {model.name})",
        ["searched as", f"hit@{scores['k']}"],
        [(way, f"{scores['hit_at_k'][way]:.2f}") for way in WAYS],
    )
    return FollowUpScores({"model": model.name, "split": config.evaluate, **scores})


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    flags = ["llm", "index", "mode", "k", "rewrite", "max_turns", "history_turns", "time_budget",
             "evaluate"]  # fmt: skip
    parser = RunParser(PROG, __doc__, ChatRagConfig, flags=flags, llm=True)
    parser.add_field("questions", "-q", "--question", action="append", nargs=None)
    parser.add_field("max_new_tokens", "--max-tokens")
    args = parser.parse_args(argv)
    config = parser.config(args, questions=tuple(args.questions or ()))
    model = load_model(config, args)
    result: Any
    if config.evaluate is not None:
        result = run_evaluation(config, model)
    elif args.smoke:
        result = run_smoke(config, model)
    else:
        result = run(config, model, config.questions or prompt_lines())
    if isinstance(result, Conversation) and result.turns:
        summary_table(result.turns)
    console.print(f"metrics → {save_metrics(result, config, config.out)}")
    return 0
