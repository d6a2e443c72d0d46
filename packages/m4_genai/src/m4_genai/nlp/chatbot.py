"""A multi-turn chatbot over the RAG index: it remembers the conversation and rewrites follow-ups.

    "What does the assert statement do?"  ──▶ rag.answer ──▶ "... [1]"
    "And how do I disable it?"
        ──rewrite (history + question → model)──▶ "How do I disable the assert statement?"
        ──▶ rag.answer (retrieve with the rewrite, cite [n]) ──▶ "... -O ... [1]"

A follow-up alone is a poor search query: "how do I disable it?" shares no word with the section
on ``assert``. So before retrieving, the model rewrites the question into a **standalone** one
against the last few turns (the "condense question" step of conversational RAG). A small model
can botch that: reply with an answer, an essay or nothing. ``accept_rewrite`` rejects such
replies, and then a **fallback** that needs no model takes over: a question that looks like a
follow-up ("and ...", "it", "that") gets the previous standalone question appended, which puts
its words (``assert``) back into the query.

The answer itself comes from month 4's chain (``rag.answer``) given the standalone question: the
same retrieval, "I don't know" rule and numbered sources ``[1] path:line``. Past answers are not
put in the answer prompt: their ``[n]`` pointed at other sources, and the standalone question
already carries what the answer needs, which keeps the prompt short for a small model on a CPU.

Memory is bounded twice: each conversation keeps its last ``max_turns`` turns (a deque), and the
bot keeps at most ``max_conversations`` conversations, dropping the least recently used.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from m4_genai.errors import GenAIError
from m4_genai.llm.base import ChatModel, Message
from m4_genai.rag import I_DONT_KNOW, RagAnswer, RagConfig, answer
from m4_genai.retrieval.chunks import Hit
from m4_genai.retrieval.search import Searcher
from roadmap_data.runkit import require_at_least

REWRITE_SYSTEM = (
    "You rewrite the user's last question so that it can be understood without the "
    "conversation. Replace words like 'it', 'that' or 'this one' with what they refer to, keep "
    "the meaning, and do not answer. Reply with the rewritten question only."
)
Rewriter = Literal["model", "heuristic", "off"]
_FOLLOW_UP = re.compile(
    r"^\s*(and|but|also|so|then|what about|how about|why|same)\b"
    r"|\b(it|its|it's|they|them|their|this|that|these|those|one|there|he|she)\b",
    re.IGNORECASE,
)
_CITATION = re.compile(r"\[(\d+)\]")
_LABEL = re.compile(r"^\s*(standalone|rewritten)?\s*(question)?\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class ChatConfig(RagConfig):
    """The RAG chain's settings (``RagConfig``) plus the conversation's."""

    PRESETS: ClassVar = RagConfig.PRESETS

    max_turns: int = 8
    """Turns each conversation remembers (older ones are forgotten)."""
    history_turns: int = 3
    """Of those, the latest turns shown to the rewriter (a longer prompt: slower, more confusing)."""
    rewrite: Rewriter = "model"
    """How follow-ups become standalone questions: model (fallback if its reply is unusable), heuristic (the fallback alone, no model call), off."""
    rewrite_tokens: int = 64
    """Cap on the rewritten question, in tokens."""
    answer_chars: int = 300
    """Characters of each past answer shown to the rewriter."""
    max_conversations: int = 100
    """Conversations kept at once; the least recently used is dropped first."""

    def validate(self) -> None:
        super().validate()
        require_at_least(1, max_turns=self.max_turns, rewrite_tokens=self.rewrite_tokens)
        require_at_least(1, max_conversations=self.max_conversations)
        require_at_least(0, history_turns=self.history_turns, answer_chars=self.answer_chars)


@dataclass
class Turn:
    """One question and its answer, with the standalone question it was answered as."""

    question: str
    standalone: str
    answer: RagAnswer
    rewritten_by: str = "none"
    """``none`` (first turn, or rewriting off), ``model``, ``fallback`` or ``heuristic``."""
    seconds: float = 0.0

    @property
    def text(self) -> str:
        return self.answer.text

    def cited(self) -> list[str]:
        """``[n] path:line`` of the sources the answer cites (numbers past the sources dropped)."""
        return cited_sources(self.answer.text, self.answer.hits)


def cited_sources(text: str, hits: Sequence[Hit]) -> list[str]:
    """The citations of the ``[n]`` markers in ``text`` that name a real source, in order."""
    numbers = dict.fromkeys(int(n) for n in _CITATION.findall(text))
    return [f"[{n}] {hits[n - 1].chunk.citation}" for n in numbers if 1 <= n <= len(hits)]


def looks_like_follow_up(question: str) -> bool:
    """True when the question leans on what came before ("and ...?", "it", "that one")."""
    return bool(_FOLLOW_UP.search(question))


def fallback_rewrite(question: str, previous: str) -> str:
    """No model: a follow-up gets the previous standalone question appended (its words are
    what retrieval needs); any other question is taken as it is."""
    if not previous or not looks_like_follow_up(question):
        return question
    return f"{question.rstrip()} (about: {previous})"


def accept_rewrite(reply: str, question: str) -> str | None:
    """The model's rewrite cleaned up, or None when it is unusable: empty, "I don't know", more
    than one line of content or much longer than a question (the model answered instead)."""
    lines = [line.strip() for line in reply.strip().splitlines() if line.strip()]
    if not lines:
        return None
    candidate = _LABEL.sub("", lines[0]).strip().strip("\"'`“”").strip()
    words = len(candidate.split())
    if not candidate or candidate.rstrip(".").lower() == I_DONT_KNOW.rstrip(".").lower():
        return None
    if words > max(40, 3 * len(question.split())) or len(lines) > 2:
        return None
    return candidate


def rewrite_messages(question: str, turns: Sequence[Turn], answer_chars: int) -> list[Message]:
    """The rewriter's prompt: the recent turns as a transcript, then the question to rewrite.
    Citation markers are stripped from past answers: their numbers mean nothing here."""
    lines = []
    for turn in turns:
        said = " ".join(_CITATION.sub("", turn.text).split())[:answer_chars]
        lines += [f"User: {turn.standalone}", f"Assistant: {said}"]
    transcript = "\n".join(lines)
    user = f"Conversation:\n{transcript}\n\nLast question: {question}\nRewritten question:"
    return [{"role": "system", "content": REWRITE_SYSTEM}, {"role": "user", "content": user}]


class RagChatbot:
    """Answers questions from ``searcher`` with ``model``, one memory per conversation id.

    >>> bot = RagChatbot(searcher, model)                          # doctest: +SKIP
    >>> bot.ask("What does the assert statement do?", "alice").text  # doctest: +SKIP
    >>> bot.ask("And how do I disable it?", "alice").standalone      # doctest: +SKIP
    'How do I disable the assert statement?'
    """

    def __init__(
        self,
        searcher: Searcher,
        model: ChatModel,
        config: ChatConfig | None = None,
        rewriter: ChatModel | None = None,
    ) -> None:
        self.searcher, self.model = searcher, model
        self.rewriter = rewriter or model
        """The model that rewrites follow-ups: the answering one unless told otherwise (a
        small fast model can rewrite while a bigger one answers)."""
        self.config = config or ChatConfig()
        self._memory: OrderedDict[str, deque[Turn]] = OrderedDict()

    def history(self, conversation: str = "default") -> list[Turn]:
        """The turns remembered for ``conversation``, oldest first."""
        return list(self._memory.get(conversation, ()))

    def conversations(self) -> list[str]:
        """Ids of the conversations remembered, least recently used first."""
        return list(self._memory)

    def reset(self, conversation: str = "default") -> None:
        """Forget ``conversation``."""
        self._memory.pop(conversation, None)

    def _turns(self, conversation: str) -> deque[Turn]:
        if conversation not in self._memory:
            self._memory[conversation] = deque(maxlen=self.config.max_turns)
            while len(self._memory) > self.config.max_conversations:
                self._memory.popitem(last=False)  # the least recently used conversation
        self._memory.move_to_end(conversation)
        return self._memory[conversation]

    def standalone(self, question: str, turns: Sequence[Turn]) -> tuple[str, str]:
        """``(standalone question, how it was made)`` for ``question`` after ``turns``."""
        recent = list(turns)[-self.config.history_turns :] if self.config.history_turns else []
        if not recent or self.config.rewrite == "off":
            return question, "none"
        previous = recent[-1].standalone
        if self.config.rewrite == "heuristic":
            return fallback_rewrite(question, previous), "heuristic"
        messages = rewrite_messages(question, recent, self.config.answer_chars)
        reply = self.rewriter.chat(messages, max_tokens=self.config.rewrite_tokens, temperature=0)
        rewritten = accept_rewrite(reply.text, question)
        if rewritten is None:
            return fallback_rewrite(question, previous), "fallback"
        return rewritten, "model"

    def ask(self, question: str, conversation: str = "default") -> Turn:
        """Answer ``question`` in ``conversation``: rewrite, retrieve, answer, remember."""
        if not question.strip():
            raise GenAIError("the question is empty")
        start = time.perf_counter()
        turns = self._turns(conversation)
        standalone, how = self.standalone(question.strip(), turns)
        result = answer(standalone, self.searcher, self.model, self.config)
        turn = Turn(question.strip(), standalone, result, how, time.perf_counter() - start)
        turns.append(turn)
        return turn
