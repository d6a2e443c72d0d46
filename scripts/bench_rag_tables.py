"""The README tables of month 4, written from the benchmarks' JSON: figures are copied, not typed.

    uv run scripts/bench_rag_tables.py                      # data/runs/bench_rag/metrics.json
    uv run scripts/bench_rag_tables.py RAG.json --scale SCALE.json
    uv run scripts/bench_rag_tables.py RAG.json --before OLD_RAG.json --scale SCALE.json \\
        --scale-before OLD_SCALE.json                       # + the before/after comparison

``scripts/bench_rag.py`` and ``scripts/bench_retrieval_scale.py`` measure and write the JSON; paste
this script's Markdown into ``packages/m4_genai/README.md`` as it is. Every table names the load
average it was measured under: timings depend on it, quality figures do not.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from roadmap_data import runs_dir


def table(header: list[str], rows: list[list[Any]]) -> list[str]:
    """A Markdown table: floats under 1 with 3 decimals, larger ones with 1 (or none past 100)."""

    def cell(value: Any) -> str:
        if isinstance(value, float):
            return (
                f"{value:.3f}"
                if abs(value) < 1
                else f"{value:.0f}"
                if value >= 100
                else f"{value:.1f}"
            )
        return str(value)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]


def load_note(results: dict[str, Any]) -> str:
    return f"{results['cpus']} cores, load average {results['load_average']:.1f}"


def retrieval_tables(rag: dict[str, Any]) -> list[str]:
    """Quality and speed per mode, the threshold, indexing, the repository set, end to end."""
    rows = [
        [r["mode"], r["hit@1"], r["hit@3"], r["mrr"], r["startup_ms"], r["p50_ms"], r["p95_ms"]]
        for r in rag["retrieval"]
    ]
    lines = [
        f"Retrieval, {rag['questions']} questions over Python's reference sections "
        f"({rag['index']['chunks']} chunks; {load_note(rag)}; times in ms):",
        "",
        *table(["mode", "hit@1", "hit@3", "MRR@10", "start-up", "p50", "p95"], rows),
        "",
    ]
    c = rag["calibration"]
    lines += [
        f"\"I don't know\" at a best cosine below {c['threshold']}: answerable questions' best "
        f"cosine ≥ {c['answerable_min']:.3f} (5th percentile {c['answerable_p5']:.3f}), off-topic "
        f"≤ {c['off_topic_max']:.3f}; {c['answerable_kept']:.0%} of answerable kept, "
        f"{c['off_topic_refused']:.0%} of off-topic refused.",
        "",
        f"Indexing: {rag['index']['chunks']} chunks embedded and written in "
        f"{rag['index']['seconds']:.0f} s ({rag['index']['chunks_per_s']:.1f} chunks/s).",
        "",
    ]
    if rag.get("repo"):
        r = rag["repo"]
        lines += [
            f"ask-repo on this repository ({r['questions']} questions, {r['chunks']} chunks, hybrid):",
            "",
            *table(["hit@1", "hit@3", "MRR@10"], [[r["hit@1"], r["hit@3"], r["mrr"]]]),
            "",
        ]
    if rag.get("end_to_end"):
        rows = [
            [e["question"][:60], e["retrieval_ms"], e["llm_s"], e["tokens"], e["tokens_per_s"]]
            for e in rag["end_to_end"]
        ]
        names = sorted({e.get("model", "") for e in rag["end_to_end"]} - {""})
        which = f"{', '.join(names)}, " if names else ""
        lines += [
            f"End to end with the local model ({which}{load_note(rag)}):",
            "",
            *table(["question", "retrieval ms", "generation s", "tokens", "tokens/s"], rows),
            "",
        ]
    return lines


def analogy_table(rag: dict[str, Any]) -> list[str]:
    """Where the expected word ranks for a − b + c over MiniLM's whole-word vocabulary."""
    rows = [
        [a["query"], a["expected"], f"**{a['rank']}**" if a["rank"] == 1 else a["rank"],
         ", ".join(word for word, _ in a["top3"])]
        for a in rag["analogies"]
    ]  # fmt: skip
    vocabulary = rag["analogies"][0]["vocabulary"]
    return [
        f"Word analogies with MiniLM over its {vocabulary:,} whole-word vocabulary "
        "(query words excluded):",
        "",
        *table(["a − b + c", "expected", "rank", "top 3"], rows),
        "",
    ]


def side_by_side(
    title: str, before: list[dict[str, Any]], after: list[dict[str, Any]], measures: dict[str, str]
) -> list[str]:
    """One row per (mode, measure): the old and the new version's figure."""
    rows = [
        [old["mode"], label, old[key], new[key]]
        for old, new in zip(before, after, strict=True)
        for key, label in measures.items()
    ]
    return [title, "", *table(["mode", "measure", "before", "after"], rows), ""]


def before_after_tables(
    before: dict[str, Any], after: dict[str, Any], scale_before: Any, scale_after: Any
) -> list[str]:
    """The same measurements for two versions of the retrieval code, side by side."""
    lines = side_by_side(
        f"Golden set ({after['index']['chunks']} chunks), before: {load_note(before)}; "
        f"after: {load_note(after)}:",
        before["retrieval"],
        after["retrieval"],
        {"hit@3": "hit@3", "mrr": "MRR@10", "startup_ms": "start-up ms",
         "p50_ms": "p50 ms", "p95_ms": "p95 ms"},
    )  # fmt: skip
    if scale_before and scale_after:
        lines += side_by_side(
            f"{scale_after['chunks']:,} synthetic chunks, before: {load_note(scale_before)}; "
            f"after: {load_note(scale_after)}:",
            scale_before["modes"],
            scale_after["modes"],
            {"startup_ms": "start-up ms", "p50_ms": "p50 ms", "p95_ms": "p95 ms",
             "index_rss_mb": "index memory MB"},
        )  # fmt: skip
    return lines


def scale_table(scale: dict[str, Any]) -> list[str]:
    rows = [
        [r["mode"], r["startup_ms"], r["p50_ms"], r["p95_ms"], r["index_rss_mb"], r["peak_rss_mb"]]
        for r in scale["modes"]
    ]
    return [
        f"{scale['chunks']:,} synthetic chunks ({load_note(scale)}; times in ms, memory in MB):",
        "",
        *table(["mode", "start-up", "p50", "p95", "index memory", "peak memory"], rows),
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("rag", nargs="?", type=Path, help="bench_rag.py's metrics.json")
    parser.add_argument("--scale", type=Path, help="bench_retrieval_scale.py's metrics.json")
    parser.add_argument("--before", type=Path, help="bench_rag.py's JSON of an older version")
    parser.add_argument("--scale-before", type=Path, help="the same for the scale benchmark")
    args = parser.parse_args(argv)
    read = lambda path: json.loads(path.read_text()) if path else None  # noqa: E731
    rag = read(args.rag or runs_dir("bench_rag") / "metrics.json")
    scale = read(args.scale)
    lines = retrieval_tables(rag) + analogy_table(rag)
    if scale:
        lines += scale_table(scale)
    if args.before:
        lines += before_after_tables(read(args.before), rag, read(args.scale_before), scale)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
