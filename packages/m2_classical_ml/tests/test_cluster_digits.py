"""The cluster-digits project on 400 digits: K-Means finds most digits, PCA agrees with sklearn."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.decomposition import PCA

from m2_classical_ml import cluster_digits


@pytest.fixture(scope="module")
def tiny() -> cluster_digits.ClusterResult:
    return cluster_digits.run(cluster_digits.ClusterConfig.preset("tiny"))


def test_kmeans_recovers_most_digits(tiny) -> None:
    assert tiny.n_digits == 400
    assert 0.5 < tiny.ari_k10 < 0.95  # well above chance (0), below a perfect grouping (1)
    inertia = tiny.sweep["inertia"]
    assert all(a > b for a, b in itertools.pairwise(inertia))  # more centres, closer points
    assert all(0.1 < s < 0.3 for s in tiny.sweep["silhouette"])  # overlapping, not round blobs


def test_pca_by_hand_agrees_and_two_components_are_not_enough(tiny) -> None:
    assert tiny.max_gap_to_sklearn < 1e-8
    X, _ = cluster_digits.load(tiny.config)
    library = PCA(n_components=0.90, svd_solver="full").fit(X)  # as many as 90 % needs
    assert tiny.components_for_90 == library.n_components_
    np.testing.assert_allclose(
        tiny.explained_variance_ratio, library.explained_variance_ratio_[:2], rtol=1e-10
    )
    assert 0.2 < sum(tiny.explained_variance_ratio) < 0.4
    assert tiny.projected.shape == (400, 2)


def test_artifacts_and_cli(tiny, tmp_path: Path, capsys) -> None:
    written = cluster_digits.save_artifacts(tiny, tmp_path)
    assert all(path.stat().st_size > 5_000 for key, path in written.items() if key != "metrics")
    assert set(written) == {"elbow", "silhouette", "pca"}
    out = tmp_path / "cli"
    assert cluster_digits.main(["--smoke", "--ks", "2", "4", "6", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["config"]["ks"] == metrics["k"] == [2, 4, 6] and metrics["n_digits"] == 400
    assert len(metrics["silhouette"]) == 3 and metrics["elbow_k"] == 4  # the only inner point
    assert cluster_digits.main(["--smoke", "--n-init", "0", "--out", str(tmp_path / "x")]) == 2
    assert capsys.readouterr().err == "error: n_init must be at least 1, not 0\n"
    assert cluster_digits.main(["--smoke", "--ks", "5", "3", "--out", str(tmp_path / "x")]) == 2
    assert "ks: at least three increasing values from 2 up, not 5 3" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
