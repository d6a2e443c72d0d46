"""Benchmark retrieval at scale: a synthetic 50,000-chunk index, query latency and memory.

    uv run scripts/bench_retrieval_scale.py                  # 50k chunks (a few minutes to build)
    uv run scripts/bench_retrieval_scale.py --chunks 5000    # quicker
    uv run scripts/bench_retrieval_scale.py --index DIR      # keep (and reuse) the index in DIR

What it measures, per retrieval mode, each in a fresh process (so start-up and memory are real):
- start-up: open the index and answer a first question (what a CLI pays on every run);
- query latency p50/p95 over 200 questions once started;
- peak resident memory of that process, and how much of it came from opening and querying the
  index (peak minus the process's size before the index was opened).

The chunks are synthetic: 150 words each from a Zipf-distributed vocabulary of 30,000 made-up
words (so BM25's posting lists have realistic lengths), embedded by a hashing embedder (a fixed
random projection of the words: deterministic, no model). Embedding 50k chunks with MiniLM would
take most of an hour on 2 cores and measures the model, not the index; the question embedding of
the real model (≈ 10 ms) comes on top of the latencies here. Writes
``data/runs/bench_retrieval_scale/metrics.json`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from m4_genai.retrieval import MODES, Chunk, ChunkIndex, Searcher, make_searcher
from roadmap_data import runs_dir
from roadmap_data.console import print_table, save_json

VOCABULARY = 30_000
WORDS_PER_CHUNK = 150
QUESTIONS = 200


class HashingEmbedder:
    """Text → the normalised sum of one fixed random 384-d vector per word (no model)."""

    name = "hashing-384"
    dim = 384

    def __init__(self) -> None:
        self.table = np.random.default_rng(0).standard_normal((VOCABULARY, self.dim))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)  # (n, 384)
        for row, text in enumerate(texts):
            ids = [int(w[1:]) for w in text.split() if w[:1] == "w" and w[1:].isdigit()]
            out[row] = self.table[ids].sum(axis=0) if ids else 0.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def synthetic_texts(n: int, seed: int = 0) -> list[str]:
    """``n`` texts of Zipf-distributed made-up words ``w17 w3 w2048 ...``."""
    rng = np.random.default_rng(seed)
    ranks = np.minimum(rng.zipf(1.2, size=(n, WORDS_PER_CHUNK)), VOCABULARY) - 1
    return [" ".join(f"w{i}" for i in row) for row in ranks]


def make_chunk(text: str, number: int) -> Any:
    return Chunk(text, f"doc{number // 10:05d}.txt", number % 10)


def build(folder: Path, n: int, embedder: HashingEmbedder) -> float:
    """Index ``n`` synthetic chunks into ``folder``; returns the seconds it took."""
    start = time.perf_counter()
    index = ChunkIndex(folder, "scale", embedder=embedder)
    texts = synthetic_texts(n)
    for first in range(0, n, 2000):
        chunks = [make_chunk(t, first + i) for i, t in enumerate(texts[first : first + 2000])]
        index.upsert(chunks, embedder.embed([c.search_text for c in chunks]))
    return time.perf_counter() - start


def open_searcher(folder: Path, embedder: HashingEmbedder, mode: str) -> Searcher:
    return make_searcher(ChunkIndex(folder, "scale", embedder=embedder), mode)


def measure(folder: Path, mode: str) -> dict[str, float]:
    """Start-up, latency and memory of one mode, in this (fresh) process."""
    embedder = HashingEmbedder()
    questions = [" ".join(t.split()[:8]) for t in synthetic_texts(QUESTIONS, seed=1)]
    import chromadb  # noqa: F401  (its import alone is ≈ 100 MB: not the index's memory)

    before_mb = rss_mb()
    start = time.perf_counter()
    searcher = open_searcher(folder, embedder, mode)
    searcher.search(questions[0], 10)
    startup_ms = (time.perf_counter() - start) * 1000
    latencies = []
    for question in questions:
        start = time.perf_counter()
        searcher.search(question, 10)
        latencies.append((time.perf_counter() - start) * 1000)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "mode": mode,
        "startup_ms": startup_ms,
        "p50_ms": float(np.percentile(latencies, 50)),
        "p95_ms": float(np.percentile(latencies, 95)),
        "peak_rss_mb": peak_mb,
        "index_rss_mb": peak_mb - before_mb,
    }


def rss_mb() -> float:
    """Resident memory of this process now (Linux /proc; the peak elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chunks", type=int, default=50_000, help="index size (default 50000)")
    parser.add_argument("--index", type=Path, help="index folder to build or reuse (default: temp)")
    parser.add_argument("--out", type=Path, help="default data/runs/bench_retrieval_scale")
    parser.add_argument("--measure", nargs=2, metavar=("FOLDER", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:  # the child process: one mode, results as JSON on stdout
        print(json.dumps(measure(Path(args.measure[0]), args.measure[1])))
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.index or Path(scratch) / "index"
        fresh = not folder.exists()
        build_s = build(folder, args.chunks, HashingEmbedder()) if fresh else None
        rows = []
        for mode in MODES:
            child = [sys.executable, sys.argv[0], "--measure", str(folder), mode]
            done = subprocess.run(child, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"measuring {mode} failed:\n{done.stderr[-3000:]}")
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    results = {
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "chunks": args.chunks,
        "build_seconds": build_s,
        "modes": rows,
    }
    print_table(
        f"retrieval over {args.chunks:,} synthetic chunks "
        + (f"(built in {build_s:.0f} s)" if build_s is not None else "(index reused)"),
        ["mode", "start-up ms", "p50 ms", "p95 ms", "peak RSS MB", "index MB"],
        [
            (
                r["mode"],
                r["startup_ms"],
                r["p50_ms"],
                r["p95_ms"],
                r["peak_rss_mb"],
                r["index_rss_mb"],
            )
            for r in rows
        ],
    )
    out = args.out or runs_dir("bench_retrieval_scale")
    print(f"results → {save_json(out / 'metrics.json', results)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
