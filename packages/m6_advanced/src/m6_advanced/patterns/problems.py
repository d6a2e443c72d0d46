"""Checkable tasks for reflexion: write one Python function that must pass hidden asserts.

Reflexion needs an evaluator, and the best one is *external and exact*: here, the asserts run
in month 5's sandbox (``m5_agents_mlops.house.sandbox.run_tests``: a fresh folder, a timeout that
kills the process group, resource limits, no network). ``check_code(problem, reply)`` pulls the
code out of the model's reply, runs one pytest test per assert and returns a ``Check``: passed or
not, and the failing asserts with pytest's explanation, which is what the self-critique reads.

The model sees the description and one example; the other asserts stay hidden until they fail.
The set has a **dev** part (prompts were worded on it) and a **test** part (the figures in the
README come from it only, never tuned on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from m5_agents_mlops.house.sandbox import Limits, run_tests
from m6_advanced.errors import AdvancedError

Split = Literal["dev", "test"]
MAX_FEEDBACK_CHARS = 1_500
"""Test output shown to the model at most (small models have small context windows)."""


@dataclass(frozen=True)
class Problem:
    """One function to write: ``prompt`` says what, ``asserts`` decide whether it was done."""

    id: str
    split: Split
    signature: str
    description: str
    asserts: tuple[str, ...]

    @property
    def prompt(self) -> str:
        """The task as the actor sees it: signature, description and the first assert."""
        return (f"Write the Python function `{self.signature}`. {self.description}\n"
                f"Example: `{self.asserts[0]}`")  # fmt: skip


@dataclass(frozen=True)
class Check:
    """An evaluator's verdict on one attempt."""

    passed: bool
    feedback: str
    """What went wrong (empty when it passed): what the reflection reads."""
    score: float = 0.0
    """Fraction of the checks that passed."""


def P(id: str, split: Split, signature: str, description: str, *asserts: str) -> Problem:
    return Problem(id, split, signature, description, asserts)


PROBLEMS: tuple[Problem, ...] = (
    P("clamp", "dev", "clamp(x, lo, hi)", "Return x limited to the range [lo, hi].",
      "clamp(5, 0, 3) == 3", "clamp(-2, 0, 3) == 0", "clamp(2, 0, 3) == 2", "clamp(0, 0, 0) == 0"),
    P("count_vowels", "dev", "count_vowels(text)",
      "Count the vowels a, e, i, o, u in text, upper or lower case ('y' is not a vowel).",
      "count_vowels('Hello') == 2", "count_vowels('AEIOU') == 5", "count_vowels('rhythm') == 0",
      "count_vowels('') == 0"),
    P("rle", "dev", "rle(text)",
      "Run-length encode text: each run of a character becomes the character then its count.",
      "rle('aaabcc') == 'a3b1c2'", "rle('') == ''", "rle('z') == 'z1'",
      "rle('aabaa') == 'a2b1a2'"),
    P("second_largest", "dev", "second_largest(numbers)",
      "Return the second largest *distinct* value in the list, or None if there is none.",
      "second_largest([3, 1, 4]) == 3", "second_largest([5, 5, 4]) == 4",
      "second_largest([7]) is None", "second_largest([2, 2]) is None"),
    P("roman_to_int", "test", "roman_to_int(numeral)",
      "Convert a Roman numeral (I, V, X, L, C, D, M, with subtractive pairs) to an int.",
      "roman_to_int('III') == 3", "roman_to_int('IV') == 4", "roman_to_int('MCMXCIV') == 1994",
      "roman_to_int('XLII') == 42"),
    P("camel_to_snake", "test", "camel_to_snake(name)",
      "Turn a camelCase or PascalCase identifier into snake_case.",
      "camel_to_snake('helloWorld') == 'hello_world'",
      "camel_to_snake('HelloWorld') == 'hello_world'", "camel_to_snake('x') == 'x'",
      "camel_to_snake('getHTTPCode') == 'get_h_t_t_p_code'"),
    P("flatten", "test", "flatten(items)",
      "Flatten arbitrarily nested lists into one flat list, keeping the order.",
      "flatten([1, [2, [3, 4]], 5]) == [1, 2, 3, 4, 5]", "flatten([]) == []",
      "flatten([[[]]]) == []", "flatten([[1], 2, [[3]]]) == [1, 2, 3]"),
    P("is_leap_year", "test", "is_leap_year(year)",
      "Gregorian leap year: divisible by 4, except centuries, except every 400 years.",
      "is_leap_year(2024) is True", "is_leap_year(1900) is False", "is_leap_year(2000) is True",
      "is_leap_year(2023) is False"),
    P("merge_intervals", "test", "merge_intervals(intervals)",
      "Merge overlapping or touching [start, end] intervals; return them sorted as lists.",
      "merge_intervals([[1, 3], [2, 6], [8, 10]]) == [[1, 6], [8, 10]]",
      "merge_intervals([[5, 6], [1, 2]]) == [[1, 2], [5, 6]]",
      "merge_intervals([[1, 2], [2, 4]]) == [[1, 4]]", "merge_intervals([]) == []"),
    P("digital_root", "test", "digital_root(n)",
      "Sum the decimal digits of the non-negative int n repeatedly until one digit is left.",
      "digital_root(16) == 7", "digital_root(942) == 6", "digital_root(0) == 0",
      "digital_root(493193) == 2"),
    P("balanced", "test", "balanced(text)",
      "True if the brackets (), [] and {} in text are balanced and properly nested; other "
      "characters are ignored.",
      "balanced('(a[b]{c})') is True", "balanced('([)]') is False", "balanced('') is True",
      "balanced('((') is False", "balanced('}{') is False"),
    P("chunk", "test", "chunk(items, size)",
      "Split the list into consecutive lists of `size` items (the last may be shorter); "
      "raise ValueError if size < 1.",
      "chunk([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]", "chunk([], 3) == []",
      "chunk([1, 2], 5) == [[1, 2]]",
      "__import__('pytest').raises(ValueError, chunk, [1], 0) is not None"),
    P("word_counts", "test", "word_counts(text)",
      "Count words case-insensitively, ignoring punctuation; return a dict word -> count.",
      "word_counts('The cat, the hat.') == {'the': 2, 'cat': 1, 'hat': 1}",
      "word_counts('') == {}", "word_counts('Go! go? GO') == {'go': 3}"),
)  # fmt: skip


def get_problem(key: str) -> Problem:
    """The problem whose id (or whole prompt) is ``key``, or an AdvancedError listing the ids."""
    for problem in PROBLEMS:
        if key in (problem.id, problem.prompt):
            return problem
    ids = ", ".join(p.id for p in PROBLEMS)
    raise AdvancedError(
        f"reflexion needs a checkable task: unknown problem {key!r}; use one of {ids}"
    )


def problems(split: Split | Literal["all"] = "all") -> list[Problem]:
    return [p for p in PROBLEMS if split in ("all", p.split)]


_FENCE = re.compile(r"```(?:python|py)?\s*\n(.*?)```", re.DOTALL)


def extract_code(reply: str) -> str:
    """The code in a reply: its fenced blocks (```python ... ```), else the whole text. A block
    cut off by ``max_tokens`` has no closing fence: what follows the opening one is kept."""
    blocks = _FENCE.findall(reply)
    if blocks:
        return "\n\n".join(blocks)
    opening = re.search(r"```(?:python|py)?\s*\n", reply)
    return reply[opening.end() :] if opening else reply


def test_file(problem: Problem) -> str:
    """One pytest test per assert, so the report names each one that fails."""
    tests = [f"def test_{i}():\n    assert {check}\n" for i, check in enumerate(problem.asserts)]
    return "from solution import *  # noqa\n\n\n" + "\n\n".join(tests)


def check_code(problem: Problem, reply: str, timeout_s: float = 10.0) -> Check:
    """Run the hidden asserts against the code in ``reply``, in the sandbox."""
    code = extract_code(reply)
    try:  # a syntax error is found here, in a clear line, before any process starts
        compile(code, "solution.py", "exec")
    except SyntaxError as error:
        return Check(False, f"SyntaxError in your code, line {error.lineno}: {error.msg}", 0.0)
    files = {"solution.py": code, "test_solution.py": test_file(problem)}
    run = run_tests(files, Limits(timeout_s=timeout_s, cpu_seconds=max(1, round(timeout_s))),
                    pytest_args=("--tb=short",))  # fmt: skip
    score = run.counts.get("passed", 0) / len(problem.asserts)
    if run.passed:
        return Check(True, "", score)
    return Check(False, f"{run.summary}\n{failures(run.output)}", score)


_NOISE = re.compile(
    r"^([=_!]{3,}.*|[.FEsx]+\s+\[\s*\d+%\]|FAILED .*|ERROR .*|\d+ (failed|passed|error).*"
    r"|.*(site-packages|<frozen|\?\?\?|\^\^\^).*)$"
)
"""pytest's banners, progress dots, summary lines and frames inside Python or pytest itself."""


def failures(output: str, limit: int = MAX_FEEDBACK_CHARS) -> str:
    """pytest's failure section, without the noise: the failing asserts and their values."""
    lines = [line for line in output.splitlines() if line.strip() and not _NOISE.match(line)]
    text = "\n".join(lines)
    return text if len(text) <= limit else text[:limit] + "\n[...]"
