"""Scripted teams for ``patterns --smoke`` and the tests: no model is loaded, nothing else is faked.

Each script is the sequence of replies one model gives, in the order the pattern asks. Where a
reply depends on what really happened (a calculator result, the source text, a test failure),
it is a *function of the conversation*, so the tools, the sandbox and the control flow all run
for real and a wrong wiring shows up as a wrong answer:

- **hierarchical**: the manager plans two subtasks (JSON), each worker calls the calculator and
  reports its result, the manager adds the two results with the calculator and answers;
- **sequential**: the researcher copies the source's sentences as notes, the writer's first
  draft is too long, the reviewer sends it back once, the second draft is approved;
- **reflexion**: the first ``rle`` attempt forgets the last run (a classic bug), the sandbox's
  asserts catch it, the reflection says so, the second attempt passes.
"""

from __future__ import annotations

import json
import re
from typing import Any

from m4_genai.llm import ScriptedChatModel, ToolCall

Conversation = list[dict[str, Any]]

HIERARCHICAL_TASK = (
    "A shop sells 3 notebooks at 2.45 each and 2 pens at 1.10 each. What do the notebooks "
    "cost, what do the pens cost, and what is the total?"
)
SEQUENTIAL_TASK = "Explain to a beginner what a Python generator is, in at most 60 words."
SEQUENTIAL_SOURCE = (
    "A generator is a function that contains the yield keyword. Calling it returns an iterator "
    "instead of running the body. Each next() call runs the body until the next yield and "
    "returns the yielded value. Generators produce values lazily, so they use little memory "
    "even for long sequences."
)
REFLEXION_PROBLEM = "rle"

BUGGY_RLE = """```python
def rle(text):
    out, count = "", 1
    for i in range(1, len(text)):
        if text[i] == text[i - 1]:
            count += 1
        else:
            out += text[i - 1] + str(count)
            count = 1
    return out
```"""
FIXED_RLE = """```python
def rle(text):
    if not text:
        return ""
    out, count = "", 1
    for i in range(1, len(text)):
        if text[i] == text[i - 1]:
            count += 1
        else:
            out += text[i - 1] + str(count)
            count = 1
    return out + text[-1] + str(count)
```"""


def last_tool_result(messages: Conversation) -> str:
    """The content of the newest tool message: what the calculator really returned."""
    return next(m["content"] for m in reversed(messages) if m["role"] == "tool")


def hierarchical_model() -> ScriptedChatModel:
    plan = {"subtasks": ["What do 3 notebooks at 2.45 each cost?",
                         "What do 2 pens at 1.10 each cost?"]}  # fmt: skip

    def merged(messages: Conversation) -> str:
        total = last_tool_result(messages)
        return f"Notebooks 7.35, pens 2.2, total {total}."

    return ScriptedChatModel([
        json.dumps(plan),
        ToolCall("c1", "calculator", {"expression": "round(3 * 2.45, 2)"}),
        lambda m: f"The notebooks cost {last_tool_result(m)}.",
        ToolCall("c2", "calculator", {"expression": "round(2 * 1.10, 2)"}),
        lambda m: f"The pens cost {last_tool_result(m)}.",
        ToolCall("c3", "calculator", {"expression": "round(7.35 + 2.2, 2)"}),
        merged,
    ])  # fmt: skip


def research_notes(messages: Conversation) -> str:
    """The researcher's notes: the source's sentences as bullets (read from the prompt)."""
    source = str(messages[-1]["content"]).split("Source text:\n", 1)[-1]
    return "\n".join(f"- {s.strip()}" for s in re.split(r"(?<=\.)\s+", source) if s.strip())


def sequential_model() -> ScriptedChatModel:
    long_draft = (
        "A generator is a function that contains the yield keyword. Calling it returns an "
        "iterator instead of running the body. Each next() call runs the body until the next "
        "yield and returns the yielded value. Generators produce values lazily, so they use "
        "little memory even for long sequences, which matters when you read big files line by "
        "line or build long sequences of numbers that would not fit in memory all at once."
    )
    short_draft = (
        "A generator is a function with yield. Calling it gives an iterator; each next() runs "
        "the body to the next yield and hands back that value. Values come one at a time, so "
        "even long sequences use little memory."
    )
    return ScriptedChatModel([
        research_notes,
        long_draft,
        json.dumps({"verdict": "REVISE", "notes": ["over 60 words: cut the last sentence"]}),
        short_draft,
        json.dumps({"verdict": "APPROVE", "notes": []}),
    ])  # fmt: skip


def reflexion_model() -> ScriptedChatModel:
    lesson = (
        "The loop only writes a run when the character changes, so the last run is never "
        "written: 'z' gave ''. After the loop, append the last character and its count, and "
        "return '' for empty text."
    )
    return ScriptedChatModel([BUGGY_RLE, lesson, FIXED_RLE])


def autogen_model() -> ScriptedChatModel:
    """The AutoGen version's script: its reviewer answers in text (APPROVE / REVISE ...)."""
    script = sequential_model().replies
    return ScriptedChatModel([script[0], script[1], "REVISE: over 60 words, cut the last "
                              "sentence.", script[3], "APPROVE"])  # fmt: skip


SMOKE_MODELS = {
    "hierarchical": hierarchical_model,
    "sequential": sequential_model,
    "reflexion": reflexion_model,
}
