"""Benchmark month 4's retrieval and "I don't know" on held-out questions.

    uv run scripts/bench_rag.py                 # everything (≈ 10 minutes on 2 cores)
    uv run scripts/bench_rag.py --quick         # pydoc quality and abstention only
    uv run scripts/bench_rag_answers.py         # the local model's answers, judged (slow)

Every golden question belongs to a ``dev`` split (tune on it, read its misses) or a ``test`` split
(report on it); see ``m4_genai/golden/sets.py``. This script measures, side by side for both:

- hit@1 / hit@3 (with 95 % bootstrap intervals) and MRR@10 for dense, BM25, hybrid and reranked
  retrieval over Python's 79 reference sections, and for ``ask-repo`` over this repository;
- the fusion settings (candidates per half, RRF's k) on dev only: the choice is made there;
- latency p50/p95 per query, quiet and beside a CPU hog using 1.5 of 2 cores, with 1 and 2 torch
  threads;
- the "I don't know" rule: chosen on dev (``golden/calibrate.py``), and the configured rule's
  confusion table on test, by kind of unanswerable question;
- king − man + woman: where "queen" ranks over MiniLM's vocabulary (and three more analogies).

Misses are listed for dev only. Writes ``data/runs/bench_rag/metrics.json`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import platform
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch
from bench_rag_tables import report

from m4_genai.golden import (
    choose_rule,
    confusion,
    gather,
    load_golden,
    score_rankings,
    write_pydoc_corpus,
)
from m4_genai.golden.calibrate import Rule, fit_answerability
from m4_genai.lessons.similarity import ANALOGIES, analogy, wordpiece_vocabulary
from m4_genai.rag import RagConfig
from m4_genai.retrieval import ChunkIndex, Searcher, default_embedder, index_files, index_repo
from m4_genai.retrieval.search import HybridSearcher, make_searcher
from roadmap_data import runs_dir
from roadmap_data.console import console, save_json
from roadmap_data.paths import repo_root

KINDS = ("near", "adversarial", "far")
SEARCHERS = {  # name → (mode, rerank)
    "dense": ("dense", False),
    "bm25": ("bm25", False),
    "hybrid": ("hybrid", False),
    "dense+rerank": ("dense", True),
    "hybrid+rerank": ("hybrid", True),
}


def evaluate(searcher: Searcher, questions: list, misses: bool) -> dict[str, Any]:
    """hit@1/3 with intervals, MRR@10 and latency (ms) of one searcher on one split."""
    searcher.search(questions[0].question, 10)  # the first query pays lazy set-up
    rankings, latencies = {}, []
    for q in questions:
        start = time.perf_counter()
        hits = searcher.search(q.question, 10)
        latencies.append((time.perf_counter() - start) * 1000)
        rankings[q.id] = [h.chunk.source for h in hits]
    scores = score_rankings(questions, rankings)
    row = {
        "n": len(questions),
        "hit@1": scores.hit_at_1,
        "hit@1_ci": scores.interval(1),
        "hit@3": scores.hit_at_3,
        "hit@3_ci": scores.interval(3),
        "mrr": scores.mrr,
        "p50_ms": float(np.percentile(latencies, 50)),
        "p95_ms": float(np.percentile(latencies, 95)),
    }
    if misses:  # dev only: test misses are not read while anything is still being tuned
        row["misses@1"] = [
            {"id": q.id, "question": q.question, "want": q.sources[:3], "got": rankings[q.id][:3]}
            for q in questions
            if scores.ranks[q.id] != 1
        ]
    return row


def quality(index: ChunkIndex, golden: str, names: list[str]) -> list[dict[str, Any]]:
    """Every searcher in ``names`` on both splits of one golden set."""
    rows = []
    for name in names:
        mode, rerank = SEARCHERS[name]
        searcher = make_searcher(index, mode, rerank, RagConfig().candidates)
        for split in ("dev", "test"):
            questions = load_golden(golden, split)
            rows.append(
                {"searcher": name, "split": split, **evaluate(searcher, questions, split == "dev")}
            )
    return rows


def fusion_on_dev(index: ChunkIndex) -> list[dict[str, Any]]:
    """Hybrid's settings scored on dev questions only: candidates per half and RRF's k."""
    dev = load_golden("pydoc_topics", "dev")
    rows = []
    for candidates in (10, 20, 50):
        for rrf_k in (10, 60):
            row = evaluate(HybridSearcher(index, candidates, rrf_k), dev, misses=False)
            rows.append({"candidates": candidates, "rrf_k": rrf_k, **row})
    return rows


def _spin(duty: float, stop: Any) -> None:
    """Burn CPU ``duty`` of the time (busy 10 ms, idle the rest) until ``stop`` is set."""
    while not stop.is_set():
        end = time.perf_counter() + 0.010 * duty
        while time.perf_counter() < end:
            pass
        time.sleep(0.010 * (1 - duty))


@contextlib.contextmanager
def cpu_hog(cores: float = 1.5) -> Iterator[None]:
    """Other processes using ``cores`` CPUs (one per whole core, one more at the fraction)."""
    stop = multiprocessing.Event()
    duties = [1.0] * int(cores) + ([cores % 1] if cores % 1 else [])
    workers = [multiprocessing.Process(target=_spin, args=(d, stop), daemon=True) for d in duties]
    for worker in workers:
        worker.start()
    try:
        time.sleep(0.5)  # let them reach full speed
        yield
    finally:
        stop.set()
        for worker in workers:
            worker.join()


def latency_under_load(index: ChunkIndex, questions: list) -> list[dict[str, Any]]:
    """p50/p95 of hybrid with and without reranking: quiet and busy, 1 and 2 torch threads for
    the question's embedding (the reranker's batch uses torch's setting, set alike here)."""
    rows, embedder, default_threads = [], index.embedder, torch.get_num_threads()
    default_query_threads = embedder.query_threads
    for threads in (1, 2):
        torch.set_num_threads(threads)
        embedder.query_threads = threads
        for load in ("quiet", "busy"):
            with cpu_hog() if load == "busy" else contextlib.nullcontext():
                for name in ("hybrid", "hybrid+rerank"):
                    mode, rerank = SEARCHERS[name]
                    row = evaluate(make_searcher(index, mode, rerank), questions, misses=False)
                    rows.append({"searcher": name, "threads": threads, "load": load,
                                 "p50_ms": row["p50_ms"], "p95_ms": row["p95_ms"]})  # fmt: skip
    torch.set_num_threads(default_threads)
    embedder.query_threads = default_query_threads
    return rows


def abstention(searcher: Searcher) -> dict[str, Any]:
    """Both refusal rules fitted on dev (the answerability score and the two thresholds), the
    configured rule's confusion tables on dev and test, and each fitted rule's on test."""
    evidence = {}
    for split in ("dev", "test"):
        unanswerable = load_golden("unanswerable", split)
        evidence[split] = {
            "answerable": gather(searcher, load_golden("pydoc_topics", split)),
            **{
                kind: gather(searcher, [q for q in unanswerable if q.kind == kind])
                for kind in KINDS
            },
        }
    dev = evidence["dev"]
    thresholds = choose_rule(dev["answerable"], dev["near"])
    unanswerable_dev = [e for kind in KINDS for e in dev[kind]]
    score = fit_answerability(dev["answerable"], unanswerable_dev)
    fitted = {
        "thresholds": thresholds,
        "score": Rule(thresholds.min_similarity, thresholds.max_unknown_share, score),
    }
    config = RagConfig()
    configured = config.refusal_rule()
    result: dict[str, Any] = {
        "fitted_on_dev": {name: asdict(rule) for name, rule in fitted.items()},
        "configured": asdict(configured),
    }
    for split, groups in evidence.items():
        others = {kind: groups[kind] for kind in KINDS}
        result[split] = confusion(configured, groups["answerable"], others)
        result[f"{split}_by_rule"] = {
            name: confusion(rule, groups["answerable"], others) for name, rule in fitted.items()
        }
    return result


def analogies(embedder: Any, quick: bool) -> list[dict[str, Any]]:
    """Rank of the expected word for each a − b + c over MiniLM's whole-word vocabulary."""
    vocabulary = wordpiece_vocabulary(limit=3000 if quick else None)
    vectors = embedder.embed(vocabulary)  # (V, 384), once for every analogy
    results = (
        analogy(embedder, a, b, c, vocabulary, e, vectors=vectors) for a, b, c, e in ANALOGIES
    )
    return [
        {"query": r.query, "expected": r.expected, "rank": r.expected_rank, "top3": r.top[:3],
         "vocabulary": r.vocabulary_size}
        for r in results
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=None, help="default data/runs/bench_rag")
    parser.add_argument("--quick", action="store_true", help="pydoc quality + abstention only")
    args = parser.parse_args(argv)
    out = args.out or runs_dir("bench_rag")
    results: dict[str, Any] = {
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "threads": torch.get_num_threads(),
        "config": {k: getattr(RagConfig(), k) for k in ("mode", "rerank", "candidates", "k")},
    }
    embedder, config = default_embedder(), RagConfig()
    with tempfile.TemporaryDirectory() as scratch:
        files = [(p, p.name) for p in write_pydoc_corpus(Path(scratch) / "corpus")]
        index = ChunkIndex(Path(scratch) / "index", "pydoc", embedder=embedder)
        stats = index_files(index, files)
        results["index"] = {"chunks": stats.chunks_written, "seconds": stats.seconds}
        results["pydoc"] = quality(index, "pydoc_topics", list(SEARCHERS))
        results["abstention"] = abstention(
            make_searcher(index, config.mode, config.rerank, config.candidates)
        )
        if not args.quick:
            results["fusion_dev"] = fusion_on_dev(index)
            results["latency"] = latency_under_load(index, load_golden("pydoc_topics", "test"))
    root = repo_root()
    if not args.quick and root is not None:
        repo_index, repo_stats = index_repo(root, embedder, progress=True)
        searcher = make_searcher(repo_index, config.mode, config.rerank, config.candidates)
        rule = config.refusal_rule()
        results["repo"] = {
            "chunks": repo_stats.total_chunks,
            "rows": quality(repo_index, "repo_code", ["dense", "hybrid", "hybrid+rerank"]),
            "answered": {  # the refusal rule on questions about code: does it still answer?
                split: confusion(rule, gather(searcher, load_golden("repo_code", split)), {})[0]
                for split in ("dev", "test")
            },
        }
    results["analogies"] = analogies(embedder, args.quick)
    print("\n".join(report(results)))  # plain: rich would read "[...]" as markup
    save_json(out / "metrics.json", results)
    console.print(f"results → {out / 'metrics.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
