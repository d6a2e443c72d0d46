"""Prompting: zero-shot, few-shot and chain-of-thought, as templates in a data file.

A prompt is not a string glued together where it is used: it is a *template* (how to ask) applied
to a *task* (what to do, with worked examples) and a question. Keeping templates in
``prompts/templates.toml`` means they can be read, diffed and compared without touching the code,
and the same question can be asked three ways:

- **zero-shot**: the instruction and the question;
- **few-shot**: worked examples first, as earlier user/assistant turns, so the model copies the
  format (and, for a big model, the skill);
- **chain-of-thought**: examples that reason before answering and a request to do the same, which
  helps large models with multi-step problems (Wei et al., 2022) and often does not help tiny ones.

Every answer is checked by code: ``extract_answer`` finds the ``Answer: ...`` line (or falls back
to the last number / the first label in the reply), and ``is_correct`` compares it with the truth.
"""

from __future__ import annotations

import operator
import random
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from m4_genai.errors import GenAIError
from m4_genai.llm.base import Message

TEMPLATES = "templates.toml"


@dataclass(frozen=True)
class Example:
    """A worked example: question, the reasoning that leads to the answer, and the answer."""

    question: str
    reasoning: str
    answer: str


@dataclass(frozen=True)
class Task:
    """What to do (``instruction``), what an answer looks like, and worked examples."""

    name: str
    instruction: str
    answer_format: str
    examples: tuple[Example, ...]
    labels: tuple[str, ...] = ()
    """For classification tasks: the allowed answers. Empty: the answer is a number."""


@dataclass(frozen=True)
class Style:
    """How to ask: a system and a user template, and how examples' answers are shown."""

    name: str
    description: str
    system: str
    user: str
    example_assistant: str | None = None
    """Template of an example's answer turn; None = no examples (zero-shot)."""


@dataclass(frozen=True)
class Question:
    """One evaluation item: the task it belongs to, the text asked, the correct answer."""

    task: str
    text: str
    answer: str


def _require(table: dict[str, Any], key: str, where: str) -> Any:
    if key not in table:
        raise GenAIError(f"{where}: missing key {key!r}")
    return table[key]


def load_templates(path: Path | None = None) -> tuple[dict[str, Task], dict[str, Style]]:
    """Read tasks and styles from ``path`` (default: the packaged ``prompts/templates.toml``)."""
    if path is None:
        text = resources.files("m4_genai.lessons").joinpath("prompts", TEMPLATES).read_text("utf-8")
        where = f"m4_genai/prompts/{TEMPLATES}"
    else:
        if not path.is_file():
            raise GenAIError(f"template file not found: {path}")
        text, where = path.read_text("utf-8"), str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise GenAIError(f"{where}: not valid TOML ({error})") from error
    tasks = {}
    for name, table in _require(data, "tasks", where).items():
        at = f"{where} [tasks.{name}]"
        examples = tuple(
            Example(*(str(_require(ex, key, at)) for key in ("question", "reasoning", "answer")))
            for ex in _require(table, "examples", at)
        )
        tasks[name] = Task(
            name,
            _require(table, "instruction", at),
            _require(table, "answer_format", at),
            examples,
            tuple(table.get("labels", ())),
        )
    styles = {}
    for name, table in _require(data, "styles", where).items():
        at = f"{where} [styles.{name}]"
        styles[name] = Style(
            name,
            table.get("description", ""),
            _require(table, "system", at),
            _require(table, "user", at),
            table.get("example_assistant"),
        )
    return tasks, styles


def render(style: Style, task: Task, question: str) -> list[Message]:
    """Chat messages asking ``question`` about ``task`` in ``style``.

    ``[system, (user, assistant) per example..., user]``: examples are shown as earlier turns of
    the same conversation, which is how chat models best learn a format from examples.
    """
    fields = {"instruction": task.instruction, "answer_format": task.answer_format}
    messages: list[Message] = [{"role": "system", "content": style.system.format(**fields)}]
    if style.example_assistant is not None:
        for example in task.examples:
            values = {**fields, "reasoning": example.reasoning, "answer": example.answer}
            messages.append(
                {"role": "user", "content": style.user.format(question=example.question, **fields)}
            )
            messages.append(
                {"role": "assistant", "content": style.example_assistant.format(**values)}
            )
    messages.append({"role": "user", "content": style.user.format(question=question, **fields)})
    return messages


# ---------- checking answers ----------------------------------------------------------------

_ANSWER = re.compile(r"answer\s*[:=]\s*(.+)", re.IGNORECASE)
_INTEGER = re.compile(r"-?\d[\d,]*")
_RESULT = re.compile(r"=\s*(-?\d[\d,]*)")


def extract_answer(reply: str, task: Task) -> str | None:
    """The model's final answer, or None when the reply commits to none.

    With an ``Answer:`` line we read what follows the last one: its first number (arithmetic) or
    the one allowed label it names (classification; naming both, as in "positive or negative",
    is no answer). Without one we are stricter, so that restating the question earns nothing:
    the last ``= <number>`` of a calculation, or a label only when exactly one is named.
    """
    found = _ANSWER.findall(reply)
    tail = found[-1] if found else reply
    if task.labels:
        named = {word for word in re.findall(r"[a-z]+", tail.lower()) if word in task.labels}
        return named.pop() if len(named) == 1 else None
    numbers = _INTEGER.findall(tail) if found else _RESULT.findall(reply)[-1:]
    return numbers[0].replace(",", "") if numbers else None


def is_correct(reply: str, task: Task, truth: str) -> bool:
    """Whether the answer extracted from ``reply`` equals ``truth`` (case-insensitive)."""
    answer = extract_answer(reply, task)
    return answer is not None and answer.lower() == truth.lower()


# ---------- evaluation sets -------------------------------------------------------------------


_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul}


def arithmetic_questions(n: int, seed: int = 0) -> list[Question]:
    """``n`` two-step problems such as ``What is 23 + 19 - 8?`` (results in 0..200)."""
    rng = random.Random(seed)
    questions = []
    while len(questions) < n:
        a, b, c = rng.randint(2, 60), rng.randint(2, 40), rng.randint(2, 30)
        op1, op2 = rng.choice("+-*"), rng.choice("+-")
        if op1 == "*":
            a, b = rng.randint(2, 12), rng.randint(2, 12)
        expression = f"{a} {op1} {b} {op2} {c}"
        value = _OPS[op2](_OPS[op1](a, b), c)  # left to right; * only comes first
        if 0 <= value <= 200:
            questions.append(Question("arithmetic", f"What is {expression}?", str(value)))
    return questions


def sentiment_questions(n: int, seed: int = 0, min_confidence: float = 0.9) -> list[Question]:
    """``n`` tweets (half positive, half negative) whose human label had ≥ ``min_confidence``."""
    from roadmap_data import load_tweets

    tweets = load_tweets()
    sure = tweets[
        (tweets["confidence"] >= min_confidence)
        & tweets["sentiment"].isin(["positive", "negative"])
        & (tweets["text"].str.len() <= 160)
    ]
    sure = sure.drop_duplicates("text")
    half = (n + 1) // 2
    picked = []
    for offset, label in enumerate(("positive", "negative")):
        rows = sure[sure["sentiment"] == label]
        count = half if label == "positive" else n - half
        picked += rows.sample(count, random_state=seed + offset).itertuples()
    return [Question("sentiment", f"Tweet: {_clean(row.text)}", row.sentiment) for row in picked]


def _clean(text: str) -> str:
    """One line, single spaces, no control characters (the tweets were latin-1 mojibake'd)."""
    return " ".join("".join(ch for ch in text if ch.isprintable() or ch.isspace()).split())
