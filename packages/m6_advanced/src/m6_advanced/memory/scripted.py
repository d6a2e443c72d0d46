"""A programmatic stand-in for the reflection model, for ``--smoke`` runs (labelled as such).

It reads the two reflection prompts the way a very literal reader would: the questions are about
the content words that recur most in the recent memories, and each "insight" notes a recurring
word and cites the statements that contain it. Deterministic, instant, and always well-formed
(with valid citations), so a smoke run exercises the whole reflection path without a model. What
it writes is word counting, not insight: the real thing is ``--llm local``.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from m4_genai.llm import ChatResult, Message, ToolSpec
from m6_advanced.hashing_embedder import features

_STATEMENT = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)
_COUNT = re.compile(r"(\d+) (?:most salient|high-level)", re.IGNORECASE)
_SUBJECT = re.compile(r"^Statements about (.+)$", re.MULTILINE)


def content_words(text: str) -> list[str]:
    """Lower-case words minus stop words (the hashing embedder's word features)."""
    return [f[2:] for f in features(text) if f.startswith("w:")]


def recurring_words(texts: Sequence[str], n: int, exclude: set[str]) -> list[str]:
    """The ``n`` words found in the most texts (ties: first seen first), minus ``exclude``."""
    counts = Counter(w for text in texts for w in dict.fromkeys(content_words(text)))
    ranked = [w for w, _ in counts.most_common() if w not in exclude and len(w) > 3]
    return ranked[:n]


class KeywordReflectionModel:
    """Answers the question and insight prompts of ``reflection.py`` from word counts."""

    name = "keyword-reflection (smoke stand-in)"

    def __init__(self) -> None:
        self.calls: list[list[Message]] = []

    def reply(self, prompt: str) -> dict[str, Any]:
        """The JSON object for one prompt."""
        wanted = int(m.group(1)) if (m := _COUNT.search(prompt)) else 3
        subject = m.group(1) if (m := _SUBJECT.search(prompt)) else ""
        exclude = set(content_words(subject)) | {"maya", "said"}
        if "high-level insights" in prompt:
            statements = {int(i): text for i, text in _STATEMENT.findall(prompt)}
            insights = []
            for word in recurring_words(list(statements.values()), wanted, exclude):
                cited = [i for i, text in statements.items() if word in content_words(text)][:3]
                insights.append(
                    {"insight": f"{subject or 'The agent'} keeps dealing with {word}",
                     "because_of": cited}
                )  # fmt: skip
            return {"insights": insights}
        statements_text = prompt.split("\n\nGiven only", 1)[0].splitlines()
        words = recurring_words(statements_text, wanted, exclude)
        return {"questions": [f"What is happening with the {word}?" for word in words]}

    def chat(
        self, messages: list[Message], tools: Sequence[ToolSpec] | None = None, **opts: Any
    ) -> ChatResult:
        self.calls.append(copy.deepcopy(messages))
        text = json.dumps(self.reply(str(messages[-1].get("content", ""))))
        return ChatResult(text, [], 0, len(text.split()), model=self.name)

    def stream(self, messages: list[Message], **opts: Any) -> Iterator[str]:
        yield self.chat(messages, **opts).text
