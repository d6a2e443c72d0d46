"""Month 2's targets, measured, and the README's tables written from the measurements.

    uv run scripts/bench_m2.py --preset full --seeds 0 1 2 --tests   # measure (~10 min), write JSON
    uv run scripts/bench_m2.py --markdown             # the README tables from that JSON, again
    uv run scripts/bench_m2.py --smoke                # tiny presets, one seed (~30 s)

- Titanic: stratified 5-fold CV accuracy of every model (target: best ≥ 0.80) beside the
  majority-class and gender-only rules, for each CV seed (the folds move a model by about ±0.01),
  and for the first seed the best model's out-of-fold precision/recall/F1, KNN against k, the root
  split.
- Ames: 5-fold CV RMSE of log price (target: best ≤ 0.13) beside the mean predictor, on all sales
  and without the 5 houses over 4000 sq ft; solvers, overfitting curves, Lasso zeros.
- Digits: K-Means(k=10) against the true labels (ARI), elbow and silhouette, PCA.
- Amazon reviews: C of the TF-IDF baseline chosen by 5-fold CV on the 4000 training reviews, and
  the accuracy on the 1000 test reviews.
- ``--tests``: wall time of the m2 test suite (target ≤ 90 s on 2 cores).

Writes ``bench_m2.json`` and ``bench_m2.md`` (the README's tables, by ``bench_m2_tables.py``) to
``--out`` (default ``data/runs/bench_m2/``). README figures are copied from ``bench_m2.md``, never
typed by hand.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench_m2_tables import markdown

from m2_classical_ml import cluster_digits, house_prices, titanic
from m2_classical_ml.text_baseline import fit_text_baseline
from roadmap_data import load_amazon_reviews, runs_dir
from roadmap_data.console import print_table, save_json

ROOT = Path(__file__).resolve().parents[1]


def timed(run: Any, config: Any) -> dict[str, Any]:
    """``run(config).metrics()`` plus the seed and the seconds it took."""
    start = time.perf_counter()
    metrics = run(config).metrics()
    seconds = time.perf_counter() - start
    return {"seed": config.seed, "config": config.to_dict(), "seconds": seconds, **metrics}


def bench_text(preset: str) -> dict[str, Any]:
    """The TF-IDF baseline: C by 5-fold CV on the training reviews, then the test accuracy."""
    train, test = load_amazon_reviews()
    if preset == "tiny":
        train, test = train.head(600), test.head(200)
    start = time.perf_counter()
    model = fit_text_baseline(train.review, train.score)
    search = model.c_search_
    return {
        "train_reviews": len(train),
        "test_reviews": len(test),
        "folds": search.folds,
        "cv_accuracy_by_C": search.accuracy_by_C,
        "chosen_C": search.C,
        "cv_accuracy": search.cv_accuracy,
        "test_accuracy": float(model.score(test.review, test.score)),
        "test_majority": float((test.score == "great").mean()),
        "seconds": time.perf_counter() - start,
    }


def time_tests() -> dict[str, Any]:
    """Wall time and summary line of the m2 test suite, in a fresh interpreter."""
    start = time.perf_counter()
    command = [sys.executable, "-m", "pytest", "packages/m2_classical_ml", "-q", "-p"]
    proc = subprocess.run([*command, "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True)
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-200:]
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "passed": proc.returncode == 0, "summary": summary}


def measure(preset: str, seeds: list[int], tests: bool, command: str) -> dict[str, Any]:
    """Every measurement of the README, as one JSON-ready dict."""
    ames = house_prices.HousePricesConfig.preset(preset, seed=seeds[0])
    report = {
        "preset": preset,
        "command": command,
        "machine": {"python": platform.python_version(), "cpu": platform.machine()},
        "titanic": [
            timed(titanic.run, titanic.TitanicConfig.preset(preset, seed=s)) for s in seeds
        ],
        "ames": timed(house_prices.run, ames),
        "ames_without_large_houses": timed(house_prices.run, ames.replace(drop_large_houses=True)),
        "digits": timed(
            cluster_digits.run, cluster_digits.ClusterConfig.preset(preset, seed=seeds[0])
        ),
        "text": bench_text(preset),
    }
    if tests:
        report["tests"] = time_tests()
    return report


def print_summary(report: dict[str, Any]) -> None:
    """The headline figures and their targets in the terminal (every table: bench_m2.md)."""
    ames, text = report["ames"], report["text"]
    rows = [
        (f"Titanic best CV accuracy, seed {r['seed']} ({r['best_model']})", r["best_cv_accuracy"],
         ">= 0.80")
        for r in report["titanic"]
    ]  # fmt: skip
    rows.append((f"Ames best CV RMSE ({ames['best_model']})", ames["best_cv_rmse"], "<= 0.13"))
    rows.append(("Digits: ARI of K-Means(k=10)", report["digits"]["adjusted_rand_index_k10"], ""))
    rows.append((f"Reviews: test accuracy (C = {text['chosen_C']:g})", text["test_accuracy"], ""))
    if "tests" in report:
        rows.append(
            (f"m2 tests: {report['tests']['summary']}", report["tests"]["seconds"], "<= 90 s")
        )
    note = "" if report["preset"] == "full" else "; the targets are for --preset full"
    print_table(f"bench_m2 ({report['preset']} preset{note})", ["measure", "value", "target"], rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--preset", choices=["tiny", "cpu", "full"], default="full")
    parser.add_argument("--smoke", action="store_true", help="tiny presets, one seed (seconds)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="Titanic CV seeds")
    parser.add_argument("--tests", action="store_true", help="also time the m2 test suite")
    parser.add_argument("--out", type=Path, default=None, help="default data/runs/bench_m2")
    parser.add_argument(
        "--markdown",
        nargs="?",
        const="",
        metavar="JSON",
        help="print the README tables from a bench_m2.json (default: --out's)",
    )
    args = parser.parse_args(argv)
    out = args.out or runs_dir("bench_m2-smoke" if args.smoke else "bench_m2")
    if args.markdown is not None:
        path = Path(args.markdown) if args.markdown else out / "bench_m2.json"
        print(markdown(json.loads(path.read_text())), end="")
        return 0
    preset, seeds = ("tiny", args.seeds[:1]) if args.smoke else (args.preset, args.seeds)
    command = " ".join(["uv run scripts/bench_m2.py", *(sys.argv[1:] if argv is None else argv)])
    report = measure(preset, seeds, args.tests, command)
    print_summary(report)
    path = save_json(out / "bench_m2.json", report)
    (out / "bench_m2.md").write_text(markdown(json.loads(path.read_text())))
    print(f"wrote {path} and bench_m2.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
