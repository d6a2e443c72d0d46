"""The engineer's action language: what the model writes, and how one reply becomes one action.

A reply is free thinking followed by exactly one action in a fenced block (mini-swe-agent's rule:
one action per turn keeps the loop simple and every step readable in the trajectory):

    The total skips the last item. Let me read the loop.
    ```
    read_file shop/cart.py 1 40
    ```

Six actions. They are plain text, not JSON tool calls, because small local models write a
command line far more reliably than an escaped JSON string holding a piece of Python, and an
edit is clearest as the before/after text itself (Aider's SEARCH/REPLACE blocks):

    ```
    edit shop/cart.py
    <<<<<<< SEARCH
    for item in items[:-1]:
    =======
    for item in items:
    >>>>>>> REPLACE
    ```

A reply without a fence is still read when a line starts with an action name (small models often
drop the fence); anything else is a ``FormatError`` whose message goes back to the model.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from m6_advanced.errors import AdvancedError

ACTIONS = ("search_code", "grep", "read_file", "edit", "run_tests", "submit")

SYSTEM_PROMPT = """\
You are a careful software engineer. You fix an issue in a Python repository, one step at a \
time. Each reply: one or two sentences of thinking, then exactly ONE action in a fenced block. \
You then get its output and choose the next action.

The actions:
- search_code <words>: find code by meaning and keywords
- grep <regex> [path ...]: list the matching lines as path:line:text
- read_file <path> [start] [end]: show a file's numbered lines
- run_tests [pytest arguments]: run the repository's tests
- edit <path>: replace one exact, unique snippet of the file (the block is shown below)
- submit: finish; write on the lines after it what you changed and why

An edit copies the old lines exactly (without line numbers) and gives the new ones; an empty \
SEARCH part creates a new file:
```
edit shop/cart.py
<<<<<<< SEARCH
    for item in items[:-1]:
=======
    for item in items:
>>>>>>> REPLACE
```
Work like this: find the code the issue is about (search_code, grep), read it (read_file), \
edit it, run the tests, and submit when they pass. Change only what the issue needs.

So a reply is a sentence or two about what you will do next and why, then the fenced block \
with the one action that does it."""
"""No worked example of a whole reply: small models copy an example's command word for word, on
every issue (Qwen2.5-Coder-1.5B grepped for ``discount`` in a pagination bug). The edit block above
is shown because its markers must be exact; its content is plainly a placeholder for a fix."""

FENCE = re.compile(r"```[^\n`]*\n(.*?)```", re.DOTALL)
EDIT_BLOCK = re.compile(
    r"^<<<<<<< SEARCH\n(.*?)^=======\n(.*?)^>>>>>>> REPLACE$", re.DOTALL | re.MULTILINE
)


class FormatError(AdvancedError):
    """A reply the loop cannot turn into one action; the message is shown to the model."""


@dataclass(frozen=True)
class Action:
    """One parsed action: its name and its arguments (strings and ints only: JSON-ready)."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    """Said to the model before the action's output (e.g. that the rest of its block was ignored)."""

    def key(self) -> str:
        """The action with every argument: equal keys mean the very same action."""
        return json.dumps([self.name, self.args], sort_keys=True)


def action_text(reply: str) -> str:
    """The text of the one action in ``reply`` (see the module docstring for the rule)."""
    blocks = [block for block in FENCE.findall(reply) if block.strip()]
    if len(blocks) > 1:
        raise FormatError(
            f"found {len(blocks)} fenced blocks: give exactly one action per reply, then wait "
            "for its output"
        )
    if blocks:
        return blocks[0]
    lines = reply.splitlines()
    for number, line in enumerate(lines):
        if line.split(maxsplit=1)[:1] and line.split(maxsplit=1)[0] in ACTIONS:
            return "\n".join(lines[number:])
    raise FormatError(
        "no action found: end your reply with one fenced block whose first line is one of "
        + ", ".join(ACTIONS)
    )


def parse_action(reply: str) -> Action:
    """The action ``reply`` asks for, with its arguments checked; FormatError says what is wrong."""
    text = action_text(reply).strip("\n")
    first, _, rest = text.partition("\n")
    name, _, arguments = first.strip().partition(" ")
    arguments = arguments.strip()
    if name not in ACTIONS:
        raise FormatError(f"unknown action {name!r}: use one of {', '.join(ACTIONS)}")
    if name == "edit":
        return _edit(arguments, rest)
    if name == "submit":
        return Action("submit", {"summary": (arguments + "\n" + rest).strip()})
    # More lines than the command: small models often list a whole plan. The first action runs
    # and the model is told; refusing the reply outright mostly makes it repeat itself.
    note = ""
    if rest.strip():
        note = (f"(Only the first line of your block ran: {first.strip()!r}. One action per "
                "reply; send the next one after reading this output.)")  # fmt: skip
    if name == "search_code":
        if not arguments:
            raise FormatError("search_code needs some words: search_code <words>")
        return Action(name, {"query": arguments}, note)
    try:
        words = shlex.split(arguments)
    except ValueError as error:
        raise FormatError(f"cannot read the arguments of {name}: {error}") from None
    if name == "grep":
        if not words:
            raise FormatError("grep takes a pattern and optional paths: grep <regex> [path ...]")
        return Action(name, {"pattern": words[0], "paths": words[1:] or ["."]}, note)
    if name == "read_file":
        return Action("read_file", _read_file(words), note)
    return Action("run_tests", {"args": words}, note)


def _read_file(words: list[str]) -> dict[str, Any]:
    if not 1 <= len(words) <= 3:
        raise FormatError("read_file takes a path and an optional line range: read_file <path> [start] [end]")  # fmt: skip
    try:
        numbers = [int(word) for word in words[1:]]
    except ValueError:
        raise FormatError("read_file's start and end must be line numbers") from None
    start = numbers[0] if numbers else 1
    end = numbers[1] if len(numbers) > 1 else None
    if start < 1 or (end is not None and end < start):
        raise FormatError(f"read_file: bad line range {start}-{end}")
    return {"path": words[0], "start": start, "end": end}


def _edit(path: str, body: str) -> Action:
    if not path or len(path.split()) != 1:
        raise FormatError("edit takes one path on its first line: edit <path>")
    blocks = EDIT_BLOCK.findall(body + ("\n" if not body.endswith("\n") else ""))
    if not blocks:
        raise FormatError(
            "edit needs a block: <<<<<<< SEARCH, the old lines, =======, the new lines, "
            ">>>>>>> REPLACE (each marker on a line of its own)"
        )
    if len(blocks) > 1:
        raise FormatError("one SEARCH/REPLACE block per edit action: send the others next")
    search, replace = blocks[0]
    # The block holds whole lines; the edit itself may be part of one. So the line break before
    # ======= and before >>>>>>> belongs to the markers, except where it is all there is: a new
    # file's content keeps its last line break, and a deletion takes the line's break with it.
    if search and replace:
        search, replace = search[:-1], replace[:-1]
    return Action("edit", {"path": path, "search": search, "replace": replace})
