"""``cluster-digits``: find the ten digits without being told which is which.

The data: scikit-learn's 1797 handwritten digits, 8×8 pixels with ink levels 0–16, i.e. points in
64 dimensions. All pixels share one unit, so no scaling is needed.

What it does, in order:

1. K-Means for k = 2…15: the inertia (elbow) and silhouette curves, and the k each one suggests;
2. K-Means with k = 10 compared with the true labels by the adjusted Rand index (ARI: 1 = the
   same grouping, 0 = no better than chance; it ignores which cluster number means which digit);
3. PCA from 64 dimensions to 2, by hand (one SVD) and by scikit-learn, which must agree; the
   explained variance, how many components keep 90 % of it, and a 2-D scatter coloured by digit.

    uv run cluster-digits            # table + plots in data/runs/cluster-digits/
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from m2_classical_ml import plots
from m2_classical_ml.clustering import elbow_k, sweep_k
from m2_classical_ml.pca import pca_svd
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.runkit import RunConfig, RunParser, require, require_at_least, save_metrics

PROG = "cluster-digits"


@dataclass(frozen=True, kw_only=True)
class ClusterConfig(RunConfig):
    """Settings of one cluster-digits run."""

    PRESETS: ClassVar = {
        "tiny": {"ks": (2, 5, 10, 12), "n_init": 2, "rows": 400},
        "cpu": {},
        "full": {"n_init": 20},
    }

    ks: tuple[int, ...] = tuple(range(2, 16))
    """Numbers of clusters to try for the elbow and silhouette curves."""
    n_init: int = 10
    """K-Means restarts from different random centres (the best inertia is kept)."""
    rows: int | None = None
    """Use a random subset of this many digits (None: all 1797)."""
    threads: int = 1
    """OpenMP threads for K-Means (1 is fastest on small data on a shared 2-core machine)."""

    def validate(self) -> None:
        require_at_least(1, n_init=self.n_init, threads=self.threads)
        require_at_least(50, rows=self.rows)
        # the silhouette needs 2 clusters at least; the elbow rule needs three points of the curve
        increasing = list(self.ks) == sorted(set(self.ks))
        require(
            len(self.ks) >= 3 and increasing and self.ks[0] >= 2,
            f"ks: at least three increasing values from 2 up, not {' '.join(map(str, self.ks))}",
        )


@dataclass
class ClusterResult:
    """Everything a run measured."""

    config: ClusterConfig
    n_digits: int
    sweep: dict[str, list[float]]
    elbow_k: int
    silhouette_k: int
    ari_k10: float
    explained_variance_ratio: list[float]
    components_for_90: int
    max_gap_to_sklearn: float
    projected: np.ndarray  # (n, 2)
    labels: np.ndarray  # (n,)

    def metrics(self) -> dict[str, Any]:
        """What metrics.json holds (bench_m2.py reads the same dict)."""
        return {
            "n_digits": self.n_digits,
            "k": list(self.config.ks),
            **self.sweep,
            "elbow_k": self.elbow_k,
            "silhouette_k": self.silhouette_k,
            "adjusted_rand_index_k10": self.ari_k10,
            "pca_explained_variance_ratio_2d": self.explained_variance_ratio,
            "pca_components_for_90pct": self.components_for_90,
            "pca_max_gap_hand_vs_sklearn": self.max_gap_to_sklearn,
        }


def load(config: ClusterConfig) -> tuple[np.ndarray, np.ndarray]:
    """Pixels (n, 64) and digit labels (n,), optionally a random subset."""
    X, y = load_digits(return_X_y=True)
    if config.rows is not None and config.rows < len(y):
        keep = np.random.default_rng(config.seed).choice(len(y), config.rows, replace=False)
        X, y = X[keep], y[keep]
    return X, y


def run(config: ClusterConfig) -> ClusterResult:
    """Elbow and silhouette sweep, K-Means(10) vs labels, PCA by hand vs scikit-learn."""
    X, y = load(config)
    sweep = sweep_k(X, config.ks, config.seed, config.n_init, config.threads)
    with threadpool_limits(config.threads):
        kmeans10 = KMeans(n_clusters=10, n_init=config.n_init, random_state=config.seed).fit(X)
    hand = pca_svd(X, n_components=2)
    library = PCA(n_components=2).fit(X)
    projected = library.transform(X)  # (n, 2)
    full_ratio = pca_svd(X, n_components=X.shape[1]).explained_variance_ratio
    return ClusterResult(
        config=config,
        n_digits=len(y),
        sweep=sweep,
        elbow_k=elbow_k(config.ks, sweep["inertia"]),
        silhouette_k=int(config.ks[int(np.argmax(sweep["silhouette"]))]),
        ari_k10=float(adjusted_rand_score(y, kmeans10.labels_)),
        explained_variance_ratio=hand.explained_variance_ratio.tolist(),
        components_for_90=int(np.searchsorted(np.cumsum(full_ratio), 0.90) + 1),
        max_gap_to_sklearn=float(np.abs(hand.projected - projected).max()),
        projected=hand.projected,
        labels=y,
    )


def save_artifacts(result: ClusterResult, out: Path) -> dict[str, Path]:
    """The plots into ``out``; returns what was written."""
    ks = result.config.ks
    return {
        "elbow": plots.plot_curves(
            out / "elbow.png",
            ks,
            {"inertia": result.sweep["inertia"]},
            title="Elbow: K-Means inertia against k",
            xlabel="k (clusters)",
            ylabel="inertia (sum of squared distances)",
            mark_x=result.elbow_k,
        ),
        "silhouette": plots.plot_curves(
            out / "silhouette.png",
            ks,
            {"silhouette": result.sweep["silhouette"]},
            title="Mean silhouette against k",
            xlabel="k (clusters)",
            ylabel="silhouette",
            mark_x=result.silhouette_k,
        ),
        "pca": plots.plot_scatter(
            out / "pca_scatter.png",
            result.projected,
            result.labels,
            title="Digits: first two principal components",
            xlabel=f"PC1 ({result.explained_variance_ratio[0]:.1%} of variance)",
            ylabel=f"PC2 ({result.explained_variance_ratio[1]:.1%} of variance)",
        ),
    }


def print_report(result: ClusterResult) -> None:
    """The sweep table and the headline numbers."""
    rows = [
        (k, inertia, silhouette)
        for k, inertia, silhouette in zip(
            result.config.ks, result.sweep["inertia"], result.sweep["silhouette"], strict=True
        )
    ]
    print_table(f"K-Means on {result.n_digits} digits", ["k", "inertia", "silhouette"], rows)
    ratio = result.explained_variance_ratio
    print_table(
        "Summary",
        ["measure", "value"],
        [
            ("k at the elbow", result.elbow_k),
            ("k with the best silhouette", result.silhouette_k),
            ("ARI of K-Means(k=10) vs true digits", result.ari_k10),
            ("variance kept by 2 PCA components", sum(ratio)),
            ("components for 90 % of variance", result.components_for_90),
            ("max |hand PCA - sklearn PCA|", f"{result.max_gap_to_sklearn:.1e}"),
        ],
    )


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser(PROG, __doc__, ClusterConfig, flags=["ks", "n_init", "rows", "threads"])
    config = parser.config(parser.parse_args(argv))
    result = run(config)
    print_report(result)
    written = [*save_artifacts(result, config.out).values()]
    written.append(save_metrics(result, config, config.out))
    console.print(f"saved {', '.join(p.name for p in written)} in {config.out}")
    return 0
