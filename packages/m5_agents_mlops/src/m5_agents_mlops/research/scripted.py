"""``ScriptedResearcher``: a rule-following stand-in for the model, for ``research --smoke``.

A test script (``ScriptedChatModel``) needs the URLs in advance; a smoke run against a site on a
random port does not know them. This fake decides from the conversation instead, exactly as the
prompts ask a model to (with the ``native`` tool channel):

- with tools: search for the topic first; then fetch the listed URLs in order, up to
  ``max_fetches``; then answer ``done``;
- summarising a page: its first two sentences;
- writing the overview: the first sentence of each summary, cited ``[n]``.

So the whole pipeline runs end to end, deterministically, with no model at all.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Sequence
from typing import Any

from m4_genai.llm import ChatResult, Message, ToolCall, ToolSpec

_URL = re.compile(r"https?://[^\s<>\"')]+")
_SENTENCES = re.compile(r"(?<=[.!?])\s+")
_BLOCK = re.compile(r"<untrusted_(\w+)[^>]*>\n(.*?)\n</untrusted_\1>", re.DOTALL)
_SUMMARY_LINE = re.compile(r"^\[(\d+)\] [^:]*: (.*)$", re.MULTILINE)


class ScriptedResearcher:
    """Deterministic research "model": search, fetch the top hits, summarise extractively."""

    name = "scripted-researcher"

    def __init__(self, max_fetches: int = 3, **common: Any) -> None:
        # max_tokens, seed... are accepted and ignored, like the other fakes.
        self.max_fetches = max_fetches
        self.calls: list[list[Message]] = []

    def chat(
        self, messages: list[Message], tools: Sequence[ToolSpec] | None = None, **opts: Any
    ) -> ChatResult:
        self.calls.append(copy.deepcopy(messages))
        prompt_tokens = sum(len(str(m.get("content") or "").split()) for m in messages)
        if tools:
            call = self.next_call(messages)
            if call is not None:
                return ChatResult(
                    "", [call], prompt_tokens, 0, finish_reason="tool_calls", model=self.name
                )
            text = "done"
        else:
            text = self.write(str(messages[-1].get("content") or ""))
        return ChatResult(text, [], prompt_tokens, len(text.split()), model=self.name)

    def next_call(self, messages: list[Message]) -> ToolCall | None:
        """The next tool call, or None when the research is done."""
        calls = [c for m in messages for c in m.get("tool_calls") or ()]
        if not any(c["function"]["name"] == "search_web" for c in calls):
            topic = str(messages[1].get("content") or "").removeprefix("Topic:").strip()
            return ToolCall(f"call_{len(calls) + 1}", "search_web", {"query": topic})
        outcomes = {
            m.get("tool_call_id"): str(m.get("content")) for m in messages if m["role"] == "tool"
        }
        fetches = [c for c in calls if c["function"]["name"] == "fetch_page"]
        read = [c for c in fetches if not outcomes.get(c["id"], "").startswith("error")]
        if len(read) >= self.max_fetches:
            return None
        results = next(
            (
                str(m["content"])
                for m in reversed(messages)
                if m.get("role") == "tool" and "<untrusted_search_results" in str(m.get("content"))
            ),
            "",  # the search found nothing: nothing to fetch
        )
        for url in _URL.findall(results):
            if not any(f'"{url}"' in c["function"]["arguments"] for c in fetches):
                return ToolCall(f"call_{len(calls) + 1}", "fetch_page", {"url": url})
        return None

    @staticmethod
    def write(prompt: str) -> str:
        """A summary (first two sentences of the page) or an overview (one cited sentence each)."""
        blocks = dict((kind, body) for kind, body in _BLOCK.findall(prompt))
        if "summaries" in blocks:
            sentences = [
                f"{first_sentences(summary, 1).rstrip('.')} [{n}]."
                for n, summary in _SUMMARY_LINE.findall(blocks["summaries"])
            ]
            return " ".join(sentences) or "The sources say nothing on this topic."
        return first_sentences(blocks.get("page", ""), 2) or "The page has no readable text."

    def stream(self, messages: list[Message], **opts: Any) -> Iterator[str]:
        yield self.chat(messages, **opts).text


def first_sentences(text: str, count: int) -> str:
    """The first ``count`` sentences of ``text``, on one line, after any leading headings
    (short lines without a full stop: "Covering indexes")."""
    lines = text.strip().splitlines()
    while len(lines) > 1 and len(lines[0]) < 80 and not lines[0].rstrip().endswith((".", "!", "?")):
        lines.pop(0)
    return " ".join(_SENTENCES.split(" ".join(" ".join(lines).split()))[:count])
