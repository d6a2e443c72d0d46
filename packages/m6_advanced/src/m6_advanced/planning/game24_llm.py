"""Game of 24 with a language model: the paper's propose and value prompts, and IO / CoT baselines.

The model never gets the last word: every step it proposes is parsed, and kept only if its two
operands are among the numbers left and its result is right (checked with Fractions); the
final expression is rebuilt from the kept steps and checked by ``game24.check_answer``.

- ``LLMProposer``: few-shot "Input: 2 8 8 14 / Possible next steps: 2 + 8 = 10 (left: 8 10 14)..."
  (the paper's propose prompt); one call per expanded state.
- ``LLMEvaluator``: "Evaluate if given numbers can reach 24 (sure/likely/impossible)", few-shot,
  the first such word in the reply → 20 / 1 / 0.001 (no word → 0). One greedy sample per state,
  cached by the numbers left (the paper samples 3 and also caches). A state with one number left
  is judged by code: it is 24 or it is not.
- ``solve_io`` / ``solve_cot``: one attempt, answer only (IO) or steps then answer (CoT).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from m4_genai.llm import ChatModel
from m6_advanced.planning.game24 import TARGET, canonical, check_answer, left_text, show, values_of
from m6_advanced.planning.game24_search import items_of
from m6_advanced.planning.tot_search import VALUE_OF, Thought

PROPOSE_PROMPT = """Reply only with lines in the format of the example.
Input: 2 8 8 14
Possible next steps:
2 + 8 = 10 (left: 8 10 14)
8 / 2 = 4 (left: 4 8 14)
14 + 2 = 16 (left: 8 8 16)
2 * 8 = 16 (left: 8 14 16)
8 - 2 = 6 (left: 6 8 14)
14 - 8 = 6 (left: 2 6 8)
14 / 2 = 7 (left: 7 8 8)
14 - 2 = 12 (left: 8 8 12)
Input: {numbers}
Possible next steps:
"""

VALUE_PROMPT = """Evaluate if given numbers can reach 24 (sure/likely/impossible)
10 14
10 + 14 = 24
sure
11 12
11 + 12 = 23
12 - 11 = 1
11 * 12 = 132
11 / 12 = 0.91
impossible
4 4 10
4 + 4 + 10 = 8 + 10 = 18
4 * 10 - 4 = 40 - 4 = 36
(10 - 4) * 4 = 6 * 4 = 24
sure
5 7 8
5 + 7 + 8 = 12 + 8 = 20
(8 - 5) * 7 = 3 * 7 = 21
I cannot obtain 24 now, but numbers are within a reasonable range
likely
1 3 3
1 * 3 * 3 = 9
(1 + 3) * 3 = 12
1 3 3 are all too small
impossible
{numbers}
"""

IO_PROMPT = """Use numbers and basic arithmetic operations (+ - * /) to obtain 24. Reply with \
one line in the same format as the examples: Answer: <expression> = 24
Input: 4 4 6 8
Answer: (4 + 8) * (6 - 4) = 24
Input: 2 9 10 12
Answer: 2 * 12 * (10 - 9) = 24
Input: 4 9 10 13
Answer: (13 - 9) * (10 - 4) = 24
Input: 1 4 8 8
Answer: (8 / 4 + 1) * 8 = 24
Input: 5 5 5 9
Answer: 5 + 5 + 5 + 9 = 24
Input: {numbers}
"""

COT_PROMPT = """Use numbers and basic arithmetic operations (+ - * /) to obtain 24. Each step, \
you are only allowed to choose two of the remaining numbers to obtain a new number. Reply in \
the same format as the examples: Steps, three lines, then the Answer line.
Input: 4 4 6 8
Steps:
4 + 8 = 12 (left: 4 6 12)
6 - 4 = 2 (left: 2 12)
2 * 12 = 24 (left: 24)
Answer: (6 - 4) * (4 + 8) = 24
Input: 2 9 10 12
Steps:
12 * 2 = 24 (left: 9 10 24)
10 - 9 = 1 (left: 1 24)
24 * 1 = 24 (left: 24)
Answer: (12 * 2) * (10 - 9) = 24
Input: 4 9 10 13
Steps:
13 - 10 = 3 (left: 3 4 9)
9 - 3 = 6 (left: 4 6)
4 * 6 = 24 (left: 24)
Answer: 4 * (9 - (13 - 10)) = 24
Input: {numbers}
"""

_NUMBER = r"\d+/\d+|\d*\.\d+|\d+"
STEP_LINE = re.compile(rf"^\s*({_NUMBER})\s*([-+*/×x÷])\s*({_NUMBER})\s*=\s*({_NUMBER})")
_OP = {"×": "*", "x": "*", "÷": "/"}


def ask(model: ChatModel, prompt: str, max_tokens: int) -> str:
    """One user turn, greedy: the model's reply text."""
    return model.chat([{"role": "user", "content": prompt}], max_tokens=max_tokens).text


def parse_steps(reply: str, thought: Thought) -> tuple[list[Thought], int]:
    """The valid steps of a propose reply as child thoughts, and how many lines were rejected.

    A line counts when it reads ``a op b = c``; it is kept when ``a`` and ``b`` are numbers left
    (two different ones), ``c`` is exactly ``a op b`` and no earlier line left the same numbers.
    The model's ``(left: ...)`` is ignored: code knows what is left.
    """
    items = items_of(thought)
    kept: dict[tuple[Fraction, ...], Thought] = {}
    rejected = 0
    for line in reply.splitlines():
        match = STEP_LINE.match(line)
        if match is None:
            rejected += bool(line.strip())  # prose or garbage; blank lines are free
            continue
        a, op, b, c = match.groups()
        child = checked_step(thought, items, Fraction(a), _OP.get(op, op), Fraction(b), Fraction(c))
        if child is None:
            rejected += 1  # wrong arithmetic, or numbers that are not on the table
            continue
        kept.setdefault(values_of(items_of(child)), child)
    return list(kept.values()), rejected


def checked_step(
    thought: Thought, items: tuple, x: Fraction, op: str, y: Fraction, claimed: Fraction
) -> Thought | None:
    """The child thought of ``x op y = claimed`` if both operands are left and the result is right."""
    i = next((k for k, (value, _) in enumerate(items) if value == x), None)
    j = next((k for k, (value, _) in enumerate(items) if value == y and k != i), None)
    if i is None or j is None or (op == "/" and y == 0):
        return None
    result = {"+": x + y, "-": x - y, "*": x * y, "/": x / y if y else None}[op]
    if result != claimed:
        return None
    rest = [item for k, item in enumerate(items) if k not in (i, j)]
    state = canonical([*rest, (result, f"({items[i][1]} {op} {items[j][1]})")])
    return thought.child(
        state, f"{show(x)} {op} {show(y)} = {show(result)} (left: {left_text(state)})"
    )


class LLMProposer:
    """The paper's propose prompt; invalid steps are dropped (counted in ``rejected_steps``)."""

    def __init__(self, model: ChatModel, max_tokens: int = 100) -> None:
        self.model, self.max_tokens = model, max_tokens
        self.model_calls = self.kept_steps = self.rejected_steps = 0

    def propose(self, thought: Thought) -> list[Thought]:
        prompt = PROPOSE_PROMPT.format(numbers=left_text(items_of(thought)))
        self.model_calls += 1
        children, rejected = parse_steps(ask(self.model, prompt, self.max_tokens), thought)
        self.kept_steps += len(children)
        self.rejected_steps += rejected
        return children


def parse_value(reply: str) -> float:
    """The first sure/likely/impossible in the reply, as 20/1/0.001; 0 when there is none.

    The first, not the last: a small model that has judged goes on inventing more examples."""
    words = re.findall(r"\b(sure|likely|impossible)\b", reply.lower())
    return VALUE_OF[words[0]] if words else 0.0


class LLMEvaluator:
    """The paper's value prompt, one greedy sample, cached by the multiset of numbers left."""

    def __init__(self, model: ChatModel, max_tokens: int = 16) -> None:
        self.model, self.max_tokens = model, max_tokens
        self.model_calls = 0
        self.cache: dict[tuple[Fraction, ...], float] = {}

    def evaluate(self, thought: Thought) -> float:
        values = values_of(items_of(thought))
        if len(values) == 1:  # nothing left to judge: code knows
            return VALUE_OF["sure"] if values[0] == TARGET else VALUE_OF["impossible"]
        if values not in self.cache:
            self.model_calls += 1
            reply = ask(self.model, VALUE_PROMPT.format(numbers=left_text(items_of(thought))),
                        self.max_tokens)  # fmt: skip
            self.cache[values] = parse_value(reply)
        return self.cache[values]


@dataclass
class Attempt:
    """One IO/CoT attempt: the expression found in the reply (if any) and whether it checks."""

    expression: str | None
    solved: bool
    reply: str


def extract_answer(reply: str) -> str | None:
    """The expression after the first ``Answer:``, else the left side of a line ending ``= 24``."""
    for line in reply.splitlines():
        if line.strip().lower().startswith("answer:"):
            return line.split(":", 1)[1].split("=")[0].strip()
    for line in reply.splitlines():
        if re.search(r"=\s*24\s*$", line) and "left" not in line:
            return line.split("=")[0].strip()
    return None


def solve_once(
    model: ChatModel, numbers: tuple[int, ...], style: str, max_tokens: int | None = None
) -> Attempt:
    """IO (``style="io"``) or chain-of-thought (``"cot"``): one greedy reply, checked exactly."""
    prompt = (IO_PROMPT if style == "io" else COT_PROMPT).format(
        numbers=" ".join(map(str, numbers))
    )
    reply = ask(model, prompt, max_tokens or (40 if style == "io" else 110))
    expression = extract_answer(reply)
    if expression is not None:
        expression = expression.replace("×", "*").replace("÷", "/")
    solved = expression is not None and check_answer(expression, numbers)
    return Attempt(expression, solved, reply)
