"""The RAG chatbot: follow-ups rewritten against the history (by the model, else the fallback),
retrieval with the rewrite on a real index, [n] citations, bounded per-conversation memory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from m4_genai.cli.chat_rag import main
from m4_genai.errors import GenAIError
from m4_genai.golden import write_pydoc_corpus
from m4_genai.llm import ScriptedChatModel, load_chat_model
from m4_genai.nlp.chat_eval import evaluate_follow_ups, load_conversations
from m4_genai.nlp.chatbot import (
    ChatConfig,
    RagChatbot,
    accept_rewrite,
    cited_sources,
    fallback_rewrite,
    looks_like_follow_up,
)
from m4_genai.retrieval import Chunk, Hit, Searcher, default_embedder, index_files, make_searcher
from m4_genai.retrieval.index import ChunkIndex

TOPICS = ["assert", "for", "while", "with", "global"]  # 12 chunks (try.txt alone is 9)
FIRST, FOLLOW_UP = "What does the assert statement do?", "And how do I disable it?"


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    """Five real sections of Python's reference, indexed with MiniLM (hybrid search): the one
    real-embedder check of this file, shared by its tests."""
    files = [(p, p.name) for p in write_pydoc_corpus(tmp_path_factory.mktemp("corpus"), TOPICS)]
    index = ChunkIndex(tmp_path_factory.mktemp("index"), "chat", embedder=default_embedder())
    index_files(index, files, progress=False)
    return make_searcher(index, "hybrid")


def test_the_model_rewrites_a_follow_up_and_retrieval_finds_the_right_section(
    searcher: Searcher,
) -> None:
    model = ScriptedChatModel(
        [
            "It checks a condition and raises AssertionError when it is false [1].",
            "Standalone question: How do I disable the assert statement?",
            "Run Python with the -O option: assertions are then not compiled [1].",
        ]
    )
    bot = RagChatbot(searcher, model)
    first = bot.ask(FIRST)
    assert first.rewritten_by == "none" and first.standalone == FIRST  # nothing to rewrite yet
    turn = bot.ask(FOLLOW_UP)
    assert (turn.standalone, turn.rewritten_by) == (
        "How do I disable the assert statement?",
        "model",
    )
    rewrite_prompt = model.calls[1][-1]["content"]
    assert FIRST in rewrite_prompt and FOLLOW_UP in rewrite_prompt
    assert "[1]" not in rewrite_prompt  # old citations point at other sources: stripped
    assert turn.answer.hits[0].chunk.source == "assert.txt"
    assert "Question: How do I disable the assert statement?" in model.calls[2][-1]["content"]
    assert turn.cited() == [f"[1] {turn.answer.hits[0].chunk.citation}"]
    assert [t.question for t in bot.history()] == [FIRST, FOLLOW_UP]


@pytest.mark.parametrize("reply", ["", "I don't know.", "Assertions " * 60])
def test_an_unusable_rewrite_falls_back_to_the_history(searcher: Searcher, reply: str) -> None:
    model = ScriptedChatModel(["Assertions check conditions [1].", reply, "Use -O [1]."])
    turn = (bot := RagChatbot(searcher, model)).ask(FIRST) and bot.ask(FOLLOW_UP)
    assert turn.rewritten_by == "fallback" and "assert" in turn.standalone
    assert turn.answer.hits[0].chunk.source == "assert.txt"


def test_without_a_rewrite_the_follow_up_alone_misses_the_section(searcher: Searcher) -> None:
    """Why rewriting matters: searched as typed, the follow-up does not find ``assert``."""
    hits = searcher.search(FOLLOW_UP, k=1)
    assert hits[0].chunk.source != "assert.txt"


def test_the_heuristic_rewriter_makes_no_model_call(searcher: Searcher) -> None:
    model = ScriptedChatModel(["Assertions check conditions [1].", "Use -O [1]."])
    bot = RagChatbot(searcher, model, ChatConfig(rewrite="heuristic"))
    bot.ask(FIRST)
    turn = bot.ask(FOLLOW_UP)
    assert turn.rewritten_by == "heuristic" and len(model.calls) == 2
    assert turn.answer.hits[0].chunk.source == "assert.txt"


class FixedSearcher:
    """The same hit for every question (memory tests need no index)."""

    def search(self, query: str, k: int = 3, where: Any = None) -> list[Hit]:
        return [Hit(Chunk("The registry maps names to files.", "registry.py", 0, 12), 0.9, 0.9)]


def test_memory_is_bounded_and_kept_per_conversation() -> None:
    model = ScriptedChatModel([lambda messages: "The registry [1]."] * 20)
    config = ChatConfig(max_turns=2, max_conversations=2, rewrite="heuristic", refusal="thresholds")
    bot = RagChatbot(FixedSearcher(), model, config)
    for question in ("Where is the registry?", "And what does it map?", "What about loaders?"):
        bot.ask(question, "alice")
    assert [t.question for t in bot.history("alice")] == [
        "And what does it map?",
        "What about loaders?",
    ]
    first_of_bob = bot.ask("And what does it do?", "bob")
    assert first_of_bob.rewritten_by == "none"  # bob's first turn: alice's history is not his
    bot.ask("Where is the registry?", "carol")  # a third conversation: the oldest, alice, goes
    assert bot.conversations() == ["bob", "carol"] and bot.history("alice") == []
    bot.reset("bob")
    assert bot.history("bob") == []
    with pytest.raises(GenAIError, match="empty"):
        bot.ask("   ", "carol")


def test_rewrite_helpers() -> None:
    assert looks_like_follow_up("and how do I disable it?") and looks_like_follow_up("Why?")
    assert not looks_like_follow_up("What does the global statement do?")
    assert fallback_rewrite("What is a lambda?", "What does assert do?") == "What is a lambda?"
    assert (
        fallback_rewrite("and it?", "What does assert do?")
        == "and it? (about: What does assert do?)"
    )
    assert accept_rewrite('Rewritten question: "How do I disable asserts?"', "and it?") == (
        "How do I disable asserts?"
    )
    assert accept_rewrite("One.\nTwo.\nThree.", "and it?") is None
    hits = FixedSearcher().search("x")
    assert cited_sources("See [1], [1] and [4].", hits) == ["[1] registry.py:12"]


def test_cli_rejects_an_empty_index_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """(``chat-rag --smoke`` itself runs in tests/test_console_smoke_genai.py.)"""
    out = tmp_path / "out"
    argv = ["-q", "What is it?", "--index", str(tmp_path / "empty"), "--llm", "scripted"]
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "error: the index is empty" in err and err.count("\n") == 1


def test_follow_up_evaluation_scores_each_way_of_searching(searcher: Searcher) -> None:
    conversations = load_conversations()
    assert {c.split for c in conversations} == {"dev", "test"} and len(conversations) == 12
    assert not {c.id for c in load_conversations("dev")} & {
        c.id for c in load_conversations("test")
    }
    (assert_conv,) = [c for c in conversations if c.topic == "assert"]
    rewriter = ScriptedChatModel(["How do I turn off the assert statement?"])
    scores = evaluate_follow_ups(searcher, rewriter, [assert_conv], k=3)
    row = scores["rows"][0]
    assert row["model"]["query"] == "How do I turn off the assert statement?"
    assert row["model_rewrite_used"] and row["model"]["hit"] and row["heuristic"]["hit"]
    assert scores["hit_at_k"]["model"] == 1.0 and scores["n"] == 1


@pytest.mark.extended
def test_the_local_model_rewrites_the_follow_up(searcher: Searcher) -> None:
    """Qwen2.5-Coder 0.5B through llama.cpp does the rewrite (≈ 100 s on a shared 2-core
    machine, so left out of the default run: ``uv run pytest -m extended``)."""
    from roadmap_data.models import chat_model, model_file

    if model_file(chat_model("qwen2.5-coder-0.5b")) is None:
        pytest.skip(
            "qwen2.5-coder-0.5b is not installed (`uv run download-data qwen2.5-coder-0.5b`)"
        )
    model = load_chat_model("local", model="qwen2.5-coder-0.5b", context_window=2048)
    bot = RagChatbot(searcher, model, ChatConfig(max_new_tokens=32, context_tokens=2048))
    bot.ask(FIRST)
    turn = bot.ask(FOLLOW_UP)
    assert turn.rewritten_by == "model", turn.standalone
    assert "assert" in turn.standalone.lower() and "disable" in turn.standalone.lower()
    assert turn.answer.hits[0].chunk.source == "assert.txt"
