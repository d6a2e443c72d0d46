"""Does rewriting follow-ups help retrieval? Two-turn conversations over Python's reference.

``conversations.jsonl`` holds hand-written conversations: a first question about one section of
``pydoc_data.topics`` and a follow-up that leans on it ("And how do I turn it off?"). The
follow-up is searched three ways and scored by hit@k (is the section, or a section containing
its text, among the top k?):

- ``as typed``: the follow-up alone, what a chatbot without memory searches;
- ``heuristic``: ``fallback_rewrite`` (the previous question appended), no model;
- ``model``: the chat model's standalone rewrite (``RagChatbot.standalone``).

The first turn is answered by the extractive fake (``ExtractiveChatModel``: the first sentence of
source [1]), so the history the rewriter reads is real retrieval output and only the rewrite
costs a model call. Each conversation has a split: dev (4, for reading misses) and test (8).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from m4_genai.golden.pydoc_corpus import containing_topics, topic_file
from m4_genai.llm.base import ChatModel
from m4_genai.llm.scripted import ExtractiveChatModel
from m4_genai.nlp.chatbot import ChatConfig, RagChatbot, fallback_rewrite
from m4_genai.retrieval.search import Searcher

WAYS = ("as typed", "heuristic", "model")


@dataclass(frozen=True)
class FollowUp:
    id: str
    split: str
    topic: str
    first: str
    follow_up: str

    def sources(self) -> set[str]:
        """Files that answer it: the section and any section repeating its text."""
        return {topic_file(t) for t in [self.topic, *containing_topics(self.topic)]}


def load_conversations(split: str | None = None) -> list[FollowUp]:
    """The two-turn conversations of ``split`` (both when None)."""
    path = resources.files("m4_genai.nlp").joinpath("conversations.jsonl")
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [FollowUp(**row) for row in rows if split in (None, row["split"])]


def evaluate_follow_ups(
    searcher: Searcher, rewriter: ChatModel, conversations: list[FollowUp], k: int = 3
) -> dict[str, Any]:
    """hit@k of the follow-up searched each way, and every query, for reading."""
    rows = []
    for conv in conversations:
        bot = RagChatbot(searcher, ExtractiveChatModel(), ChatConfig(), rewriter=rewriter)
        bot.ask(conv.first)
        rewritten, how = bot.standalone(conv.follow_up, bot.history())
        queries = {
            "as typed": conv.follow_up,
            "heuristic": fallback_rewrite(conv.follow_up, conv.first),
            "model": rewritten,
        }
        row: dict[str, Any] = {"id": conv.id, "model_rewrite_used": how == "model"}
        for way, query in queries.items():
            found = [hit.chunk.source for hit in searcher.search(query, k=k)]
            row[way] = {"query": query, "hit": bool(conv.sources() & set(found)), "top": found}
        rows.append(row)
    hit_rates = {way: sum(r[way]["hit"] for r in rows) / len(rows) if rows else 0.0 for way in WAYS}
    return {"k": k, "n": len(rows), "hit_at_k": hit_rates, "rows": rows}
