"""Benchmark: one dense layer as Python loops vs NumPy ``@``, and NumPy matmul GFLOP/s.

    uv run scripts/bench_vectorization.py            # prints a table, writes JSON
    uv run scripts/bench_vectorization.py --quick    # smaller sizes, seconds

Writes ``data/runs/bench_vectorization/results.json`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np

from m1_foundations.dense_layer import dense_relu, dense_relu_loops, random_layer_inputs
from roadmap_data import runs_dir
from roadmap_data.console import print_table, save_json


def best_of(fn, repeats: int) -> float:
    """Fastest wall time of ``repeats`` calls: the least disturbed by other processes."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def matmul_gflops(n: int, repeats: int) -> float:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    a @ b  # warm-up: first call pays for thread start-up
    return 2 * n**3 / best_of(lambda: a @ b, repeats) / 1e9


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (seconds)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or runs_dir("bench_vectorization")

    X, W, b = random_layer_inputs(seed=0)  # (100, 50) @ (50, 10) + (10,): the day-7 exercise
    lists = X.tolist(), W.tolist(), b.tolist()
    repeats = 3 if args.quick else 7
    loop_s = best_of(lambda: dense_relu_loops(*lists), repeats)
    numpy_s = best_of(lambda: dense_relu(X, W, b), repeats * 100)
    layer = {"loops_ms": loop_s * 1e3, "numpy_ms": numpy_s * 1e3, "speedup": loop_s / numpy_s}

    sizes = [128, 256, 512] if args.quick else [128, 256, 512, 1024, 2048]
    gflops = {n: matmul_gflops(n, 3 if n >= 1024 else 10) for n in sizes}

    print_table(
        "dense layer (100×50 @ 50×10 + bias, ReLU)",
        ["implementation", "time (ms)", "speed-up"],
        [
            ("Python loops", layer["loops_ms"], 1.0),
            ("NumPy @", layer["numpy_ms"], layer["speedup"]),
        ],
    )
    print_table("NumPy float64 matmul", ["n × n", "GFLOP/s"], [(n, g) for n, g in gflops.items()])
    save_json(
        out / "results.json",
        {
            "machine": platform.platform(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "dense_layer": layer,
            "matmul_gflops": gflops,
        },
    )
    print(f"wrote {out / 'results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
