"""The software house: a Manager, a Coder and a Reviewer passing messages until the work is approved.

    house = SoftwareHouse(Team.of(model), max_rounds=3, out=Path("runs/house"))
    result = house.run("write slugify(text) with tests")
    result.approved, result.stopped_by, result.files        # True, "approved", {"slugs.py": ...}

The loop, one *round* at a time after the Manager's plan::

    spec = manager(task)
    for round in 1..max_rounds:
        files += coder(spec, last test output, last review)   # complete files, paths checked
        tests  = sandbox(files)                               # the Coder's own tests, isolated
        review = reviewer(spec, diff, tests)
        if review approves and tests pass: done

Three rules make it dependable with weak models. Every reply is structured output checked
against a schema; an invalid one is sent back with the error and asked again (``retries``), and a
role that still fails does not crash the run (a fallback plan; a round without code; a review
that does not approve). The house, not a model, has the last word: an approval of failing
tests is not accepted. Budgets bound everything: ``max_rounds`` (Coder → tests → Reviewer
cycles), ``max_steps`` (model calls, all roles and retries together, as in the agent loop) and
``max_seconds``. The transcript (every message, its role, round and cost, every test result) is
saved after each message; files and per-round diffs are saved as they change.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from m4_genai.errors import LLMError
from m4_genai.llm import ChatModel
from m4_genai.llm.structured import parse_structured
from m5_agents_mlops.house import roles
from m5_agents_mlops.house.files import FileSet, UnsafePathError, unified_diff
from m5_agents_mlops.house.roles import CodeReply, Review, Role, Spec
from m5_agents_mlops.house.sandbox import Limits, TestRun, run_tests
from m5_agents_mlops.house.transcript import Transcript

StopReason = Literal["approved", "max_rounds", "max_steps", "max_seconds"]


@dataclass
class Team:
    """The chat model behind each role (one model may play all three: ``Team.of(model)``)."""

    manager: ChatModel
    coder: ChatModel
    reviewer: ChatModel

    @classmethod
    def of(cls, model: ChatModel) -> Team:
        return cls(model, model, model)


class BudgetSpent(Exception):  # control flow, not an error
    """``max_steps`` or ``max_seconds`` ran out before the next model call."""

    def __init__(self, reason: StopReason) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class HouseResult:
    """How the run ended, the rounds it took, the final files, what it cost."""

    task: str
    stopped_by: StopReason
    spec: Spec
    files: FileSet
    rounds: list[dict[str, Any]]
    model_calls: int
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    out: Path | None = None

    @property
    def approved(self) -> bool:
        return self.stopped_by == "approved"

    @property
    def last_tests(self) -> dict[str, Any] | None:
        """The last test run's record (``TestRun.to_dict``), None when no code was ever run."""
        tested = [r["tests"] for r in self.rounds if r.get("tests")]
        return tested[-1] if tested else None

    def metrics(self) -> dict[str, Any]:
        """What metrics.json records."""
        tests = self.last_tests or {}
        return {
            "task": self.task, "stopped_by": self.stopped_by, "approved": self.approved,
            "rounds": len(self.rounds), "tests_passed": bool(tests.get("passed")),
            "test_summary": tests.get("summary", "not run"),
            "isolation": tests.get("isolation", ""), "files": sorted(self.files),
            "model_calls": self.model_calls, "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens, "seconds": round(self.seconds, 2),
            "transcript": str(self.out / "transcript.json") if self.out else None,
        }  # fmt: skip


@dataclass
class SoftwareHouse:
    """Manager → Coder ⇄ Reviewer, with the Coder's tests run in the sandbox every round."""

    team: Team
    max_rounds: int = 3
    max_steps: int = 20
    """Model calls in all (every role, retries included): the run's step budget."""
    retries: int = 1
    """Extra attempts after an invalid structured reply, per request."""
    max_seconds: float = 900.0
    limits: Limits = field(default_factory=Limits)
    out: Path | None = None
    chat_options: dict[str, Any] = field(default_factory=dict)

    def run(self, task: str) -> HouseResult:
        """Plan, then code-test-review rounds until approval or a budget runs out."""
        self.task, self.start, self.status = task, time.perf_counter(), "running"
        self.rounds: list[dict[str, Any]] = []
        self.calls = self.prompt_tokens = self.completion_tokens = 0
        self.spec, self.files, self.last_error = roles.fallback_spec(task), {}, ""
        self.transcript = Transcript(self.out, self.header)
        self.transcript.post("user", "manager", "task", task)
        try:
            self.spec = self.plan(task)
            self.status = self.work()
        except BudgetSpent as spent:
            self.status = spent.reason
        finally:
            self.transcript.save()
        return HouseResult(
            task, self.status, self.spec, dict(self.files), self.rounds,  # type: ignore[arg-type]
            self.calls, self.prompt_tokens, self.completion_tokens, self.elapsed, self.out,
        )  # fmt: skip

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def plan(self, task: str) -> Spec:
        """The Manager's spec, or the fallback plan when it gave no valid one."""
        spec = self.ask("manager", roles.manager_request(task), round_number=0)
        if spec is None:
            spec = roles.fallback_spec(task)
            note = "fallback: no valid plan"
            self.transcript.post("house", "coder", "spec", spec.model_dump(), note=note)
        return spec  # type: ignore[return-value]

    def work(self) -> StopReason:
        """The rounds, until an approval of passing tests."""
        tests: TestRun | None = None
        review: Review | None = None
        for number in range(1, self.max_rounds + 1):
            tests, review = self.one_round(number, tests, review)
            self.transcript.save()
            if self.rounds[-1]["accepted"]:
                return "approved"
        return "max_rounds"

    def one_round(
        self, number: int, tests: TestRun | None, review: Review | None
    ) -> tuple[TestRun | None, Review]:
        """Code (from last round's tests and review), test, review; the round is recorded."""
        request = roles.coder_request(self.task, self.spec, self.files, tests, review)
        reply = self.ask("coder", request, number)
        if reply is None:  # no usable code this round: say so, and go on
            self.rounds.append({"round": number, "changed": [], "tests": None,
                                "verdict": None, "accepted": False})  # fmt: skip
            return tests, Review(verdict="REQUEST_CHANGES", comments=[self.last_error])
        old, self.files = self.files, {**self.files, **reply.file_set()}  # type: ignore[attr-defined]
        diff = unified_diff(old, self.files)
        self.transcript.save_round(number, self.files, diff)
        tests = run_tests(self.files, self.limits)
        self.transcript.post("sandbox", "reviewer", "tests", tests.to_dict(), number)
        verdict = self.ask("reviewer", roles.reviewer_request(self.spec, diff, tests), number)
        review = verdict or Review(verdict="REQUEST_CHANGES", comments=[self.last_error])  # type: ignore[assignment]
        if review.verdict == "APPROVE" and not tests.passed:  # the house has the last word
            note = f"approval not accepted: the tests did not pass ({tests.summary})"
            review.comments.append(note)
            self.transcript.post("house", "coder", "note", note, number)
        self.rounds.append({
            "round": number, "changed": sorted(k for k, v in self.files.items() if old.get(k) != v),
            "diff": f"diffs/round-{number}.diff", "tests": tests.to_dict(),
            "verdict": review.verdict, "comments": review.comments,
            "accepted": review.verdict == "APPROVE" and tests.passed,
        })  # fmt: skip
        return tests, review

    def ask(self, role: Role, request: str, round_number: int) -> BaseModel | None:
        """One structured request to ``role``; an invalid reply is fed back and asked again."""
        schema, post = roles.SCHEMAS[role], self.transcript.post
        messages = [
            {"role": "system", "content": roles.SYSTEM_PROMPTS[role]},
            {"role": "user", "content": request},
        ]
        post("house", role, "request", request, round_number)
        for _ in range(1 + self.retries):
            self.check_budget()
            raw, value, error, stats = self.query(getattr(self.team, role), messages, schema)
            if error is None and isinstance(value, CodeReply):
                error = _path_error(value)
            if error is None and value is not None:
                post(role, NEXT[role], KIND[role], value.model_dump(), round_number, **stats)
                return value
            self.last_error = f"the {role}'s reply was rejected: {error}"
            post(role, "house", "invalid", raw, round_number, error=error, **stats)
            feedback = roles.invalid_reply_feedback(str(error), schema)
            messages += [
                {"role": "assistant", "content": raw},
                {"role": "user", "content": feedback},
            ]
            post("house", role, "feedback", feedback, round_number)
        return None

    def query(
        self, model: ChatModel, messages: list[dict[str, Any]], schema: type[BaseModel]
    ) -> tuple[str, BaseModel | None, str | None, dict[str, Any]]:
        """Ask for one object of ``schema``: ``(raw text, value, error, cost)``."""
        options = {"time_budget_s": max(self.max_seconds - self.elapsed, 1.0), **self.chat_options}
        self.calls += 1
        try:
            result = model.chat(messages, response_format=schema, **options)
        except LLMError as error:  # a backend that validates itself raises on a bad reply
            if not str(error).startswith("the model's reply"):  # see parse_structured
                raise
            return "", None, str(error), {}
        self.prompt_tokens += result.prompt_tokens
        self.completion_tokens += result.completion_tokens
        stats = {"model": result.model, "finish_reason": result.finish_reason,
                 "prompt_tokens": result.prompt_tokens,
                 "completion_tokens": result.completion_tokens, "seconds": round(result.seconds, 3)}  # fmt: skip
        try:
            value = result.parsed or parse_structured(result.text, schema)
        except LLMError as error:
            cut = " (cut off by max_tokens: write less)" if result.finish_reason == "length" else ""
            return result.text, None, f"{error}{cut}", stats
        return result.text, value, None, stats

    def check_budget(self) -> None:
        """Stop before the next model call if the step or time budget is spent."""
        if self.calls >= self.max_steps:
            raise BudgetSpent("max_steps")
        if self.elapsed >= self.max_seconds:
            raise BudgetSpent("max_seconds")

    def header(self) -> dict[str, Any]:
        """The run's state, as ``transcript.json`` shows it above the messages."""
        return {
            "task": self.task, "status": self.status,
            "models": {role: getattr(getattr(self.team, role), "name", "?") for role in KIND},
            "settings": {"max_rounds": self.max_rounds, "max_steps": self.max_steps,
                         "retries": self.retries, "max_seconds": self.max_seconds,
                         "limits": vars(self.limits)},
            "spec": self.spec.model_dump(), "rounds": self.rounds,
            "totals": {"model_calls": self.calls, "prompt_tokens": self.prompt_tokens,
                       "completion_tokens": self.completion_tokens,
                       "seconds": round(self.elapsed, 3)},
        }  # fmt: skip


NEXT: dict[Role, str] = {"manager": "coder", "coder": "reviewer", "reviewer": "coder"}
KIND: dict[Role, str] = {"manager": "spec", "coder": "files", "reviewer": "review"}


def _path_error(reply: CodeReply) -> str | None:
    try:
        reply.file_set()
    except UnsafePathError as error:
        return str(error)
    return None
