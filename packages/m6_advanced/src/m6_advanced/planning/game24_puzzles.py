"""The Game of 24 puzzle set: generated, ranked by difficulty, split once into dev and test.

The paper took 1362 puzzles from 4nums.com, ranked by how long people took to solve them, and
tested on ranks 901-1000 (hard ones). We cannot ship that list, so we rebuild an equivalent one:

1. enumerate the 1820 multisets of four numbers in 1..13 and keep the 1362 that can make 24
   (``game24.reachable``, exact);
2. rank them by ``count_solutions`` (combination paths that reach 24), fewest first: a puzzle
   with one path (``1 1 4 10`` → ``(1 + 1) * 10 + 4``) is harder to stumble on than one with
   300. It is a proxy, not people's solve times: ``3 3 8 8`` (famously hard) has 4 paths;
3. take the ``HARD_POOL`` hardest, shuffle them with ``SEED``, and cut ``TEST_SIZE`` test then
   ``DEV_SIZE`` dev puzzles. Tune prompts on dev; report on test.

``game24_puzzles.json`` next to this file is the output of ``build_puzzle_file()``; a test checks
a sample of it against the solver, and that the split is fixed and disjoint.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from itertools import combinations_with_replacement
from pathlib import Path
from typing import Literal

from m6_advanced.errors import AdvancedError
from m6_advanced.planning.game24 import count_solutions, reachable, start_items, values_of

PUZZLE_FILE = Path(__file__).with_name("game24_puzzles.json")
HARD_POOL, TEST_SIZE, DEV_SIZE, SEED = 300, 100, 50, 24
Split = Literal["dev", "test"]


@dataclass(frozen=True)
class Puzzle:
    """Four numbers, their difficulty rank among the 1362 (1 = hardest) and path count."""

    numbers: tuple[int, ...]
    rank: int
    paths: int

    @property
    def id(self) -> str:
        return "-".join(map(str, self.numbers))


def solvable_puzzles() -> list[Puzzle]:
    """All solvable multisets, hardest first (ties broken by the numbers, so the order is fixed)."""
    candidates = combinations_with_replacement(range(1, 14), 4)
    solvable = [c for c in candidates if reachable(values_of(start_items(c)))]
    ranked = sorted(solvable, key=lambda numbers: (count_solutions(numbers), numbers))
    return [Puzzle(n, rank, count_solutions(n)) for rank, n in enumerate(ranked, start=1)]


def build_puzzle_file(path: Path = PUZZLE_FILE) -> dict[str, list[dict]]:
    """Regenerate the shipped file (≈ 15 s): the hard pool, shuffled with ``SEED``, then split."""
    puzzles = solvable_puzzles()
    pool = puzzles[:HARD_POOL]
    random.Random(SEED).shuffle(pool)
    splits = {"test": pool[:TEST_SIZE], "dev": pool[TEST_SIZE : TEST_SIZE + DEV_SIZE]}
    payload = {
        "about": f"{len(puzzles)} solvable puzzles ranked by count_solutions (fewest first); "
        f"the {HARD_POOL} hardest shuffled with seed {SEED}, then {TEST_SIZE} test, {DEV_SIZE} dev",
        **{
            name: [{"numbers": list(p.numbers), "rank": p.rank, "paths": p.paths} for p in split]
            for name, split in splits.items()
        },
    }
    lines = [f'"about": {json.dumps(payload["about"])}']
    for name in ("test", "dev"):  # one puzzle per line: diffs stay readable
        rows = ",\n  ".join(json.dumps(row) for row in payload[name])
        lines.append(f'"{name}": [\n  {rows}\n]')
    path.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    return payload


def load_puzzles(split: Split, limit: int | None = None, path: Path = PUZZLE_FILE) -> list[Puzzle]:
    """The ``split``'s puzzles in file order (the first ``limit`` of them)."""
    if split not in ("dev", "test"):
        raise AdvancedError(f"unknown Game of 24 split {split!r}; use dev or test")
    rows = json.loads(path.read_text())[split]
    puzzles = [Puzzle(tuple(r["numbers"]), r["rank"], r["paths"]) for r in rows]
    return puzzles[:limit] if limit is not None else puzzles


if __name__ == "__main__":  # python -m m6_advanced.planning.game24_puzzles
    print(build_puzzle_file()["about"])
