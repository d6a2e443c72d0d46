"""The agentless baseline: the issue and the repository in one prompt, one answer, no tools.

    outcome = one_shot(model, issue_text, workspace)

The loop in ``loop.py`` costs many calls; it earns that only where one careful answer is not
enough. This baseline (in the spirit of Agentless, Xia et al. 2024, without its localisation
stage) is the honest comparison: the model sees the issue and the files, and returns every file
it changes, whole:

    shop/cart.py
    ```python
    <the complete new content>
    ```

Files go into the prompt in a fixed order (the repository's own tests last) until a character
budget is spent; what does not fit is listed by name only. That is the weakness the loop is meant
to fix: a repository bigger than the context, a bug whose cause only a test run shows. Writing
the answer's files is a harness step (path-checked, atomic) and runs no code.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from m4_genai.llm import ChatModel
from m6_advanced.engineer.edit import resolve_inside, write_atomically
from m6_advanced.engineer.workspace import Workspace
from m6_advanced.errors import EditError

PROMPT_CHARS = 20_000
"""Characters of code in the prompt: about 6k tokens, what an 8k window leaves beside the answer."""

SYSTEM = """\
You fix issues in Python repositories. You get the issue and the repository's files. Answer with \
every file you change, each as its path on a line of its own followed by the file's complete new \
content in a fenced block. Change only what the issue needs; do not repeat unchanged files."""

ANSWER_FILE = re.compile(r"^[`*]*([\w./-]+\.\w+)[`*:]*\s*\n```[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)  # fmt: skip


@dataclass
class OneShotOutcome:
    """What the single answer changed, and what it cost."""

    changed: list[str]
    refused: list[str] = field(default_factory=list)
    """Files the answer named that could not be written (unsafe path), with the reason."""
    omitted: list[str] = field(default_factory=list)
    """Files that did not fit in the prompt."""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    model: str = ""
    reply: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if key != "reply"}


def prompt_files(
    files: list[tuple[Path, str]], budget_chars: int = PROMPT_CHARS
) -> tuple[str, list[str]]:
    """The files (``Workspace.files()``) as prompt text, code first and tests last, and the
    names of those left out."""
    files = sorted(files, key=lambda pair: (is_test(pair[1]), pair[1]))
    parts, omitted, used = [], [], 0
    for path, name in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        block = f"{name}\n```\n{text}\n```\n"
        if used + len(block) > budget_chars:
            omitted.append(name)
            continue
        parts.append(block)
        used += len(block)
    if omitted:
        parts.append("Not shown (the prompt is full): " + ", ".join(omitted))
    return "\n".join(parts), omitted


def is_test(name: str) -> bool:
    """A test file by the usual conventions (``tests/``, ``test_*.py``, ``*_test.py``)."""
    base = name.rsplit("/", 1)[-1]
    return name.startswith("tests/") or "/tests/" in name or base.startswith("test_") or base.endswith("_test.py")  # fmt: skip


def answer_files(reply: str) -> dict[str, str]:
    """``path → new content`` of every file block in the answer."""
    return {path: body for path, body in ANSWER_FILE.findall(reply)}


def one_shot(
    model: ChatModel,
    issue: str,
    workspace: Workspace,
    budget_chars: int = PROMPT_CHARS,
    max_tokens: int = 2048,
    seed: int = 0,
) -> OneShotOutcome:
    """Ask once, write the files of the answer into the working copy."""
    root = workspace.path
    files, omitted = prompt_files(workspace.files(), budget_chars)
    question = f"<issue>\n{issue.strip()}\n</issue>\n\n<repository>\n{files}\n</repository>"
    messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": question}]
    start = time.perf_counter()
    reply = model.chat(messages, max_tokens=max_tokens, temperature=0.0, seed=seed)
    changed, refused = [], []
    for path, content in answer_files(reply.text).items():
        try:
            name, target = resolve_inside(root, path)
        except EditError as error:
            refused.append(f"{path}: {error}")
            continue
        write_atomically(target, content)
        changed.append(name)
    return OneShotOutcome(
        changed, refused, omitted, reply.prompt_tokens, reply.completion_tokens,
        time.perf_counter() - start, getattr(model, "name", "model"), reply.text,
    )  # fmt: skip
