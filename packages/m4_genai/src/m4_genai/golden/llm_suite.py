"""A small quality suite for chat models, every answer scored exactly by code (no judge model).

``llm_suite.jsonl`` holds 30 items written for this project, six of each kind (two ``dev``
items to tune prompts on, four ``test`` items to report):

- ``tool``: three typed tools are offered (``suite_tools.py``: ``convert_units``,
  ``percent_of``, ``days_between``); right = the model called the expected tool with arguments
  that validate and equal the expected ones (numbers to 1e-9, strings exactly).
- ``cite``: three numbered sources in a RAG prompt that allows "I don't know"
  (``CITE_OR_REFUSE_PROMPT``), one of which answers; right = the reply cites that source and no other, contains the key fact and does not
  abstain.
- ``abstain``: the same prompt, but no source answers; right = the reply says "I don't know".
- ``code``: a short function; right = the reply's code passes hidden asserts in a fresh,
  isolated interpreter (``code_runner.run_python``: timeout, no network, no new processes).
- ``math``: a two-step word problem; right = the number after the last ``Answer:`` (else the
  last number of the reply) equals the expected one.

The sources describe made-up places and programs, so a model cannot answer from memory.
``run_suite(model)`` asks any ``ChatModel`` and returns a ``SuiteResult`` (per item, per kind,
overall with a 95% interval: with 20 items it is wide). ``perfect_reply(item)`` is the answer
a perfect model gives: tests script it, and it shows what each kind expects.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources
from typing import Any, Literal, get_args

from m4_genai.errors import LLMError
from m4_genai.golden.answers import cited_numbers
from m4_genai.golden.code_runner import run_python
from m4_genai.golden.suite_tools import TOOLS
from m4_genai.llm.base import ChatModel, ChatResult, Message, ToolCall
from m4_genai.rag import I_DONT_KNOW
from roadmap_data.stats import wilson_interval

CITE_OR_REFUSE_PROMPT = (
    "You answer questions using only the numbered sources below. Cite the sources you use "
    "as [1], [2], ... after the sentence they support. If the sources do not contain the "
    f'answer, reply exactly "{I_DONT_KNOW}"'
)
"""Can the model both cite and refuse when told to? (The RAG chain itself refuses before the
model instead: small models told they may refuse do so too often; see ``rag.py``.)"""

Kind = Literal["tool", "cite", "abstain", "code", "math"]
KINDS: tuple[str, ...] = get_args(Kind)
MAX_TOKENS = {"tool": 96, "cite": 96, "abstain": 64, "code": 256, "math": 256}
"""Room for each kind's answer: a tool call takes ~40 tokens, a function ~120, and Qwen's
step-by-step arithmetic ~150–250 (it ran out of 192 on a dev item)."""
CODE_INSTRUCTION = "Reply with the code only, in one ```python block."
MATH_INSTRUCTION = "Work it out briefly, then end with the line: Answer: <number>"

# ---------- items and prompts ----------------------------------------------------------------


@dataclass(frozen=True)
class SuiteItem:
    """One question of the suite; ``expect`` depends on the kind (see the module docstring)."""

    id: str
    kind: Kind
    split: Literal["dev", "test"]
    prompt: str
    expect: dict[str, Any]
    sources: tuple[dict[str, str], ...] = ()
    """``{"title", "text"}`` for ``cite`` and ``abstain`` items, numbered from 1 in the prompt."""


def load_suite(split: str | None = None, per_kind: int | None = None) -> list[SuiteItem]:
    """The items of ``llm_suite.jsonl`` (of one split; the first ``per_kind`` of each kind)."""
    text = resources.files("m4_genai.golden").joinpath("llm_suite.jsonl").read_text("utf-8")
    items = [json.loads(line) for line in text.splitlines() if line.strip()]
    items = [SuiteItem(**{**row, "sources": tuple(row.get("sources", ()))}) for row in items]
    if split is not None:
        items = [item for item in items if item.split == split]
    if per_kind is not None:
        items = [item for item in items if _rank(items, item) < per_kind]
    return items


def _rank(items: list[SuiteItem], item: SuiteItem) -> int:
    """How many items of ``item``'s kind come before it."""
    return [i.id for i in items if i.kind == item.kind].index(item.id)


def messages_for(item: SuiteItem) -> list[Message]:
    """The conversation the model is shown for ``item``."""
    if item.kind in ("cite", "abstain"):
        blocks = [f"[{n}] {s['title']}\n{s['text']}" for n, s in enumerate(item.sources, 1)]
        user = "Sources:\n\n" + "\n\n".join(blocks) + f"\n\nQuestion: {item.prompt}\nAnswer:"
        return [
            {"role": "system", "content": CITE_OR_REFUSE_PROMPT},
            {"role": "user", "content": user},
        ]
    suffix = {"code": CODE_INSTRUCTION, "math": MATH_INSTRUCTION}.get(item.kind)
    return [{"role": "user", "content": f"{item.prompt}\n{suffix}" if suffix else item.prompt}]


def perfect_reply(item: SuiteItem) -> str | ToolCall:
    """What a model that gets ``item`` right replies (tests script these)."""
    expect = item.expect
    if item.kind == "tool":
        return ToolCall("call_0", expect["tool"], dict(expect["arguments"]))
    if item.kind == "cite":
        return f"{expect['contains']} [{expect['source']}]"
    if item.kind == "abstain":
        return I_DONT_KNOW
    if item.kind == "code":
        return f"```python\n{expect['solution']}\n```"
    return f"Answer: {expect['answer']}"


# ---------- scoring: (right?, why) ------------------------------------------------------------

NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")
FENCE = re.compile(r"```[a-zA-Z]*[ \t]*\n(.*?)(?:```|$)", re.DOTALL)


def _plain(text: str) -> str:
    """Lower case, typographic apostrophes made straight, whitespace removed (for ``in`` tests)."""
    return "".join(text.lower().replace("\u2019", "'").split())


def abstains(text: str) -> bool:
    """The reply says "I don't know" (or "I do not know"), anywhere in it."""
    return any(p in _plain(text) for p in ("idon'tknow", "idonotknow"))


def states(text: str, fact: str) -> bool:
    """``fact`` appears in ``text`` as whole words, any case and spacing: "2 GB" matches "2GB"
    but "7" does not match "17" or "1.7"."""
    words = r"\s*".join(re.escape(part) for part in fact.lower().split())
    return re.search(rf"(?<![\w.]){words}(?!\w)", text.lower()) is not None


def score_tool(item: SuiteItem, result: ChatResult) -> tuple[bool, str, bool]:
    """``(right, why, valid)``: valid = a call naming a real tool with arguments that validate."""
    if not result.tool_calls:
        return False, f"no tool call: {result.text[:80]!r}", False
    call = result.tool_calls[0]
    tool = next((t for t in TOOLS if t.name == call.name), None)
    if tool is None:
        return False, f"called unknown tool {call.name!r}", False
    try:
        arguments = tool.validate(call.arguments)
    except LLMError as error:
        return False, str(error), False
    shown = f"{call.name}({', '.join(f'{k}={v!r}' for k, v in arguments.items())})"
    expected = item.expect["arguments"]
    same = (
        call.name == item.expect["tool"]
        and set(arguments) == set(expected)
        and all(_same_value(arguments[k], v) for k, v in expected.items())
    )
    return same, f"called {shown}", True


def _same_value(got: Any, want: Any) -> bool:
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)
    return got == want


def score_text(item: SuiteItem, text: str) -> tuple[bool, str]:
    """Scores ``cite``, ``abstain``, ``code`` and ``math`` replies (see the module docstring)."""
    if item.kind == "abstain":
        return abstains(text), "abstained" if abstains(text) else f"answered: {text[:80]!r}"
    if item.kind == "cite":
        cited = sorted(cited_numbers(text))
        fact = states(text, item.expect["contains"])
        right = cited == [item.expect["source"]] and fact and not abstains(text)
        return (
            right,
            f"cited {cited} (want [{item.expect['source']}]), fact {'in' if fact else 'missing'}",
        )
    if item.kind == "code":
        run = run_python(extract_code(text, item.expect["function"]), item.expect["tests"])
        last_line = (run.output.strip().splitlines() or ["no output"])[-1][:200]
        why = "passed" if run.passed else "timed out" if run.timed_out else last_line
        return run.passed, why
    number = final_number(text)
    return number is not None and math.isclose(number, item.expect["answer"]), f"answer {number}"


def extract_code(text: str, function: str) -> str:
    """The fenced block that defines ``function`` (else the first block, else the whole reply)."""
    blocks = FENCE.findall(text)
    return next((b for b in blocks if f"def {function}" in b), blocks[0] if blocks else text)


def final_number(text: str) -> float | None:
    """The number after the last ``Answer:`` on its line, else the last number in ``text``."""
    cue = text.lower().rfind("answer:")
    if cue != -1 and (after := NUMBER.findall(text[cue:].split("\n")[0])):
        return float(after[0].replace(",", ""))
    numbers = NUMBER.findall(text)
    return float(numbers[-1].replace(",", "")) if numbers else None


# ---------- running -------------------------------------------------------------------------


@dataclass
class ItemResult:
    id: str
    kind: str
    split: str
    right: bool
    why: str
    reply: str
    seconds: float
    prompt_tokens: int
    completion_tokens: int
    valid: bool | None = None
    """For tool items: the reply was a call of a real tool with valid arguments."""


@dataclass
class SuiteResult:
    model: str
    items: list[ItemResult] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(r.right for r in self.items) / len(self.items) if self.items else 0.0

    def by_kind(self) -> dict[str, float]:
        kinds = [k for k in KINDS if any(r.kind == k for r in self.items)]
        return {k: _mean([r.right for r in self.items if r.kind == k]) for k in kinds}

    def metrics(self) -> dict[str, Any]:
        valid = [r.valid for r in self.items if r.valid is not None]
        right = sum(r.right for r in self.items)
        return {
            "model": self.model,
            "items": len(self.items),
            "right": right,
            "accuracy": self.accuracy,
            "accuracy_interval_95": wilson_interval(right, len(self.items)),
            "by_kind": self.by_kind(),
            "tool_calls_valid": _mean(valid) if valid else None,
            "seconds": sum(r.seconds for r in self.items),
            "completion_tokens": sum(r.completion_tokens for r in self.items),
            "results": [asdict(r) for r in self.items],
        }


def _mean(values: Sequence[bool]) -> float:
    return sum(values) / len(values)


def run_item(model: ChatModel, item: SuiteItem, **opts: Any) -> ItemResult:
    """Ask ``model`` one item and score the reply."""
    tools = TOOLS if item.kind == "tool" else None
    start = time.perf_counter()
    result = model.chat(messages_for(item), tools=tools, max_tokens=MAX_TOKENS[item.kind], **opts)
    seconds = result.seconds or time.perf_counter() - start
    valid = None
    if item.kind == "tool":
        right, why, valid = score_tool(item, result)
    else:
        right, why = score_text(item, result.text)
    reply = result.text or json.dumps([asdict(call) for call in result.tool_calls])
    return ItemResult(item.id, item.kind, item.split, right, why, reply[:500], seconds,
                      result.prompt_tokens, result.completion_tokens, valid)  # fmt: skip


def run_suite(
    model: ChatModel,
    items: Sequence[SuiteItem] | None = None,
    on_item: Callable[[ItemResult], None] | None = None,
    **opts: Any,
) -> SuiteResult:
    """Ask ``model`` every item (default: the whole suite) in order; ``opts`` go to ``chat``."""
    suite = SuiteResult(model=getattr(model, "name", type(model).__name__))
    for item in load_suite() if items is None else items:
        suite.items.append(run_item(model, item, **opts))
        if on_item is not None:
            on_item(suite.items[-1])
    return suite
