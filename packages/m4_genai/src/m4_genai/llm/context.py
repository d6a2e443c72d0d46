"""Fitting a conversation into a model's context window, by one stated rule, never by crashing.

A model attends to at most ``context_window`` tokens (8192 for SmolLM2, read from its config),
and those must hold the prompt *and* the answer. So the prompt gets ``budget = context_window -
max_tokens`` tokens. When a conversation is longer we cut it like this:

1. Keep every system message (the instructions) and the last message (the question) untouched.
2. Drop whole turns in between, oldest first: old chit-chat matters least.
3. If it is still too long, cut tokens out of the *middle* of the longest remaining user message
   (usually retrieved sources pasted before the question), keeping its head and tail, and mark the
   cut with ``[... N tokens cut ...]``. The middle goes first because instructions tend to sit at
   the start of a prompt and the question at its end ("lost in the middle": models use the middle
   least anyway).

The functions take the tokenizer as two plain callables so tests can use a whitespace tokenizer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from m4_genai.errors import ContextLengthError
from m4_genai.llm.base import Message

CountTokens = Callable[[list[Message]], int]
"""Tokens the whole conversation takes once rendered with the chat template."""


@dataclass(frozen=True)
class TextCodec:
    """Encode text to token ids and back (for cutting inside one message)."""

    encode: Callable[[str], list[int]]
    decode: Callable[[list[int]], str]


@dataclass
class FitReport:
    """What ``fit_to_budget`` did, so callers can tell the user (and tests can check)."""

    messages: list[Message]
    tokens: int
    dropped_messages: int = 0
    cut_tokens: int = 0

    @property
    def truncated(self) -> bool:
        return self.dropped_messages > 0 or self.cut_tokens > 0


def cut_middle(text: str, n_cut: int, codec: TextCodec) -> str:
    """Remove ``n_cut`` tokens from the middle of ``text``, leaving a marker where they were."""
    ids = codec.encode(text)
    if n_cut <= 0:
        return text
    n_cut = min(n_cut, len(ids))
    keep = len(ids) - n_cut
    head = ids[: (keep + 1) // 2]
    tail = ids[len(ids) - keep // 2 :]
    return f"{codec.decode(head)} [... {n_cut} tokens cut ...] {codec.decode(tail)}"


def fit_to_budget(
    messages: list[Message], budget: int, count: CountTokens, codec: TextCodec
) -> FitReport:
    """Apply the module's rule until ``count(messages) <= budget``; see the module docstring."""
    if budget <= 0:
        raise ContextLengthError(f"no room for a prompt: the token budget is {budget}")
    messages = [dict(message) for message in messages]
    tokens = count(messages)
    report = FitReport(messages, tokens)
    # Step 2: drop the oldest turns that are neither system messages nor the last message.
    while tokens > budget:
        middle = [i for i in range(len(messages) - 1) if messages[i]["role"] != "system"]
        if not middle:
            break
        del messages[middle[0]]
        report.dropped_messages += 1
        tokens = count(messages)
    # Step 3: cut the middle of the longest user message; re-count, since re-encoding text around
    # the cut (and the marker itself) can shift the total by a few tokens.
    for _ in range(8):
        if tokens <= budget:
            break
        users = [i for i, m in enumerate(messages) if m["role"] == "user"] or [len(messages) - 1]
        longest = max(users, key=lambda i: len(str(messages[i].get("content", ""))))
        content = str(messages[longest].get("content", ""))
        n_cut = tokens - budget + 16  # 16: room for the marker and boundary effects
        if not codec.encode(content):
            break
        messages[longest] = {**messages[longest], "content": cut_middle(content, n_cut, codec)}
        report.cut_tokens += n_cut
        tokens = count(messages)
    if tokens > budget:
        raise ContextLengthError(
            f"the prompt needs {tokens} tokens even after truncation, but only {budget} fit "
            "(the system messages alone are too long: shorten them or lower max_tokens)"
        )
    report.messages, report.tokens = messages, tokens
    return report
