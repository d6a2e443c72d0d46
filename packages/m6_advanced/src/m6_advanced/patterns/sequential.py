"""A sequential pipeline: researcher → writer → reviewer, with at most N send-backs.

    result = sequential(team, "Explain what a Python generator is", source=text)
    result.success, result.details["revisions"]           # approved?, drafts sent back

Each role hands its output to the next, like an assembly line (CrewAI's ``Process.sequential``,
AutoGen's round-robin team)::

    notes   = researcher(task, source)            # the facts, as short bullet points
    draft   = writer(task, notes)
    loop:   verdict = reviewer(task, notes, draft)       # {"verdict": "APPROVE"|"REVISE", "notes"}
            if APPROVE or revisions == max_revisions: stop
            draft = writer(task, notes, draft, reviewer notes)

Why a pipeline: each prompt is small and about one job, so even a small model does each step
better than "research, write and check this" in one breath. Why the bound on send-backs: two
models can disagree forever (the reviewer always finds *something*), and each round costs two
calls; one revision captures most of the gain. The reviewer's verdict is structured output; an
invalid one counts as an approval with a note in the transcript, so a weak model cannot stall
the pipeline, and ``success`` reports only a real approval.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from m6_advanced.patterns.team import BudgetSpent, PatternResult, Role, Team, finish

MAX_SOURCE_CHARS = 4_000
"""Source text shown to the researcher at most (small context windows)."""


class Verdict(BaseModel):
    """The reviewer's decision and what the writer should change."""

    verdict: Literal["APPROVE", "REVISE"]
    notes: list[str] = Field(default_factory=list, max_length=5)


RESEARCHER = Role(
    "researcher",
    "You are a researcher. List the key facts needed for the task as 3 to 6 short bullet "
    "points. When a source text is given, use only facts from it. Do not write the final text.",
    max_steps=1,
    max_tokens=200,
)
WRITER = Role(
    "writer",
    "You are a writer. Write what the task asks for, using only the researcher's notes: clear, "
    "correct and short (at most 120 words). Reply with the text only.",
    max_steps=1,
    max_tokens=256,
)
REVIEWER = Role(
    "reviewer",
    "You are a strict reviewer. Check the draft against the task and the notes: is it correct, "
    "complete and short? Reply with JSON only: "
    '{"verdict": "APPROVE" or "REVISE", "notes": ["what to change", "..."]}',
    max_steps=1,
    max_tokens=160,
)


def research_request(task: str, source: str | None) -> str:
    if not source:
        return f"Task: {task}"
    return f"Task: {task}\n\nSource text:\n{source[:MAX_SOURCE_CHARS]}"


def write_request(
    task: str, notes: str, draft: str | None = None, review: Verdict | None = None
) -> str:
    """The writer's brief; on a send-back, its draft and the reviewer's notes too."""
    parts = [f"Task: {task}", f"Research notes:\n{notes}"]
    if draft is not None and review is not None:
        changes = "\n".join(f"- {note}" for note in review.notes) or "- improve the draft"
        parts += [f"Your draft:\n{draft}", f"The reviewer asks you to change:\n{changes}",
                  "Write the improved version."]  # fmt: skip
    return "\n\n".join(parts)


def review_request(task: str, notes: str, draft: str) -> str:
    return f"Task: {task}\n\nResearch notes:\n{notes}\n\nDraft:\n{draft}"


def sequential(
    team: Team, task: str, source: str | None = None, max_revisions: int = 1
) -> PatternResult:
    """Research → write → review (→ rewrite, at most ``max_revisions`` times)."""
    draft: str | None = None
    verdicts: list[str] = []
    revisions, approved, status = 0, False, "done"
    team.transcript.post("user", "researcher", "task", task, source=bool(source))
    try:
        notes = team.ask(RESEARCHER, research_request(task, source), sender="user").answer or ""
        draft = team.ask(WRITER, write_request(task, notes), sender="researcher").answer or ""
        while True:
            review: Verdict | None = team.ask_json(
                REVIEWER, review_request(task, notes, draft), Verdict, sender="writer"
            )
            if review is None:  # an unreadable verdict must not stall the pipeline
                team.transcript.post("team", "writer", "note", "no valid verdict: draft kept")
                verdicts.append("invalid")
                break
            verdicts.append(review.verdict)
            team.transcript.post("reviewer", "writer", "verdict", review.model_dump())
            if review.verdict == "APPROVE":
                approved = True
                break
            if revisions >= max_revisions:
                team.transcript.post("team", "writer", "note",
                                     f"send-back limit ({max_revisions}) reached: draft kept")  # fmt: skip
                break
            revisions += 1
            request = write_request(task, notes, draft, review)
            draft = team.ask(WRITER, request, sender="reviewer").answer or draft
    except BudgetSpent as spent:
        status = spent.reason
    return finish(team, "sequential", task, draft, status, approved,  # type: ignore[arg-type]
                  revisions=revisions, verdicts=verdicts)  # fmt: skip
