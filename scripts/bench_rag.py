"""Benchmark month 4's retrieval and RAG: quality, speed, and the local model's answers.

    uv run scripts/bench_rag.py                 # everything (a few minutes on 2 cores)
    uv run scripts/bench_rag.py --quick         # 20 questions, small analogy vocabulary, no LLM
    uv run scripts/bench_rag.py --llm-questions 0 --no-repo

Measures, on the golden set (``m4_genai/golden``):
- hit@1, hit@3 and MRR@10 for dense, BM25 and hybrid retrieval over Python's 79 reference sections;
- index throughput (chunks/s, embedding included), the time to open the index and answer a first
  question in a fresh searcher (start-up), and retrieval latency p50/p95 per query (question
  embedding + search; the LLM is timed apart);
- the "I don't know" threshold: best cosine of answerable vs off-topic questions;
- ``ask-repo``'s hit@3 on questions about this repository's code (``--no-repo`` to skip);
- king − man + woman: where "queen" ranks over MiniLM's vocabulary;
- end to end with the local SmolLM2 model: answer latency and tokens/s on a few questions.

Writes ``data/runs/bench_rag/metrics.json`` (or ``--out``). Timings depend on the machine's load.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from m4_genai.golden import calibrate, load_golden, score_rankings, write_pydoc_corpus
from m4_genai.lessons.similarity import ANALOGIES, analogy, wordpiece_vocabulary
from m4_genai.llm import load_chat_model
from m4_genai.rag import RagConfig, answer
from m4_genai.retrieval import (
    MODES,
    ChunkIndex,
    Searcher,
    default_embedder,
    index_files,
    index_repo,
    make_searcher,
)
from roadmap_data import runs_dir
from roadmap_data.console import console, print_table, save_json
from roadmap_data.paths import repo_root


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else 0.0


def evaluate(folder: Path, embedder: Any, questions: list, mode: str) -> dict[str, Any]:
    """Rank quality, start-up (open the index, first question) and per-query latency (ms)."""
    start = time.perf_counter()
    searcher = make_searcher(ChunkIndex(folder, "pydoc", embedder=embedder), mode)
    searcher.search(questions[0].question, 10)  # the first question pays any lazy set-up
    startup_ms = (time.perf_counter() - start) * 1000
    rankings, latencies = {}, []
    for q in questions:
        start = time.perf_counter()
        hits = searcher.search(q.question, 10)
        latencies.append((time.perf_counter() - start) * 1000)
        rankings[q.id] = [h.chunk.source for h in hits]
    scores = score_rankings(questions, rankings)
    return {
        "mode": mode,
        "hit@1": scores.hit_at_1,
        "hit@3": scores.hit_at_3,
        "mrr": scores.mrr,
        "startup_ms": startup_ms,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "misses": [q.id for q in questions if not (scores.ranks[q.id] or 99) <= 3],
    }


def repo_quality(mode: str = "hybrid") -> dict[str, Any]:
    """hit@3 of ``ask-repo`` on questions about this repository (uses ask-repo's cached index)."""
    root = repo_root()
    if root is None:
        return {}
    index, stats = index_repo(root, default_embedder(), progress=True)
    searcher = make_searcher(index, mode)
    questions = load_golden("repo_code")
    rankings = {q.id: [h.chunk.source for h in searcher.search(q.question, 10)] for q in questions}
    scores = score_rankings(questions, rankings)
    return {
        "questions": len(questions),
        "hit@1": scores.hit_at_1,
        "hit@3": scores.hit_at_3,
        "mrr": scores.mrr,
        "chunks": stats.total_chunks,
        "ranks": scores.ranks,
    }


def end_to_end(searcher: Searcher, questions: list, kind: str) -> list[dict[str, Any]]:
    """Answer a few questions with a real chat model; LLM time reported apart from retrieval."""
    model = load_chat_model(kind)
    rows = []
    for q in questions:
        result = answer(q.question, searcher, model, RagConfig(max_new_tokens=96))
        chat = result.chat
        rows.append(
            {
                "question": q.question,
                "answer": result.text,
                "retrieval_ms": result.retrieval_seconds * 1000,
                "llm_s": result.llm_seconds,
                "tokens": chat.completion_tokens if chat else 0,
                "tokens_per_s": chat.tokens_per_second if chat else 0.0,
                "model": chat.model if chat else "",
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=None, help="default data/runs/bench_rag")
    parser.add_argument(
        "--quick", action="store_true", help="20 questions, 3k-word analogy, no LLM"
    )
    parser.add_argument("--llm", default="local", help="chat model kind for the end-to-end part")
    parser.add_argument(
        "--llm-questions", type=int, default=3, help="questions answered by the LLM"
    )
    parser.add_argument("--no-repo", action="store_true", help="skip indexing this repository")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch CPU threads (1 is fastest on a machine busy with other work)",
    )
    args = parser.parse_args(argv)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    out = args.out or runs_dir("bench_rag")
    questions = load_golden("pydoc_topics")[: 20 if args.quick else None]
    results: dict[str, Any] = {
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "threads": args.threads,
        "questions": len(questions),
    }

    embedder = default_embedder()
    with tempfile.TemporaryDirectory() as scratch:
        files = [(p, p.name) for p in write_pydoc_corpus(Path(scratch) / "corpus")]
        folder = Path(scratch) / "index"
        index = ChunkIndex(folder, "pydoc", embedder=embedder)
        stats = index_files(index, files)
        results["index"] = {
            "files": stats.files_indexed,
            "chunks": stats.chunks_written,
            "seconds": stats.seconds,
            "chunks_per_s": stats.chunks_per_second,
        }
        results["retrieval"] = [evaluate(folder, embedder, questions, mode) for mode in MODES]
        searcher = make_searcher(index, RagConfig().mode)
        off_topic = load_golden("unanswerable")
        threshold = RagConfig().min_similarity
        results["calibration"] = calibrate(searcher, questions, off_topic, threshold).summary()
        if not args.quick and args.llm_questions > 0:
            results["end_to_end"] = end_to_end(searcher, questions[: args.llm_questions], args.llm)

    if not args.no_repo and not args.quick:
        results["repo"] = repo_quality()
    vocabulary = wordpiece_vocabulary(limit=3000 if args.quick else None)
    vectors = embedder.embed(vocabulary)  # (V, 384), once for every analogy
    results["analogies"] = [
        {
            "query": r.query,
            "expected": r.expected,
            "rank": r.expected_rank,
            "top3": r.top[:3],
            "vocabulary": r.vocabulary_size,
        }
        for r in (
            analogy(embedder, a, b, c, vocabulary, e, vectors=vectors) for a, b, c, e in ANALOGIES
        )
    ]

    print_table(
        f"retrieval on {len(questions)} golden questions ({stats.chunks_written} chunks)",
        ["mode", "hit@1", "hit@3", "MRR", "start-up ms", "p50 ms", "p95 ms"],
        [
            (r["mode"], r["hit@1"], r["hit@3"], r["mrr"], r["startup_ms"], r["p50_ms"], r["p95_ms"])
            for r in results["retrieval"]
        ],
    )
    c = results["calibration"]
    print_table(
        "I don't know threshold (best cosine, hybrid)",
        [
            "answerable min",
            "answerable p5",
            "off-topic max",
            "threshold",
            "answerable kept",
            "off-topic refused",
        ],
        [
            (
                c["answerable_min"],
                c["answerable_p5"],
                c["off_topic_max"],
                c["threshold"],
                c["answerable_kept"],
                c["off_topic_refused"],
            )
        ],
    )
    print_table(
        "indexing",
        ["files", "chunks", "seconds", "chunks/s"],
        [(stats.files_indexed, stats.chunks_written, stats.seconds, stats.chunks_per_second)],
    )
    if results.get("repo"):
        r = results["repo"]
        print_table(
            "ask-repo on this repository",
            ["questions", "chunks", "hit@1", "hit@3", "MRR"],
            [(r["questions"], r["chunks"], r["hit@1"], r["hit@3"], r["mrr"])],
        )
    print_table(
        "analogies (a − b + c)",
        ["query", "expected", "rank", "top 3", "vocabulary"],
        [
            (
                a["query"],
                a["expected"],
                a["rank"],
                ", ".join(w for w, _ in a["top3"]),
                a["vocabulary"],
            )
            for a in results["analogies"]
        ],
    )
    if results.get("end_to_end"):
        print_table(
            f"end to end ({args.llm} model)",
            ["question", "retrieval ms", "LLM s", "tokens", "tok/s"],
            [
                (e["question"][:50], e["retrieval_ms"], e["llm_s"], e["tokens"], e["tokens_per_s"])
                for e in results["end_to_end"]
            ],
        )
        for e in results["end_to_end"]:
            console.print(f"[bold]Q:[/bold] {e['question']}\n[bold]A:[/bold] {e['answer']}\n")
    save_json(out / "metrics.json", results)
    console.print(f"results → {out / 'metrics.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
