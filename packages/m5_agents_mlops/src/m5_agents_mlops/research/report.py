"""The Markdown report, the rule that keeps its citations honest, and the files of a run.

A model asked to cite ``[1]`` to ``[3]`` will sometimes write ``[4]``: a source it never read,
made up or remembered. ``check_citations`` keeps only the numbers of sources actually fetched
and reports the rest, which the report then flags, so a reader never follows a citation to
nothing. The report itself is assembled by code, not by the model: the model writes prose, the
code writes the structure, numbering and URLs, which therefore cannot be hallucinated.

    # <topic>
    ## Overview            the model's paragraph, citations checked
    ## What each source says   one checked summary per source
    ## Sources             1. [Title](https://...)  (numbered exactly as cited)

``Research`` is a finished run (report, sources, the agent's run, the writing calls) and
``save`` writes its evidence: report.md, sources.json, transcript.json, beside the
trajectory.json the agent loop keeps up to date after every step.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from m5_agents_mlops.agent import AgentResult
from roadmap_data.console import save_json

CITATION = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
"""``[2]`` or ``[1, 3]``."""


@dataclass
class Source:
    """A page the assistant read, numbered in the order it was fetched."""

    n: int
    url: str
    """The URL asked for."""
    final_url: str
    """Where the page really was, after redirects (the one the report links)."""
    title: str
    text: str
    extractor: str
    summary: str = ""

    def to_dict(self) -> dict[str, object]:
        """What sources.json records (the text's length, not the text)."""
        return {
            "n": self.n, "url": self.url, "final_url": self.final_url, "title": self.title,
            "chars": len(self.text), "extractor": self.extractor, "summary": self.summary,
        }  # fmt: skip


def check_citations(text: str, valid: Collection[int]) -> tuple[str, list[int]]:
    """``text`` with every citation number outside ``valid`` removed, and the removed numbers.

    >>> check_citations("Fast [1]. Slow [1, 4]. Made up [7].", valid={1, 2})
    ('Fast [1]. Slow [1]. Made up.', [4, 7])
    """
    dropped: list[int] = []

    def keep_valid(match: re.Match[str]) -> str:
        numbers = [int(n) for n in match.group(1).split(",")]
        dropped.extend(n for n in numbers if n not in valid)
        kept = [str(n) for n in numbers if n in valid]
        return f"[{', '.join(kept)}]" if kept else ""

    cleaned = CITATION.sub(keep_valid, text)
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", cleaned)  # "claim [9]." → "claim."
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip(), dropped


def cited(text: str) -> set[int]:
    """The source numbers ``text`` cites."""
    return {int(n) for match in CITATION.finditer(text) for n in match.group(1).split(",")}


def inline(text: str) -> str:
    """Untrusted text made safe for one Markdown line: one line, no links or HTML of its own."""
    flat = " ".join(text.split())
    return re.sub(r"([\[\]<>`*_\\])", r"\\\1", flat)


def prose(text: str) -> str:
    """A model's paragraph made safe for the report: one paragraph, Markdown links and images
    reduced to their text, no raw HTML. (An injected page may ask for an image whose URL
    carries data to an attacker's server: it must not render.)

    >>> prose("See ![x](http://evil/?q=1) and [docs](http://a/) <b>now</b> [2].")
    'See x and docs &lt;b&gt;now&lt;/b&gt; [2].'
    """
    flat = " ".join(text.split())
    flat = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", flat)
    return flat.replace("<", "&lt;").replace(">", "&gt;")


def render_report(
    topic: str,
    overview: str,
    sources: Sequence[Source],
    dropped: Sequence[int] = (),
    skipped: Sequence[tuple[str, str]] = (),
    model: str = "",
) -> str:
    """The whole report as Markdown (see the module docstring for its shape)."""
    lines = [f"# {inline(topic)}", ""]
    by = f" by {inline(model)}" if model else ""
    lines += [f"_Research report written{by} from {len(sources)} web pages._", ""]
    lines += [
        "## Overview",
        "",
        overview or "_No sources could be read, so there is no overview._",
        "",
    ]
    if dropped:
        numbers = ", ".join(f"[{n}]" for n in sorted(set(dropped)))
        lines += [f"> **Note:** removed citations {numbers}: they point at no fetched source.", ""]
    if sources:
        lines += ["## What each source says", ""]
        lines += [f"**[{s.n}] {inline(s.title)}.** {s.summary}\n" for s in sources]
        lines += ["## Sources", ""]
        lines += [f"{s.n}. [{inline(s.title)}](<{s.final_url}>)" for s in sources]
        lines.append("")
    if skipped:
        lines += ["## Pages not used", ""]
        lines += [f"- <{url}>: {inline(reason)}" for url, reason in skipped]
        lines.append("")
    return "\n".join(lines)


@dataclass
class Research:
    """One finished piece of research: the report, its sources, and how it was made."""

    topic: str
    report: str
    overview: str
    sources: list[Source]
    skipped: list[tuple[str, str]]
    """``(url, reason)`` of pages refused or unreadable, during the crawl and the agent's reading."""
    dropped_citations: list[int]
    agent: AgentResult
    gathered_by: Literal["agent", "fallback"]
    model: str
    transcript: list[dict[str, Any]] = field(default_factory=list)
    """The writing phase's model calls: prompt, reply, tokens, seconds."""
    seconds: float = 0.0
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def tools_requested(self) -> Counter[str]:
        """How often the model asked for each tool name (invented ones included)."""
        return Counter(call["name"] for call in self.agent.tool_calls)

    @property
    def tools_run(self) -> set[str]:
        """The tools that actually ran (a request for an unknown tool runs nothing)."""
        return {call["name"] for call in self.agent.tool_calls if call["ok"]}

    @property
    def tokens(self) -> int:
        writing = sum(t["prompt_tokens"] + t["completion_tokens"] for t in self.transcript)
        return self.agent.tokens + writing

    def metrics(self) -> dict[str, Any]:
        """What metrics.json records."""
        return {
            "topic": self.topic, "model": self.model, "gathered_by": self.gathered_by,
            "sources": len(self.sources), "skipped": len(self.skipped),
            "cited_sources": sorted(set(range(1, len(self.sources) + 1)) & cited(self.overview)),
            "dropped_citations": self.dropped_citations,
            "agent_steps": self.agent.steps, "agent_stopped_by": self.agent.stopped_by,
            "tools_requested": dict(self.tools_requested), "tools_run": sorted(self.tools_run),
            "tokens": self.tokens, "seconds": round(self.seconds, 3),
            "files": {name: str(path) for name, path in self.files.items()},
        }  # fmt: skip


def unique(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``(url, reason)`` pairs, the first reason of each URL (without the URL it starts with)."""
    seen: dict[str, str] = {}
    for url, reason in pairs:
        seen.setdefault(url, reason.removeprefix(f"{url}: "))
    return list(seen.items())


def save(research: Research, out: Path) -> None:
    """report.md, sources.json and transcript.json (the agent saved trajectory.json itself)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(research.report, encoding="utf-8")
    save_json(out / "sources.json", {
        "topic": research.topic, "sources": [s.to_dict() for s in research.sources],
        "skipped": [{"url": url, "reason": reason} for url, reason in research.skipped],
        "dropped_citations": research.dropped_citations,
    })  # fmt: skip
    save_json(out / "transcript.json", {"topic": research.topic, "model": research.model,
                                        "calls": research.transcript})  # fmt: skip
    research.files = {name: out / f"{name}.{ext}" for name, ext in
                      [("report", "md"), ("sources", "json"), ("trajectory", "json"),
                       ("transcript", "json")]}  # fmt: skip
