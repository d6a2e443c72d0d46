"""Reflection (Park et al. 2023, §4.2): the agent stops to think, and its thoughts become memories.

Observations alone are too literal to answer "what is Maya worried about?". Periodically the
agent writes *higher-level* memories, in two model calls per round, as the paper does:

1. **Questions.** Show the model the 100 most recent memories and ask, in the paper's words,
   "what are 3 most salient high-level questions we can answer about the subjects in the
   statements?"
2. **Insights.** For each question, retrieve memories with the ordinary retrieval function (the
   question is the query), list them with their ids, and ask "What 5 high-level insights can you
   infer from the above statements? (example format: insight (because of 1, 5, 3))".

Each insight is stored as a ``reflection`` memory whose ``evidence`` lists the ids it cites, so
a reflection can later be traced back to what it was drawn from (and reflections can cite earlier
reflections: trees of thought). Two deliberate choices:

- The statements are numbered with their **memory ids** (the paper numbers 1..n per prompt and
  maps back), so a citation *is* an id.
- Citations are checked: an id that was not among the statements shown is dropped (a small model
  invents some), and an insight left with no valid citation is dropped as unsupported. Neither
  crashes the round; both are counted.

When to reflect is the caller's business (``agent.py``: importance adds up to a threshold).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, TypeVar

import pydantic

from m4_genai.errors import LLMError
from m4_genai.llm import ChatModel, ask_structured
from m6_advanced.memory.importance import ImportanceRater
from m6_advanced.memory.stream import Memory, MemoryStream

QUESTIONS_PROMPT = (
    "{statements}\n\nGiven only the information above, what are {n} most salient high-level "
    "questions we can answer about the subjects in the statements?"
)
"""The paper's question prompt (§4.2), statements one per line above it."""

INSIGHTS_PROMPT = (
    "Statements about {agent}\n{statements}\nWhat {n} high-level insights can you infer from the "
    "above statements? (example format: insight (because of 1, 5, 3))"
)
"""The paper's insight prompt (§4.2); the numbers in front of the statements are memory ids."""

QUESTIONS_HINT = '\nReply with JSON: {"questions": ["...", "...", "..."]}'
INSIGHTS_HINT = (
    '\nReply with JSON: {"insights": [{"insight": "...", "because_of": [<statement numbers>]}]}'
)

Model = TypeVar("Model", bound=pydantic.BaseModel)
_BECAUSE_OF = re.compile(r"\(\s*because of ([^)]*)\)", re.IGNORECASE)


TEXT_CHARS = 300
"""Longest question or insight accepted: the grammar stops a small model's run-on sentence."""


class Questions(pydantic.BaseModel):
    """Structured reply of step 1."""

    questions: list[Annotated[str, pydantic.Field(max_length=TEXT_CHARS)]]


class Insight(pydantic.BaseModel):
    """One insight and the statement numbers (memory ids) it rests on."""

    insight: str = pydantic.Field(max_length=TEXT_CHARS)
    because_of: list[int]
    """Required, so the grammar makes the model cite something (checked in ``reflect``)."""


class Insights(pydantic.BaseModel):
    """Structured reply of step 2."""

    insights: list[Insight]


def capped_schema(spec: type[pydantic.BaseModel], field_name: str, items: int) -> dict[str, Any]:
    """``spec``'s JSON Schema with at most ``items`` in its list ``field_name``.

    Without the cap, Qwen2.5-Coder-0.5B once kept listing questions until the token limit cut
    the JSON off; under the grammar the list must close after ``items`` entries.
    """
    schema = spec.model_json_schema()
    schema["properties"][field_name] |= {"minItems": 1, "maxItems": items}
    return schema


def ask_capped(
    model: ChatModel, prompt: str, spec: type[Model], field_name: str, items: int, max_tokens: int
) -> Model:
    """Ask for one ``spec`` object with at most ``items`` list entries; LLMError if unreadable."""
    value = ask_structured(
        model,
        [{"role": "user", "content": prompt}],
        capped_schema(spec, field_name, items),
        max_tokens=max_tokens,
        temperature=0.0,
    )
    try:
        return spec.model_validate(value)
    except pydantic.ValidationError as error:
        raise LLMError(f"the reply does not match {spec.__name__}: {error}") from error


@dataclass
class ReflectionRound:
    """What one round of reflection asked, wrote and threw away."""

    time: datetime
    questions: list[str] = field(default_factory=list)
    reflections: list[Memory] = field(default_factory=list)
    dropped_citations: int = 0
    """Cited ids that were not among the statements shown (invented by the model)."""
    dropped_insights: int = 0
    """Insights with no valid citation left, or repeating an earlier one of the round."""
    failures: list[str] = field(default_factory=list)
    """Model calls whose reply could not be read (e.g. cut off by the token limit)."""

    def summary(self) -> dict[str, object]:
        """JSON-ready record for metrics.json."""
        return {
            "time": self.time.isoformat(timespec="minutes"),
            "questions": self.questions,
            "reflections": [
                {
                    "id": m.id,
                    "text": m.text,
                    "importance": m.importance,
                    "evidence": list(m.evidence),
                }
                for m in self.reflections
            ],
            "dropped_citations": self.dropped_citations,
            "dropped_insights": self.dropped_insights,
            "failures": self.failures,
        }


def numbered(memories: list[Memory]) -> str:
    """``12. Maya fixed the bug`` lines: the number in front is the memory id."""
    return "\n".join(f"{m.id}. {m.text}" for m in memories)


def split_citation(text: str) -> tuple[str, list[int]]:
    """``"Maya is busy (because of 1, 5, 3)"`` → ``("Maya is busy", [1, 5, 3])``.

    Models often write the paper's inline format inside the JSON string too; both count.
    """
    ids = [int(n) for found in _BECAUSE_OF.findall(text) for n in re.findall(r"\d+", found)]
    return _BECAUSE_OF.sub("", text).strip().rstrip(".").strip(), ids


def valid_citations(cited: list[int], shown: set[int]) -> tuple[list[int], int]:
    """The cited ids that were shown (order kept, repeats removed), and how many were dropped."""
    kept = list(dict.fromkeys(i for i in cited if i in shown))
    return kept, sum(1 for i in cited if i not in shown)


class Reflector:
    """Runs rounds of the paper's two-step reflection with ``model``; ``rater`` rates the insights
    (the authors' code rates reflections with the same importance prompt as observations)."""

    def __init__(
        self,
        model: ChatModel,
        rater: ImportanceRater,
        agent: str = "the agent",
        recent: int = 100,
        questions: int = 3,
        insights_per_question: int = 5,
        evidence_k: int = 10,
        max_tokens: int = 400,
    ) -> None:
        self.model = model
        self.rater = rater
        self.agent = agent
        self.recent = recent
        """Memories shown when asking for questions (the paper: the 100 most recent)."""
        self.questions = questions
        self.insights_per_question = insights_per_question
        self.evidence_k = evidence_k
        """Memories retrieved per question as the insight prompt's statements."""
        self.max_tokens = max_tokens

    def ask_questions(self, stream: MemoryStream) -> list[str]:
        """Step 1: the model's high-level questions about the recent memories."""
        statements = "\n".join(m.text for m in stream.recent(self.recent))
        prompt = QUESTIONS_PROMPT.format(statements=statements, n=self.questions) + QUESTIONS_HINT
        reply = ask_capped(
            self.model, prompt, Questions, "questions", self.questions, self.max_tokens
        )
        return [q.strip() for q in reply.questions if q.strip()][: self.questions]

    def ask_insights(self, evidence: list[Memory]) -> list[Insight]:
        """Step 2: insights (with cited statement numbers) drawn from ``evidence``."""
        prompt = INSIGHTS_PROMPT.format(
            agent=self.agent, statements=numbered(evidence), n=self.insights_per_question
        )
        n = self.insights_per_question
        reply = ask_capped(
            self.model, prompt + INSIGHTS_HINT, Insights, "insights", n, self.max_tokens
        )
        return reply.insights[: self.insights_per_question]

    def reflect(self, stream: MemoryStream, now: datetime) -> ReflectionRound:
        """One round at ``now``: questions, evidence, insights, stored as reflection memories."""
        round_ = ReflectionRound(now)
        try:
            round_.questions = self.ask_questions(stream)
        except LLMError as error:
            round_.failures.append(f"questions: {error}")
            return round_
        seen: set[str] = set()
        for question in round_.questions:
            # Retrieval here refreshes the evidence's last access, as any retrieval does.
            evidence = [s.memory for s in stream.retrieve(question, now, k=self.evidence_k)]
            try:
                insights = self.ask_insights(evidence)
            except LLMError as error:
                round_.failures.append(f"insights for {question!r}: {error}")
                continue
            shown = {m.id for m in evidence}
            for insight in insights:
                text, inline = split_citation(insight.insight)
                ids, dropped = valid_citations([*insight.because_of, *inline], shown)
                round_.dropped_citations += dropped
                if not ids or not text or text.lower() in seen:
                    round_.dropped_insights += 1
                    continue
                seen.add(text.lower())
                memory = stream.add(text, now, self.rater.rate(text), "reflection", ids)
                round_.reflections.append(memory)
        return round_
