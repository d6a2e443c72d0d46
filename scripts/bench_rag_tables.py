"""The README tables of month 4, written from the benchmarks' JSON: figures are copied, not typed.

    uv run scripts/bench_rag_tables.py                      # data/runs/bench_rag/metrics.json
    uv run scripts/bench_rag_tables.py RAG.json --scale SCALE.json --answers ANSWERS.json

``scripts/bench_rag.py``, ``bench_rag_answers.py`` and ``bench_retrieval_scale.py`` measure and write
the JSON; paste this script's Markdown into ``packages/m4_genai/README.md`` as it is. Every table names the load
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


def ci(row: dict[str, Any], key: str) -> str:
    """``0.853 [0.77, 0.93]``: the figure and its 95 % bootstrap interval."""
    low, high = row[f"{key}_ci"]
    return f"{row[key]:.3f} [{low:.2f}, {high:.2f}]"


def quality_table(rows: list[dict[str, Any]]) -> list[str]:
    """One row per searcher: dev and test side by side, test latency."""
    by_name: dict[str, dict[str, Any]] = {}
    for row in rows:
        by_name.setdefault(row["searcher"], {})[row["split"]] = row
    body = [
        [name, ci(s["dev"], "hit@1"), ci(s["test"], "hit@1"), ci(s["dev"], "hit@3"),
         ci(s["test"], "hit@3"), s["test"]["mrr"], s["test"]["p50_ms"], s["test"]["p95_ms"]]
        for name, s in by_name.items()
    ]  # fmt: skip
    first = next(iter(by_name.values()))
    header = [f"searcher (dev n={first['dev']['n']}, test n={first['test']['n']})", "hit@1 dev",
              "hit@1 test", "hit@3 dev", "hit@3 test", "MRR test", "p50 ms", "p95 ms"]  # fmt: skip
    return table(header, body)


def fusion_table(rows: list[dict[str, Any]]) -> list[str]:
    body = [[r["candidates"], r["rrf_k"], r["hit@1"], r["hit@3"], r["mrr"]] for r in rows]
    return table(["candidates per half", "RRF k", "hit@1", "hit@3", "MRR"], body)


def latency_table(rows: list[dict[str, Any]]) -> list[str]:
    body = [[r["searcher"], r["threads"], r["load"], r["p50_ms"], r["p95_ms"]] for r in rows]
    return table(["searcher", "torch threads", "machine", "p50 ms", "p95 ms"], body)


def confusion_table(rows: list[dict[str, Any]]) -> list[str]:
    body = [[r["group"], r["n"], r["answered"], r["refused"]] for r in rows]
    return table(["questions", "n", "answered", "refused"], body)


def rule_table(abstention: dict[str, Any]) -> list[str]:
    """Share refused per group, for each rule fitted on dev, on dev and on test."""
    header, body = ["rule"], []
    for name in ("thresholds", "score"):
        row: list[Any] = [name]
        for split in ("dev", "test"):
            for r in abstention[f"{split}_by_rule"][name]:
                if name == "thresholds":
                    header.append(f"{r['group']} {split} (n={r['n']})")
                row.append(r["answered"] if r["group"] == "answerable" else r["refused"])
        body.append(row)
    header = [h.replace("answerable", "answered: answerable") for h in header]
    return table(header, body)


def misses(rows: list[dict[str, Any]], searcher: str) -> list[str]:
    """Dev misses at rank 1 of one searcher (test misses are never listed)."""
    dev = next(r for r in rows if r["searcher"] == searcher and r["split"] == "dev")
    return [f"- {m['question']} (want {', '.join(m['want'])}; got {', '.join(m['got'])})"
            for m in dev["misses@1"]]  # fmt: skip


def report(rag: dict[str, Any]) -> list[str]:
    """Every table of ``bench_rag.py``'s JSON, as Markdown."""
    config = rag["config"]
    default = f"{config['mode']}+rerank" if config["rerank"] else config["mode"]
    lines = [
        f"Retrieval over Python's reference sections ({rag['index']['chunks']} chunks; "
        f"{load_note(rag)}); hit@k with 95 % bootstrap intervals, latency on the test questions:",
        "",
        *quality_table(rag["pydoc"]),
        "",
    ]
    if rag.get("repo"):
        answered = rag["repo"]["answered"]
        lines += [f"ask-repo on this repository ({rag['repo']['chunks']} chunks):", "",
                  *quality_table(rag["repo"]["rows"]), "",
                  f"The \"I don't know\" rule answers {answered['test']['answered']:.0%} of the "
                  f"repository's test questions ({answered['dev']['answered']:.0%} of dev).", ""]  # fmt: skip
    if rag.get("fusion_dev"):
        lines += ["Hybrid fusion settings, **dev questions only** (where the choice is made):", "",
                  *fusion_table(rag["fusion_dev"]), ""]  # fmt: skip
    if rag.get("latency"):
        lines += ["Latency beside a CPU hog using 1.5 of the 2 cores:", "",
                  *latency_table(rag["latency"]), ""]  # fmt: skip
    a = rag["abstention"]
    score, thresholds = a["fitted_on_dev"]["score"], a["fitted_on_dev"]["thresholds"]
    weights, shipped = score["answerability"], a["configured"]["answerability"] or {}
    lines += [
        '"I don\'t know" before the model, both rules fitted on dev: the answerability score '
        f"({weights['cosine']:+.2f}·cosine {weights['unknown']:+.2f}·unknown share "
        f"{weights['keywords']:+.2f}·keyword match {weights['bias']:+.2f} < 0: refuse; shipped: "
        + " / ".join(f"{shipped[k]:+.2f}" for k in ("cosine", "unknown", "keywords", "bias"))
        + ") and the "
        f"two thresholds (cosine < {thresholds['min_similarity']} or ≥ "
        f"{thresholds['max_unknown_share']:.0%} unknown words: refuse). Share refused (for "
        "answerable questions: share answered):",
        "",
        *rule_table(a),
        "",
        "The configured rule on the test split:",
        "",
        *confusion_table(a["test"]),
        "",
        f"Dev misses at rank 1 ({default}):",
        "",
        *misses(rag["pydoc"], default),
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
    parser.add_argument("--answers", type=Path, help="bench_rag_answers.py's metrics.json")
    args = parser.parse_args(argv)
    read = lambda path: json.loads(path.read_text()) if path else None  # noqa: E731
    rag = read(args.rag or runs_dir("bench_rag") / "metrics.json")
    lines = report(rag) + analogy_table(rag)
    if args.scale:
        lines += scale_table(read(args.scale))
    if args.answers:
        from bench_rag_answers import answers_table  # scripts/ is on sys.path

        lines += answers_table(read(args.answers))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
