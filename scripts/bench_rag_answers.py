"""Benchmark the RAG chain's *answers* with the local model, on held-out (test) questions.

    uv run scripts/bench_rag_answers.py                   # 30 answerable + every near/adversarial
    uv run scripts/bench_rag_answers.py --questions 5 --unanswerable 0    # a quick look

For each answerable test question of the pydoc golden set, the chain (the default ``RagConfig``:
hybrid retrieval, reranking, the calibrated "I don't know") answers with the local model, and
``golden/answers.py`` grades the answer: does it cite a correct source in ``[n]`` form, and do the
sources it cites contain the answer (the same local model judges, reading only those sources)?
The near-topic and adversarial unanswerable test questions measure the whole chain's refusals:
the retrieval rule first, then the model's own "I don't know".

Slow on purpose (the 1.5B model reads a ≈ 700-token prompt at ≈ 35 tokens/s on 2 cores): about
a minute a question. Writes ``data/runs/bench_rag_answers/metrics.json`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench_rag_tables import load_note, table
from tqdm import tqdm

from m4_genai.golden import bootstrap_ci, load_golden, write_pydoc_corpus
from m4_genai.golden.answers import grade_answer, is_refusal
from m4_genai.llm import load_chat_model
from m4_genai.rag import RagConfig, answer
from m4_genai.retrieval import ChunkIndex, default_embedder, index_files, make_searcher
from roadmap_data import runs_dir
from roadmap_data.console import console, save_json


def share(flags: list[bool]) -> dict[str, Any]:
    """A share with its 95 % bootstrap interval."""
    return {"value": sum(flags) / len(flags) if flags else float("nan"),
            "ci": bootstrap_ci([float(f) for f in flags]), "n": len(flags)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--questions", type=int, default=30, help="answerable test questions")
    parser.add_argument("--unanswerable", type=int, default=100, help="near/adversarial ones")
    parser.add_argument("--llm", default="local", help="chat model kind (answers and judge)")
    parser.add_argument("--model", default=None, help="model name or GGUF path (default: best)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or runs_dir("bench_rag_answers")
    config = RagConfig()
    model = load_chat_model(args.llm, model=args.model, context_window=config.context_tokens)
    answerable = load_golden("pydoc_topics", "test")[: args.questions]
    unanswerable = [q for q in load_golden("unanswerable", "test") if q.kind != "far"]
    unanswerable = unanswerable[: args.unanswerable]

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as scratch:
        files = [(p, p.name) for p in write_pydoc_corpus(Path(scratch) / "corpus")]
        index = ChunkIndex(Path(scratch) / "index", "pydoc", embedder=default_embedder())
        index_files(index, files)
        searcher = make_searcher(index, config.mode, config.rerank, config.candidates)
        for q in tqdm(answerable + unanswerable, desc="answering", unit="question"):
            result = answer(q.question, searcher, model, config)
            row = {"id": q.id, "kind": q.kind or "answerable", "question": q.question,
                   "answer": result.text, "refusal": result.refusal,
                   "llm_s": result.llm_seconds, "refused": is_refusal(result.text)}  # fmt: skip
            if q.sources:
                row.update(asdict(grade_answer(q, result, judge=model)))
            rows.append(row)

    graded = [r for r in rows if r["kind"] == "answerable"]
    results: dict[str, Any] = {
        "model": getattr(model, "name", args.llm),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "answerable": {
            "cites_correct": share([r["cites_correct"] for r in graded]),
            "supported": share([r["supported"] for r in graded]),
            "refused": share([r["refused"] for r in graded]),
            "mean_llm_s": sum(r["llm_s"] for r in graded) / max(len(graded), 1),
        },
        "unanswerable": {
            kind: {
                "by_rule": share([bool(r["refusal"]) for r in rows if r["kind"] == kind]),
                "by_chain": share([r["refused"] for r in rows if r["kind"] == kind]),
            }
            for kind in ("near", "adversarial")
        },
        "rows": rows,
    }
    print("\n".join(answers_table(results)))  # plain: rich would read "[n]" as markup
    save_json(out / "metrics.json", results)
    console.print(f"results → {out / 'metrics.json'}")
    return 0


def answers_table(results: dict[str, Any]) -> list[str]:
    """The README's table of graded answers and whole-chain refusals."""

    def cell(s: dict[str, Any]) -> str:
        return f"{s['value']:.2f} [{s['ci'][0]:.2f}, {s['ci'][1]:.2f}] (n={s['n']})"

    a, u = results["answerable"], results["unanswerable"]
    rows = [
        ["answerable: cites a correct source [n]", cell(a["cites_correct"])],
        ["answerable: cited sources contain the answer (judged)", cell(a["supported"])],
        ["answerable: refused (I don't know)", cell(a["refused"])],
        *[[f"{kind}: refused by the retrieval rule", cell(u[kind]["by_rule"])] for kind in u],
        *[[f"{kind}: refused by the whole chain", cell(u[kind]["by_chain"])] for kind in u],
    ]
    return [
        f"Answers on test questions, {results['model']} ({load_note(results)}; "
        f"≈ {a['mean_llm_s']:.0f} s per answer):",
        "",
        *table(["measure", "share [95 % interval]"], rows),
        "",
    ]


if __name__ == "__main__":
    raise SystemExit(main())
