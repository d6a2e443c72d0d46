"""Month 2's targets, measured: ``uv run scripts/bench_m2.py [--preset full] [--seeds 0 1 2] [--tests]``.

- Titanic: stratified 5-fold CV accuracy of the best model (target ≥ 0.80) beside the majority-class
  and gender-only baselines, for each CV seed (the folds move the figure by about ±0.01).
- Ames: 5-fold CV RMSE of log price of the best model (target ≤ 0.13) beside the mean predictor.
- Digits: adjusted Rand index of K-Means(k=10) against the true labels (no target; for the record).
- ``--tests``: wall time of the m2 test suite (target ≤ 90 s on 2 cores).

Prints one table and writes ``bench_m2.json`` to ``--out`` (default ``data/runs/bench_m2/``).
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from pathlib import Path

from m2_classical_ml import cluster_digits, house_prices, titanic
from m2_classical_ml.config import make_config
from roadmap_data import runs_dir
from roadmap_data.console import print_table, save_json


def bench_titanic(preset: str, seeds: list[int]) -> dict:
    runs = []
    for seed in seeds:
        start = time.perf_counter()
        result = titanic.run(make_config(titanic.TitanicConfig, titanic.PRESETS, preset, seed=seed))
        runs.append(
            {
                "seed": seed,
                "best_model": result.best,
                "best_cv_accuracy": result.scores[result.best]["accuracy"],
                "models": {name: s["accuracy"] for name, s in result.scores.items()},
                "baselines": {name: b["accuracy"] for name, b in result.baselines.items()},
                "seconds": time.perf_counter() - start,
            }
        )
    return {"runs": runs, "worst_best_accuracy": min(r["best_cv_accuracy"] for r in runs)}


def bench_house_prices(preset: str, seed: int) -> dict:
    start = time.perf_counter()
    config = make_config(house_prices.HousePricesConfig, house_prices.PRESETS, preset, seed=seed)
    result = house_prices.run(config)
    return {
        "best_model": result.best,
        "best_cv_rmse": result.scores[result.best]["rmse"],
        "mean_baseline_rmse": result.scores["mean"]["rmse"],
        "models": {name: s["rmse"] for name, s in result.scores.items()},
        "seconds": time.perf_counter() - start,
    }


def bench_digits(preset: str, seed: int) -> dict:
    config = make_config(cluster_digits.ClusterConfig, cluster_digits.PRESETS, preset, seed=seed)
    result = cluster_digits.run(config)
    return {
        "ari_k10": result.ari_k10,
        "elbow_k": result.elbow_k,
        "silhouette_k": result.silhouette_k,
    }


def time_tests() -> dict:
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "packages/m2_classical_ml",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
    )
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-200:]
    return {
        "seconds": time.perf_counter() - start,
        "passed": proc.returncode == 0,
        "summary": summary,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--preset", choices=["full", "cpu", "tiny"], default="full")
    parser.add_argument("--smoke", action="store_true", help="tiny presets, one seed (seconds)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="Titanic CV seeds")
    parser.add_argument("--tests", action="store_true", help="also time the m2 test suite")
    parser.add_argument("--out", type=Path, default=runs_dir("bench_m2"))
    args = parser.parse_args(argv)
    preset, seeds = ("tiny", args.seeds[:1]) if args.smoke else (args.preset, args.seeds)

    report = {
        "preset": preset,
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.processor() or platform.machine(),
        },
        "titanic": bench_titanic(preset, seeds),
        "ames": bench_house_prices(preset, seeds[0]),
        "digits": bench_digits(preset, seeds[0]),
    }
    t, a = report["titanic"], report["ames"]
    first = t["runs"][0]["baselines"]
    rows = [
        ("Titanic majority baseline (acc)", first["majority (all died)"], "", ""),
        ("Titanic gender-only baseline (acc)", first["gender (women survive)"], "", ""),
    ]
    rows += [
        (
            f"Titanic best CV acc, seed {r['seed']} ({r['best_model']})",
            r["best_cv_accuracy"],
            ">= 0.80",
            "yes" if r["best_cv_accuracy"] >= 0.80 else "no",
        )
        for r in t["runs"]
    ]
    rows += [
        ("Ames mean-predictor RMSE (log)", a["mean_baseline_rmse"], "", ""),
        (
            f"Ames best CV RMSE ({a['best_model']})",
            a["best_cv_rmse"],
            "<= 0.13",
            "yes" if a["best_cv_rmse"] <= 0.13 else "no",
        ),
        ("Digits ARI of K-Means(k=10)", report["digits"]["ari_k10"], "", ""),
    ]
    if args.tests:
        report["tests"] = time_tests()
        seconds = report["tests"]["seconds"]
        rows.append(
            (
                "m2 test suite (s)",
                seconds,
                "<= 90",
                "yes" if seconds <= 90 and report["tests"]["passed"] else "no",
            )
        )
    note = "" if preset == "full" else "; the targets are for --preset full"
    print_table(f"bench_m2 ({preset} preset{note})", ["measure", "value", "target", "met"], rows)
    path = save_json(args.out / "bench_m2.json", report)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
