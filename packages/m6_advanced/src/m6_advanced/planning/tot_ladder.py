"""The text task: word ladders (COLD → CORD → WORD → WARD → WARM), checked by code.

Change one letter at a time, every rung a real word, from a start word to a target in at most
``MAX_STEPS`` changes. Like Game of 24 it is easy to check and needs search: the greedy move
(the word with most letters in place) often walks into a dead end. The dictionary is
``tot_ladder_words.txt``: 732 common four-letter words, hand-picked, so "real word" is decidable.

- ``check_ladder``: the checker (start and target right, every word in the dictionary, each step
  exactly one letter, at most ``MAX_STEPS`` steps);
- ``ladder_puzzles(split)``: start/target pairs 3-5 steps apart (shortest path), drawn with a
  fixed seed, split into dev and test;
- proposers: ``DictionaryProposer`` (every word one letter away) or ``LLMProposer`` (the model
  lists words; only dictionary words one letter away survive);
- evaluators: ``DistanceEvaluator`` (exact: is the target still reachable in the steps left?),
  ``LettersEvaluator`` (letters already in place: a heuristic) or ``LLMEvaluator``.
"""

from __future__ import annotations

import functools
import itertools
import random
import re
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from m4_genai.llm import ChatModel
from m6_advanced.errors import AdvancedError
from m6_advanced.planning.tot_search import VALUE_OF, Thought

WORD_FILE = Path(__file__).with_name("tot_ladder_words.txt")
MAX_STEPS, SEED, TEST_SIZE, DEV_SIZE = 6, 6, 40, 20


@functools.cache
def dictionary() -> frozenset[str]:
    """The allowed words (lines starting with ``#`` are comments)."""
    lines = [line for line in WORD_FILE.read_text().splitlines() if not line.startswith("#")]
    return frozenset(" ".join(lines).split())


def one_apart(a: str, b: str) -> bool:
    """Same length, exactly one position different."""
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


@functools.cache
def _buckets() -> dict[str, list[str]]:
    """``c_ld`` → [bold, cold, gold, ...]: words sharing all letters but one, found in one pass."""
    buckets: dict[str, list[str]] = {}
    for word in dictionary():
        for i in range(len(word)):
            buckets.setdefault(word[:i] + "_" + word[i + 1 :], []).append(word)
    return buckets


@functools.cache
def neighbours(word: str) -> tuple[str, ...]:
    """Dictionary words one letter away from ``word``, sorted."""
    patterns = [word[:i] + "_" + word[i + 1 :] for i in range(len(word))]
    return tuple(sorted({w for p in patterns for w in _buckets().get(p, []) if w != word}))


@functools.cache
def distances_to(target: str) -> dict[str, int]:
    """Shortest ladder length from every word to ``target`` (breadth-first from the target)."""
    distance, queue = {target: 0}, deque([target])
    while queue:
        word = queue.popleft()
        for other in neighbours(word):
            if other not in distance:
                distance[other] = distance[word] + 1
                queue.append(other)
    return distance


@dataclass(frozen=True)
class Ladder:
    """A puzzle: get from ``start`` to ``target``; ``shortest`` is the best possible step count."""

    start: str
    target: str
    shortest: int

    @property
    def id(self) -> str:
        return f"{self.start}->{self.target}"


def ladder_puzzles(split: str, limit: int | None = None) -> list[Ladder]:
    """Seeded start/target pairs 3-5 steps apart: ``TEST_SIZE`` test, then ``DEV_SIZE`` dev."""
    if split not in ("dev", "test"):
        raise AdvancedError(f"unknown word-ladder split {split!r}; use dev or test")
    rng = random.Random(SEED)
    words = sorted(dictionary())
    chosen: list[Ladder] = []
    seen: set[tuple[str, str]] = set()
    while len(chosen) < TEST_SIZE + DEV_SIZE:
        start, target = rng.sample(words, 2)
        steps = distances_to(target).get(start)
        if steps is not None and 3 <= steps <= 5 and (start, target) not in seen:
            seen.add((start, target))
            chosen.append(Ladder(start, target, steps))
    puzzles = chosen[:TEST_SIZE] if split == "test" else chosen[TEST_SIZE:]
    return puzzles[:limit] if limit is not None else puzzles


def check_ladder(puzzle: Ladder, answer: str) -> bool:
    """True iff ``answer`` ("cold cord word ward warm") is a valid ladder for ``puzzle``."""
    words = answer.lower().split()
    return (
        len(words) >= 2
        and words[0] == puzzle.start
        and words[-1] == puzzle.target
        and len(words) - 1 <= MAX_STEPS
        and all(w in dictionary() for w in words)
        and all(one_apart(a, b) for a, b in itertools.pairwise(words))
    )


# --- the search's view: a thought is the ladder so far ------------------------------------------


def root(puzzle: Ladder) -> Thought:
    return Thought((puzzle.target, (puzzle.start,)))


def _target_and_words(thought: Thought) -> tuple[str, tuple[str, ...]]:
    return thought.state  # type: ignore[return-value]


def is_goal(thought: Thought) -> bool:
    target, words = _target_and_words(thought)
    return words[-1] == target


def answer_of(thought: Thought) -> str:
    return " ".join(_target_and_words(thought)[1])


def extend(thought: Thought, word: str) -> Thought:
    target, words = _target_and_words(thought)
    return thought.child((target, (*words, word)), f"{words[-1]} -> {word}")


class DictionaryProposer:
    """Every dictionary word one letter from the last rung, not used before in this ladder."""

    def propose(self, thought: Thought) -> list[Thought]:
        _, words = _target_and_words(thought)
        return [extend(thought, w) for w in neighbours(words[-1]) if w not in words]


class DistanceEvaluator:
    """Exact: ``sure`` if the target can still be reached in the steps left, else ``impossible``.

    ``sure`` loses 0.01 per step still needed: without that tie-break, BFS may keep five "sure"
    detours whose only way on is a word the ladder already used (no rung may repeat).
    """

    def evaluate(self, thought: Thought) -> float:
        target, words = _target_and_words(thought)
        left = MAX_STEPS - (len(words) - 1)
        distance = distances_to(target).get(words[-1], MAX_STEPS + 1)
        return VALUE_OF["sure"] - 0.01 * distance if distance <= left else VALUE_OF["impossible"]


class LettersEvaluator:
    """Heuristic: letters already matching the target, position by position (0-4)."""

    def evaluate(self, thought: Thought) -> float:
        target, words = _target_and_words(thought)
        return float(sum(a == b for a, b in zip(words[-1], target, strict=True)))


PROPOSE_PROMPT = """Change exactly one letter of a four-letter word to make other common English \
words. List up to 8, one per line.
Word: cold
cord
bold
gold
hold
Word: {word}
"""

VALUE_PROMPT = """Word ladder: change one letter at a time, every step a real word. Can the first \
word reach the second within the steps given? Answer sure, likely or impossible.
card -> cord in 1: sure
cold -> warm in 4: likely
lamp -> fish in 1: impossible
{word} -> {target} in {left}:"""


class LLMProposer:
    """The model lists candidate words; only dictionary words one letter away are kept."""

    def __init__(self, model: ChatModel, max_tokens: int = 48) -> None:
        self.model, self.max_tokens = model, max_tokens
        self.model_calls = self.kept_steps = self.rejected_steps = 0

    def propose(self, thought: Thought) -> list[Thought]:
        _, words = _target_and_words(thought)
        self.model_calls += 1
        reply = self.model.chat(
            [{"role": "user", "content": PROPOSE_PROMPT.format(word=words[-1])}],
            max_tokens=self.max_tokens,
        ).text
        found = dict.fromkeys(re.findall(r"[a-z]+", reply.lower()))  # ordered, deduplicated
        good = [
            w for w in found if w in dictionary() and one_apart(w, words[-1]) and w not in words
        ]
        self.kept_steps += len(good)
        self.rejected_steps += len(found) - len(good)
        return [extend(thought, w) for w in good]


class LLMEvaluator:
    """sure/likely/impossible from the model, cached by (word, target, steps left)."""

    def __init__(self, model: ChatModel, max_tokens: int = 6) -> None:
        self.model, self.max_tokens = model, max_tokens
        self.model_calls = 0
        self.cache: dict[tuple[str, str, int], float] = {}

    def evaluate(self, thought: Thought) -> float:
        target, words = _target_and_words(thought)
        if words[-1] == target:
            return VALUE_OF["sure"]
        key = (words[-1], target, MAX_STEPS - (len(words) - 1))
        if key not in self.cache:
            self.model_calls += 1
            prompt = VALUE_PROMPT.format(word=key[0], target=key[1], left=key[2])
            reply = self.model.chat(
                [{"role": "user", "content": prompt}], max_tokens=self.max_tokens
            )
            found = re.findall(r"\b(sure|likely|impossible)\b", reply.text.lower())
            self.cache[key] = VALUE_OF[found[0]] if found else 0.0
        return self.cache[key]
