"""The RAG chain: numbered sources in the prompt, citations, "I don't know", the context rule."""

from __future__ import annotations

from typing import Any

import pytest

from m4_genai.llm import ScriptedChatModel, load_chat_model
from m4_genai.rag import (
    I_DONT_KNOW,
    MIN_SOURCE_TOKENS,
    SYSTEM_PROMPT,
    RagConfig,
    answer,
    build_messages,
    estimate_tokens,
    fit_sources,
)
from m4_genai.retrieval import Chunk, Hit, Searcher
from roadmap_data.runkit import ConfigError


def hit(text: str, source: str = "a.py", line: int = 1, similarity: float = 0.6) -> Hit:
    return Hit(Chunk(text, source, start_line=line), similarity, similarity)


class FixedRetriever:
    """Returns the same hits for every question (the chain only needs ``search``)."""

    def __init__(self, hits: list[Hit]) -> None:
        self.hits = hits
        self.calls: list[dict[str, Any]] = []

    def search(self, query: str, k: int = 3, where: Any = None) -> list[Hit]:
        self.calls.append({"query": query, "k": k, "where": where})
        return self.hits[:k]


def test_a_duck_typed_searcher_satisfies_the_protocol() -> None:
    assert isinstance(FixedRetriever([]), Searcher)


HITS = [
    hit("The registry maps names to files.", "registry.py", 12, 0.7),
    hit("Loaders read the files.", "loaders.py", 3, 0.5),
    hit("Paths decide the data folder.", "paths.py", 20, 0.4),
]


def test_prompt_numbers_sources_with_their_citations() -> None:
    messages, truncated = build_messages("Where is the registry?", HITS, RagConfig())
    user = messages[-1]["content"]
    assert not truncated
    assert "[1] registry.py:12\nThe registry maps names to files." in user
    assert user.index("[1]") < user.index("[2]") < user.index("[3]") < user.index("Question:")
    assert "[1], [2]" in messages[0]["content"]
    assert "I don't know" not in messages[0]["content"]  # the chain refuses before the model


def test_answer_passes_the_model_reply_and_sources_through() -> None:
    model = ScriptedChatModel(["The registry lives in registry.py [1]."])
    retriever = FixedRetriever(HITS)
    where = {"source": {"$ne": "paths.py"}}
    result = answer("Where is the registry?", retriever, model, RagConfig(k=2), where)
    assert result.text == "The registry lives in registry.py [1]."
    assert result.citations() == ["[1] registry.py:12", "[2] loaders.py:3"]
    assert retriever.calls == [{"query": "Where is the registry?", "k": 2, "where": where}]
    assert "[2] loaders.py:3" in model.calls[0][-1]["content"]


def test_extractive_scripted_model_cites_the_first_source() -> None:
    result = answer("Where is the registry?", FixedRetriever(HITS), load_chat_model("scripted"))
    assert result.text.endswith("[1]")
    assert "registry.py:12" in result.text


def test_irrelevant_retrieval_answers_i_dont_know_without_the_model() -> None:
    weak = [hit("Unrelated text.", similarity=0.1)]
    model = ScriptedChatModel([])  # any call would raise ScriptExhaustedError
    result = answer("What is the capital of Peru?", FixedRetriever(weak), model)
    assert result.text == I_DONT_KNOW and not result.answered and model.calls == []
    assert answer("q", FixedRetriever([]), model).text == I_DONT_KNOW


def test_long_sources_are_fitted_by_the_stated_rule() -> None:
    config = RagConfig(context_tokens=400, max_new_tokens=50)
    long_hits = [hit("word " * 300, "a.txt"), hit("second " * 300, "b.txt"), hit("third", "c.txt")]
    blocks, question, truncated = fit_sources("Short question?", long_hits, config)
    assert truncated and question == "Short question?"
    assert len(blocks) == 1 and blocks[0].startswith("[1] a.txt:1") and blocks[0].endswith("[…]")
    messages, _ = build_messages("Short question?", long_hits, config)
    total = sum(estimate_tokens(m["content"]) for m in messages)
    assert total <= config.context_tokens - config.max_new_tokens


def test_a_source_too_small_to_be_useful_is_dropped_not_cut() -> None:
    config = RagConfig(context_tokens=700, max_new_tokens=50)
    # The budget fit_sources states: context − answer − system prompt − 16 − the question.
    budget = 700 - 50 - estimate_tokens(SYSTEM_PROMPT) - 16 - estimate_tokens("q")
    header = estimate_tokens("[1] a.txt:1\n") + 1
    first = hit("a" * 3 * (budget - header - MIN_SOURCE_TOKENS // 2), "a.txt")  # fits, < 50 left
    blocks, _, truncated = fit_sources("q", [first, hit("b " * 2000, "b.txt")], config)
    assert truncated and len(blocks) == 1 and not blocks[0].endswith("[…]")
    roomier = RagConfig(context_tokens=700 + 3 * MIN_SOURCE_TOKENS, max_new_tokens=50)
    blocks, _, _ = fit_sources("q", [first, hit("b " * 2000, "b.txt")], roomier)
    assert len(blocks) == 2 and blocks[1].endswith("[…]")


def test_a_giant_question_is_cut_never_crashes() -> None:
    config = RagConfig(context_tokens=300, max_new_tokens=50)
    messages, truncated = build_messages("why " * 5000, HITS, config)
    assert truncated
    # The stated rule: the prompt fits the context window minus the answer's room.
    prompt_tokens = sum(estimate_tokens(m["content"]) for m in messages)
    assert prompt_tokens <= config.context_tokens - config.max_new_tokens
    assert "why why" in messages[-1]["content"] and "[…]" in messages[-1]["content"]


def test_config_presets_and_unknown_keys() -> None:
    assert RagConfig.preset("tiny").context_tokens < RagConfig.preset("full").context_tokens
    assert RagConfig.from_dict({"k": 5}).k == 5
    with pytest.raises(ConfigError, match=r"unknown RagConfig key\(s\): top_k"):
        RagConfig.from_dict({"top_k": 5})
    with pytest.raises(ConfigError, match="unknown preset 'huge'"):
        RagConfig.preset("huge")
    with pytest.raises(ConfigError, match="one of 'dense', 'bm25', 'hybrid'"):
        RagConfig(mode="fuzzy")
    with pytest.raises(ConfigError, match="leaves no room for sources"):
        RagConfig(context_tokens=200, max_new_tokens=150)
