"""The picture of a replayed day: for each question, the retrieval score of the memories that
compete for first place, every probe step, with the reflection rounds and query times marked.

A line starts when its memory is created, and sinks as the memory ages (recency) or as more
relevant or more important memories arrive (the min-max normalisation is over all candidates,
so one newcomer rescales everyone). Where two lines cross, the answer to the question changes.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from m6_advanced.memory.agent import AgentMemory
from m6_advanced.memory.day import DayReplay
from roadmap_data.console import save_figure


def contenders(
    series: list[tuple[datetime, dict[int, float]]], lines: int, crowd: int = 10
) -> list[int]:
    """Ids ranked first at some probe (once ``crowd`` memories compete: first among the three
    memories of 07:30 means little), then the best others, ``lines`` at most."""
    firsts = list(dict.fromkeys(max(s, key=s.__getitem__) for _, s in series if len(s) >= crowd))
    best: dict[int, float] = {}
    for _, scores in series:
        for memory_id, score in scores.items():
            best[memory_id] = max(best.get(memory_id, 0.0), score)
    others = sorted((i for i in best if i not in firsts), key=lambda i: -best[i])
    return (firsts + others)[:lines]


def hours(moment: datetime) -> float:
    """Time of day as fractional hours (13:30 → 13.5), the plot's x axis."""
    return moment.hour + moment.minute / 60


def plot_day(replay: DayReplay, memory: AgentMemory, path: Path, lines: int = 5) -> Path:
    """One panel per distinct question; writes the PNG to ``path``."""
    import matplotlib

    matplotlib.use("Agg")  # no display needed: the PNG is the output
    import matplotlib.pyplot as plt

    questions = list(replay.probes)
    figure, axes = plt.subplots(
        len(questions), 1, figsize=(13, 3.2 * len(questions)), sharex=True, squeeze=False
    )
    for axis, question in zip(axes[:, 0], questions, strict=True):
        series = replay.probes[question]
        for memory_id in contenders(series, lines):
            points = [(hours(t), s[memory_id]) for t, s in series if memory_id in s]
            text = memory.stream.get(memory_id).text
            label = f"#{memory_id} {text[:48]}{'…' if len(text) > 48 else ''}"
            style = "--" if memory.stream.get(memory_id).kind == "reflection" else "-"
            axis.plot(*zip(*points, strict=True), style, marker=".", label=label)
        for round_ in memory.rounds:
            axis.axvline(hours(round_.time), color="grey", linestyle=":", linewidth=1)
        for result in replay.results:
            if result.query.text == question:
                axis.axvline(hours(result.query.time), color="black", linewidth=0.8)
        axis.set_title(f"“{question}”  (black: asked, dotted: reflection)", fontsize=10)
        axis.set_ylabel("retrieval score")
        axis.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    axes[-1, 0].set_xlabel("hour of the day (probes: scores without refreshing any memory)")
    return save_figure(figure, path)
