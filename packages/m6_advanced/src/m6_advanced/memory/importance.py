"""Importance: how much a memory matters, from 1 (mundane) to 10 (poignant), rated once at creation.

The paper asks the language model directly, with this prompt (§4.1, quoted word for word in
``IMPORTANCE_PROMPT``), and stores the integer with the memory. Here the reply is *structured*
(``ask_structured`` with ``{"rating": <integer 1-10>}``): llama.cpp turns the schema into a
grammar, so a small model cannot ramble instead of answering.

What happens to a bad rating (tests pin it down):
- a number outside 1-10 (``0``, ``11``, ``-3``) is **clamped** into the range: the model meant
  "very low" or "very high", and the scale's ends say that;
- a reply that is not ``{"rating": <integer>}`` at all (prose, ``7.5``, broken JSON) raises
  ``ImportanceError``: a clear one-line error rather than a made-up number.

``HeuristicImportanceRater`` needs no model: keyword levels written by hand for ``--smoke`` and
tests. It is a labelled stand-in, not a measurement of anything.
"""

from __future__ import annotations

import re
from typing import Protocol

import pydantic

from m4_genai.errors import LLMError
from m4_genai.llm import ChatModel, ask_structured
from m6_advanced.memory.stream import MemoryStreamError

IMPORTANCE_PROMPT = (
    "On the scale of 1 to 10, where 1 is purely mundane (e.g., brushing teeth, making bed) and "
    "10 is extremely poignant (e.g., a break up, college acceptance), rate the likely poignancy "
    "of the following piece of memory.\nMemory: {memory}\nRating: <fill in>"
)
"""The paper's prompt (Park et al. 2023, §4.1), with the memory filled in."""

STRUCTURED_HINT = '\nReply with JSON: {"rating": <integer from 1 to 10>}'
"""Our only addition: the reply's shape (the grammar enforces it; the words help the model)."""

LOWEST, HIGHEST = 1, 10


class ImportanceError(MemoryStreamError):
    """The model's reply contains no integer rating."""


class ImportanceRating(pydantic.BaseModel):
    """The structured reply, as we read it: one integer (any; ``clamp`` brings it into range)."""

    rating: int = pydantic.Field(strict=True)


RATING_SCHEMA = {
    "type": "object",
    "properties": {"rating": {"type": "integer", "minimum": LOWEST, "maximum": HIGHEST}},
    "required": ["rating"],
    "additionalProperties": False,
}
"""What the model is asked for. Under llama.cpp's grammar the range holds by construction; a
server without grammars may still send 0 or 11, which ``clamp`` handles."""


class ImportanceRater(Protocol):
    """Anything that rates a memory's text from 1 to 10."""

    name: str

    def rate(self, text: str) -> int: ...


def clamp(rating: int) -> int:
    """A rating forced into 1-10: 0 → 1, 11 → 10 (the scale's ends mean "extremely")."""
    return max(LOWEST, min(HIGHEST, rating))


def importance_messages(text: str) -> list[dict[str, str]]:
    """The one-message conversation that asks for the rating of ``text``."""
    return [{"role": "user", "content": IMPORTANCE_PROMPT.format(memory=text) + STRUCTURED_HINT}]


class LLMImportanceRater:
    """Rates with a chat model and the paper's prompt; greedy, so a rerun gives the same numbers."""

    def __init__(self, model: ChatModel, max_tokens: int = 24) -> None:
        self.model = model
        self.name = f"llm:{model.name}"
        self.max_tokens = max_tokens

    def rate(self, text: str) -> int:
        """The model's rating of ``text``, clamped to 1-10; ``ImportanceError`` if it gives none."""
        try:
            value = ask_structured(
                self.model,
                importance_messages(text),
                RATING_SCHEMA,
                max_tokens=self.max_tokens,
                temperature=0.0,
            )
            reply = ImportanceRating.model_validate(value)
        except (LLMError, pydantic.ValidationError) as error:
            reason = " ".join(str(error).split())[:160]  # one line, even for pydantic's report
            raise ImportanceError(f"no importance rating for {text[:60]!r}: {reason}") from error
        return clamp(reply.rating)


# Keyword levels for the heuristic: the first level whose pattern matches wins (most poignant
# first). Written by hand from the paper's anchors (mundane chores low, life events high).
HEURISTIC_LEVELS: tuple[tuple[int, str], ...] = (
    (9, r"outage|incident call|production alert|cannot pay|break ?up|accepted|fired|died"),
    (8, r"surgery|hospital|rolled back|promot"),
    (7, r"manager|tomorrow|deadline|postmortem|error rate"),
    (6, r"bug|customer|birthday|congratulat|blocked"),
    (5, r"review|proposal|meeting|fix|failed|nervous|called"),
    (4, r"slide|pull request|merged|rehears|timeout|deploy"),
    (2, r"coffee|toast|lunch|dinner|cooked|cycled|watched|alarm|bed|water|brushed|news"),
)
HEURISTIC_DEFAULT = 3
"""Anything no keyword matches: a little above mundane."""


class HeuristicImportanceRater:
    """Keyword levels (``HEURISTIC_LEVELS``), deterministic and instant: for smoke runs and tests.

    A stand-in so the stream can be exercised without a model; its ratings are not a result.
    """

    name = "heuristic-keywords (smoke stand-in)"

    def rate(self, text: str) -> int:
        lowered = text.lower()
        for level, pattern in HEURISTIC_LEVELS:
            if re.search(pattern, lowered):
                return level
        return HEURISTIC_DEFAULT
