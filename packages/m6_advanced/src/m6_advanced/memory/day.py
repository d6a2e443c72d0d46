"""A simulated day (``day.json``): one developer's 45 observations, hand-labelled, and the questions
she asks herself at different times, replayed through an ``AgentMemory``.

Replaying shows the three retrieval components at work: the same question ("who should I
congratulate?") ranks different memories first at 09:10 and at 17:10, because new memories arrive,
old ones decay (0.995 per hour), retrieval refreshes what it returns, and reflections appear once
the day's importance adds up. Every 30 minutes the replay also *probes* each question's scores
without refreshing anything, which is what the CLI's plot draws.

The hand labels (the paper's 1-10 scale, written before any model rated the day) let us measure
how a model's importance ratings agree with a person's: Spearman's rank correlation, with a
bootstrap interval, on the labels' test split.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from m6_advanced.memory.agent import AgentMemory, Observed
from m6_advanced.memory.stream import MemoryStreamError, ScoredMemory

DAY_FILE = Path(__file__).with_name("day.json")


@dataclass(frozen=True)
class Observation:
    """Something the agent perceived, with a person's importance label and its split."""

    time: datetime
    text: str
    hand_importance: int
    split: str


@dataclass(frozen=True)
class Query:
    """A question the agent asks its memory at ``time``."""

    time: datetime
    text: str


@dataclass(frozen=True)
class Day:
    agent: str
    observations: tuple[Observation, ...]
    queries: tuple[Query, ...]


def _clock(day: date, hhmm: str, where: str) -> datetime:
    try:
        return datetime.combine(day, time.fromisoformat(hhmm))
    except (TypeError, ValueError) as error:
        raise MemoryStreamError(f"{where}: bad time {hhmm!r} (want HH:MM)") from error


def load_day(path: Path = DAY_FILE) -> Day:
    """Read and check a day file; a missing field or a bad value names the entry."""
    try:
        raw = json.loads(path.read_text())
        day = date.fromisoformat(raw["date"])
        observations = tuple(
            Observation(
                _clock(day, o["time"], f"{path.name} observation {i}"),
                o["text"],
                int(o["importance"]),
                o["split"],
            )
            for i, o in enumerate(raw["observations"])
        )
        queries = tuple(
            Query(_clock(day, q["time"], f"{path.name} query {i}"), q["text"])
            for i, q in enumerate(raw["queries"])
        )
    except (KeyError, TypeError, ValueError) as error:
        raise MemoryStreamError(f"{path}: not a valid day file ({error!r})") from error
    times = [o.time for o in observations]
    if times != sorted(times):
        raise MemoryStreamError(f"{path}: observations must be in time order")
    return Day(raw.get("agent", "the agent"), observations, queries)


@dataclass
class QueryResult:
    """The top-k memories one query retrieved at its time."""

    query: Query
    top: list[ScoredMemory]

    def summary(self) -> dict[str, Any]:
        return {
            "time": self.query.time.strftime("%H:%M"),
            "query": self.query.text,
            "top": [
                {"id": s.memory.id, "kind": s.memory.kind, "text": s.memory.text,
                 "created": s.memory.created.strftime("%H:%M"), "recency": round(s.recency, 4),
                 "importance": round(s.importance, 4), "relevance": round(s.relevance, 4),
                 "score": round(s.score, 4)}
                for s in self.top
            ],
        }  # fmt: skip


@dataclass
class DayReplay:
    """Everything a replay produced: ratings, answers to the queries, probes for the plot."""

    ratings: list[int] = field(default_factory=list)
    """The importance the rater gave each observation, in day order."""
    results: list[QueryResult] = field(default_factory=list)
    probes: dict[str, list[tuple[datetime, dict[int, float]]]] = field(default_factory=dict)
    """Query text → (time, memory id → total score) every probe step, nothing refreshed."""


def replay_day(
    day: Day,
    memory: AgentMemory,
    k: int = 5,
    probe_minutes: int = 30,
    use_hand_labels: bool = False,
    on_observed: Callable[[Observed], None] | None = None,
) -> DayReplay:
    """Feed the day to ``memory`` in time order: observations, queries and probes interleaved.

    A query at the same minute as an observation runs after it. ``use_hand_labels`` stores the
    person's labels instead of asking the rater (retrieval and reflection on known importances).
    """
    if probe_minutes < 1:
        raise MemoryStreamError(f"probe_minutes must be at least 1, not {probe_minutes}")
    replay = DayReplay()
    start = day.observations[0].time.replace(minute=0)
    end = max(o.time for o in day.observations) + timedelta(minutes=probe_minutes)
    minutes = int((end - start).total_seconds() // 60)
    probe_times = [start + timedelta(minutes=m) for m in range(0, minutes + 1, probe_minutes)]
    # Order at equal times: observation (0), then query (1), then probe (2).
    events: list[tuple[datetime, int, Any]] = [(o.time, 0, o) for o in day.observations]
    events += [(q.time, 1, q) for q in day.queries] + [(t, 2, None) for t in probe_times]
    texts = list(dict.fromkeys(q.text for q in day.queries))
    for moment, order, item in sorted(events, key=lambda e: (e[0], e[1])):
        if order == 0:
            observed = memory.observe(
                item.text, moment, item.hand_importance if use_hand_labels else None
            )
            replay.ratings.append(observed.memory.importance)
            if on_observed is not None:
                on_observed(observed)
        elif order == 1:
            replay.results.append(QueryResult(item, memory.retrieve(item.text, moment, k)))
        else:
            for text in texts:
                scores = {s.memory.id: s.score for s in memory.stream.score(text, moment)}
                replay.probes.setdefault(text, []).append((moment, scores))
    return replay


# --- agreement with the hand labels ------------------------------------------------------------


def average_ranks(values: list[float] | np.ndarray) -> np.ndarray:
    """Ranks 1..n along the last axis, ties sharing the mean of their ranks: [5, 1, 5] → [2.5, 1, 2.5].

    A value's average rank is (how many are smaller) + (how many are equal, itself included,
    plus 1) / 2. Counting by comparison works on a whole stack of bootstrap samples at once.
    """
    x = np.asarray(values, dtype=np.float64)
    smaller = (x[..., :, None] > x[..., None, :]).sum(axis=-1)
    equal = (x[..., :, None] == x[..., None, :]).sum(axis=-1)
    return smaller + (equal + 1) / 2


def spearman(a: list[float] | np.ndarray, b: list[float] | np.ndarray) -> Any:
    """Spearman's rho: the Pearson correlation of the ranks, along the last axis (a float for
    1-d input); NaN where either side is constant."""
    ra, rb = average_ranks(a), average_ranks(b)
    ra = ra - ra.mean(axis=-1, keepdims=True)
    rb = rb - rb.mean(axis=-1, keepdims=True)
    spread = np.sqrt((ra**2).sum(axis=-1) * (rb**2).sum(axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.where(spread > 0, (ra * rb).sum(axis=-1) / spread, np.nan)
    return float(rho) if rho.ndim == 0 else rho


def spearman_interval(
    a: list[int], b: list[int], resamples: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """95 % percentile bootstrap interval of rho, resampling (a, b) pairs (constant draws skipped)."""
    rng = np.random.default_rng(seed)
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    rows = rng.integers(0, x.size, (resamples, x.size))
    draws = spearman(x[rows], y[rows])
    finite = draws[np.isfinite(draws)]
    if finite.size == 0:
        return (float("nan"), float("nan"))
    return (float(np.percentile(finite, 2.5)), float(np.percentile(finite, 97.5)))


def agreement(day: Day, ratings: list[int], split: str | None = None) -> dict[str, Any]:
    """Spearman's rho (and its interval) between ``ratings`` and the hand labels of ``split``."""
    pairs = [
        (o.hand_importance, r)
        for o, r in zip(day.observations, ratings, strict=True)
        if split is None or o.split == split
    ]
    hand, model = [p[0] for p in pairs], [p[1] for p in pairs]
    low, high = spearman_interval(hand, model)
    return {
        "n": len(pairs),
        "spearman": round(spearman(hand, model), 4),
        "ci95": [round(low, 4), round(high, 4)],
        "mean_rating": round(float(np.mean(model)), 3),
        "mean_hand": round(float(np.mean(hand)), 3),
    }
