"""Reflexion over a problem set: solved at trial 1 (no reflection) against solved by trial N.

    report = run_suite(model, problems("test"), out=Path("runs/reflexion"), max_trials=3)
    report.summary()      # {"problems": 9, "solved_first_try": 3, "solved_with_reflexion": 5, ...}

Trial 1 of a reflexion run *is* the plain attempt, with the same prompt and model, so one run per
problem gives both figures: "solved at trial 1" is the baseline, "solved by trial N" is
reflexion, and their difference is what the reflections bought. With a set this small the
interval matters as much as the figure: ``bootstrap_ci`` gives it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from m4_genai.golden.scoring import bootstrap_ci
from m4_genai.llm import ChatModel
from m6_advanced.patterns.problems import Problem, check_code
from m6_advanced.patterns.reflexion import reflexion
from m6_advanced.patterns.team import PatternResult, Team, TeamBudget, Transcript


@dataclass
class SuiteReport:
    """One reflexion run per problem."""

    split: str
    results: list[tuple[Problem, PatternResult]]

    def rows(self) -> list[dict[str, Any]]:
        return [{"problem": p.id, "solved_at": r.details["solved_at"],
                 "trials": len(r.details["trials"]), "stopped_by": r.stopped_by,
                 "model_calls": r.totals["model_calls"],
                 "tokens": r.totals["prompt_tokens"] + r.totals["completion_tokens"],
                 "seconds": r.totals["seconds"]} for p, r in self.results]  # fmt: skip

    def summary(self) -> dict[str, Any]:
        rows = self.rows()
        first = [1.0 if r["solved_at"] == 1 else 0.0 for r in rows]
        final = [1.0 if r["solved_at"] is not None else 0.0 for r in rows]
        return {
            "split": self.split, "problems": len(rows),
            "solved_first_try": int(sum(first)), "solved_with_reflexion": int(sum(final)),
            "first_try_rate": round(sum(first) / max(len(rows), 1), 3),
            "first_try_ci95": [round(x, 3) for x in bootstrap_ci(first)],
            "reflexion_rate": round(sum(final) / max(len(rows), 1), 3),
            "reflexion_ci95": [round(x, 3) for x in bootstrap_ci(final)],
            "model_calls": sum(r["model_calls"] for r in rows),
            "seconds": round(sum(r["seconds"] for r in rows), 1),
        }  # fmt: skip

    def metrics(self) -> dict[str, Any]:
        return {"pattern": "reflexion", **self.summary(), "runs": self.rows()}


def run_suite(
    model: ChatModel,
    items: list[Problem],
    *,
    split: str,
    out: Path | None,
    budget: TeamBudget,
    max_trials: int = 3,
    memory_size: int = 3,
    on_done: Callable[[Problem, PatternResult], None] | None = None,
) -> SuiteReport:
    """Reflexion on each problem with a fresh team (its own budget and transcript)."""
    results = []
    for problem in items:
        transcript = Transcript("reflexion", problem.prompt, out / problem.id if out else None)
        team = Team(model, budget, transcript)
        result = reflexion(team, problem.prompt, lambda reply, p=problem: check_code(p, reply),
                           max_trials=max_trials, memory_size=memory_size)  # fmt: skip
        results.append((problem, result))
        if on_done is not None:
            on_done(problem, result)
    return SuiteReport(split, results)
