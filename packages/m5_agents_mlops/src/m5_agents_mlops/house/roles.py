"""The three roles of the software house: what each is told, and the shape of what it answers.

Each role is a system prompt plus a pydantic schema for its reply. The reply is asked for as
*structured output* (``response_format=Schema``, see ``m4_genai.llm.structured``): llama.cpp and
OpenAI-compatible servers turn the schema into a grammar, so even a small model writes JSON of
the right shape; a scripted model simply returns JSON text, checked the same way.

- **Manager**: task → ``Spec`` (files, functions, acceptance tests). Keeps the Coder focused.
- **Coder**: spec (+ last round's test output and review) → ``CodeReply`` (complete files).
- **Reviewer**: spec + diff + test output → ``Review`` (``APPROVE`` or ``REQUEST_CHANGES``).

The prompts below are the whole "personality" of each role; the house (``house.py``) routes
the messages between them.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, Field

from m5_agents_mlops.house.files import MAX_FILES, FileSet, UnsafePathError, check_files
from m5_agents_mlops.house.sandbox import TestRun

Role = Literal["manager", "coder", "reviewer"]
MAX_FEEDBACK_CHARS = 3_000
"""Test output shown to a role at most (small models have small context windows)."""


class PlannedFile(BaseModel):
    path: str
    purpose: str


class Spec(BaseModel):
    """The Manager's plan: small enough for one Coder reply."""

    summary: str
    files: list[PlannedFile] = Field(max_length=MAX_FILES)
    functions: list[str] = Field(description="signatures, e.g. 'slugify(text: str) -> str'")
    acceptance_tests: list[str] = Field(description="behaviours the tests must check")


class CodeFile(BaseModel):
    path: str
    content: str


class CodeReply(BaseModel):
    """The Coder's files (complete contents, not patches) and a note for the Reviewer."""

    files: list[CodeFile] = Field(min_length=1, max_length=MAX_FILES)
    notes: str = ""

    def file_set(self) -> FileSet:
        """The files as ``{path: content}``, paths checked (UnsafePathError on a bad one)."""
        names = [file.path for file in self.files]
        if len(set(names)) != len(names):
            raise UnsafePathError(f"a file appears twice in {names}")
        return check_files({file.path: file.content for file in self.files})


class Review(BaseModel):
    """The Reviewer's verdict and what to change."""

    verdict: Literal["APPROVE", "REQUEST_CHANGES"]
    comments: list[str] = Field(default_factory=list)


MANAGER_PROMPT = """You are the manager of a small software team. Turn the task into a short \
plan for one Python module and one pytest test file. Reply with JSON only:
{"summary": "...", "files": [{"path": "module.py", "purpose": "..."}, \
{"path": "test_module.py", "purpose": "pytest tests"}], \
"functions": ["name(arg: type) -> type"], "acceptance_tests": ["name('x') returns 'y'", "..."]}"""

CODER_PROMPT = """You are a careful Python developer. Write the code and its pytest tests as \
complete files. Tests are plain functions named test_* using assert, in a file named test_*.py \
whose first line imports what it tests (e.g. `from shapes import area`). Use only the \
standard library; no network, no files outside the project. Reply with JSON only:
{"files": [{"path": "module.py", "content": "..."}, {"path": "test_module.py", "content": \
"..."}], "notes": "one line for the reviewer"}"""

REVIEWER_PROMPT = """You are a strict code reviewer. Read the plan, the diff and the test \
output. Approve only when every test passes and the tests check the acceptance criteria. \
Reply with JSON only: {"verdict": "APPROVE" or "REQUEST_CHANGES", "comments": ["..."]}"""

SYSTEM_PROMPTS: dict[Role, str] = {
    "manager": MANAGER_PROMPT,
    "coder": CODER_PROMPT,
    "reviewer": REVIEWER_PROMPT,
}
SCHEMAS: dict[Role, type[BaseModel]] = {"manager": Spec, "coder": CodeReply, "reviewer": Review}


def fallback_spec(task: str) -> Spec:
    """The plan when the Manager gave no valid one: the task itself, one module, one test file."""
    return Spec(
        summary=task,
        files=[
            PlannedFile(path="solution.py", purpose="the code"),
            PlannedFile(path="test_solution.py", purpose="pytest tests"),
        ],
        functions=[],
        acceptance_tests=["the behaviour the task describes"],
    )


def manager_request(task: str) -> str:
    return f"Task: {task}"


def coder_request(
    task: str, spec: Spec, files: FileSet, tests: TestRun | None, review: Review | None
) -> str:
    """The Coder's message: the plan, then (after round 1) what it wrote and what went wrong."""
    parts = [f"Task: {task}", f"Plan:\n{spec.model_dump_json(indent=1)}"]
    if files:
        listing = "\n\n".join(f"--- {name}\n{text}" for name, text in sorted(files.items()))
        parts.append(f"Your current files:\n{listing}")
    if tests is not None:
        parts.append(f"Test result: {tests.summary}\n{clip(tests.output)}")
    if review is not None and review.comments:
        parts.append("Reviewer comments:\n" + "\n".join(f"- {c}" for c in review.comments))
    if files:
        parts.append(
            "Fix the problems. Reply with the complete new version of every file you change."
        )
    return "\n\n".join(parts)


def reviewer_request(spec: Spec, diff: str, tests: TestRun) -> str:
    """The Reviewer's message: the plan, this round's diff, the test result."""
    return "\n\n".join(
        [
            f"Plan:\n{spec.model_dump_json(indent=1)}",
            f"Diff of this round:\n{clip(diff, 2 * MAX_FEEDBACK_CHARS)}",
            f"Test result: {tests.summary}\n{clip(tests.output)}",
        ]
    )


def invalid_reply_feedback(error: str, schema: type[BaseModel]) -> str:
    """What a role is told after a reply that is not valid JSON of its schema (or unsafe)."""
    example = json.dumps(schema.model_json_schema().get("required", []))
    return (
        f"Your reply was rejected: {error[:600]}\n"
        f"Reply again with one JSON object only (required keys: {example}), nothing else."
    )


def clip(text: str, limit: int = MAX_FEEDBACK_CHARS) -> str:
    """``text`` cut to its last ``limit`` characters (a test log's end says most)."""
    return text if len(text) <= limit else "[...]\n" + text[-limit:]
