"""Hand-labelled cases for the RAGAS metrics, and a scripted judge that answers from the labels.

``cases.jsonl`` holds RAG interactions (Python language reference facts, contract clauses) whose
right metric values are known: a person broke each answer and reference into claims, marked each
claim supported or not by the contexts, marked each chunk useful or not for the reference, wrote
the questions the answer answers, and worked out every metric by hand (2 of 3 claims supported:
faithfulness 0.666667; one relevant chunk at rank 3: context precision 1/3). Each case has a ``split``: thresholds are tuned on ``dev`` only.

``LabelOracle`` turns a case's labels into replies for a ``ScriptedChatModel``. It reads the
prompt, recognises which judgement is asked (our ``judges`` prompts *or* the ``ragas`` package's
prompts) and answers with the labelled verdict in that prompt's JSON. So our metrics and ragas'
metrics can be driven by the very same judge, and any difference is in the metric code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from m4_genai.llm import Message, ScriptedChatModel
from m6_advanced.errors import AdvancedError
from m6_advanced.evaluation.metrics import Sample

CASES_PATH = Path(__file__).with_name("cases.jsonl")
NAN = float("nan")


@dataclass(frozen=True)
class LabelledCase:
    """One case: the interaction, the hand labels a judge should give, the hand-computed values."""

    id: str
    split: str
    covers: str
    """What the case exercises: all_supported, refusal, relevant_at_rank_3, empty_contexts..."""
    sample: Sample
    answer_claims: tuple[tuple[str, bool], ...]
    reference_claims: tuple[tuple[str, bool], ...]
    chunk_relevance: tuple[bool, ...]
    questions_back: tuple[str, ...]
    noncommittal: bool
    expected: dict[str, float | tuple[float, float]]
    """Per metric: the exact value (NaN where undefined), or a (low, high) band for
    answer_relevancy, whose cosines depend on the embedder."""


def _expected(raw: dict[str, Any]) -> dict[str, float | tuple[float, float]]:
    out: dict[str, float | tuple[float, float]] = {}
    for name, value in raw.items():
        if value is None:
            out[name] = NAN
        elif isinstance(value, list):
            out[name] = (float(value[0]), float(value[1]))
        else:
            out[name] = float(value)
    return out


def parse_case(row: dict[str, Any]) -> LabelledCase:
    """One JSONL row as a LabelledCase (raises GoldenFileError-like AdvancedError on a bad row)."""
    try:
        sample = Sample(row["question"], row["answer"], tuple(row["contexts"]), row["reference"])
        return LabelledCase(
            id=row["id"],
            split=row["split"],
            covers=row["covers"],
            sample=sample,
            answer_claims=tuple((c, bool(v)) for c, v in row["answer_claims"]),
            reference_claims=tuple((c, bool(v)) for c, v in row["reference_claims"]),
            chunk_relevance=tuple(bool(v) for v in row["chunk_relevance"]),
            questions_back=tuple(row["questions_back"]),
            noncommittal=bool(row["noncommittal"]),
            expected=_expected(row["expected"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise AdvancedError(f"bad labelled case {row.get('id', '?')}: {error!r}") from error


@cache
def load_cases(split: str | None = None) -> tuple[LabelledCase, ...]:
    """The labelled cases (all, or one split: ``"dev"`` / ``"test"``)."""
    rows = [json.loads(line) for line in CASES_PATH.read_text().splitlines() if line.strip()]
    cases = tuple(parse_case(row) for row in rows)
    return cases if split is None else tuple(c for c in cases if c.split == split)


def _field(prompt: str, name: str) -> str:
    """The text after ``name: `` up to the end of its line."""
    match = re.search(rf"^{name}: (.*)$", prompt, re.MULTILINE)
    return match.group(1).strip() if match else ""


def _last_json_input(prompt: str) -> dict[str, Any]:
    """ragas' prompts end with ``input: {...}`` then ``Output:``: the last input object."""
    start = prompt.rfind("input: ")
    if start < 0:
        raise AdvancedError(f"oracle: no ragas input in prompt: {prompt[-200:]!r}")
    decoder = json.JSONDecoder()
    value, _ = decoder.raw_decode(prompt[start + len("input: ") :].lstrip())
    return value


class LabelOracle:
    """Answers any judge prompt about ``case`` with the case's hand labels (a scripted judge)."""

    def __init__(self, case: LabelledCase) -> None:
        self.case = case
        self.claim_label = dict(case.answer_claims) | dict(case.reference_claims)
        self.chunk_label = dict(zip(case.sample.contexts, case.chunk_relevance, strict=False))
        self.questions_asked = 0

    def model(self, calls: int = 200) -> ScriptedChatModel:
        """A ScriptedChatModel that answers up to ``calls`` prompts with this oracle."""
        return ScriptedChatModel([self.reply] * calls)

    def reply(self, messages: list[Message]) -> str:
        prompt = "\n".join(str(m.get("content", "")) for m in messages)
        if "Now perform the same with the following input" in prompt:
            return json.dumps(self.ragas_reply(prompt))
        return json.dumps(self.our_reply(prompt))

    def _claims_of(self, text: str) -> list[str]:
        sample = self.case.sample
        if text.strip() == sample.answer.strip():
            return [c for c, _ in self.case.answer_claims]
        if text.strip() == sample.reference.strip():
            return [c for c, _ in self.case.reference_claims]
        raise AdvancedError(f"oracle for {self.case.id}: no labels for text {text[:80]!r}")

    def _label(self, claim: str) -> bool:
        if claim not in self.claim_label:
            raise AdvancedError(f"oracle for {self.case.id}: unlabelled claim {claim!r}")
        return self.claim_label[claim]

    def _chunk(self, chunk: str) -> bool:
        if chunk not in self.chunk_label:
            raise AdvancedError(f"oracle for {self.case.id}: unlabelled chunk {chunk[:80]!r}")
        return self.chunk_label[chunk]

    def _next_question(self) -> str:
        questions = self.case.questions_back or ("",)
        question = questions[self.questions_asked % len(questions)]
        self.questions_asked += 1
        return question

    def our_reply(self, prompt: str) -> dict[str, Any]:
        """Replies to ``judges.LLMJudge``'s prompts."""
        if prompt.startswith("Break the text below"):
            return {"claims": self._claims_of(_field(prompt, "Text"))}
        if "Can the claim be directly inferred" in prompt:
            return {"supported": self._label(_field(prompt, "Claim"))}
        if "Was this context useful" in prompt:
            return {"useful": self._chunk(_field(prompt, "Context"))}
        if "questions that this answer answers" in prompt:
            return {
                "questions": list(self.case.questions_back),
                "noncommittal": self.case.noncommittal,
            }
        raise AdvancedError(f"oracle: unknown prompt {prompt[:120]!r}")

    def ragas_reply(self, prompt: str) -> dict[str, Any]:
        """Replies to the ragas package's prompts (their JSON shapes)."""
        data = _last_json_input(prompt)
        if "analyze the complexity of each sentence" in prompt:  # faithfulness, step 1
            return {"statements": self._claims_of(data["answer"])}
        if "judge the faithfulness of a series of statements" in prompt:  # faithfulness, step 2
            return {
                "statements": [
                    {"statement": s, "reason": "labelled", "verdict": int(self._label(s))}
                    for s in data["statements"]
                ]
            }
        if "can be attributed to the given context" in prompt:  # context recall
            return {
                "classifications": [
                    {"statement": c, "reason": "labelled", "attributed": int(self._label(c))}
                    for c in self._claims_of(data["answer"])
                ]
            }
        if "verify if the context was useful" in prompt:  # context precision
            return {"reason": "labelled", "verdict": int(self._chunk(data["context"]))}
        if "Generate a question for the given answer" in prompt:  # answer relevancy
            return {"question": self._next_question(), "noncommittal": int(self.case.noncommittal)}
        raise AdvancedError(f"oracle: unknown ragas prompt {prompt[:120]!r}")
