"""The cluster-digits project on 400 digits: K-Means finds most digits, PCA agrees with sklearn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from m2_classical_ml import cluster_digits


@pytest.fixture(scope="module")
def tiny() -> cluster_digits.ClusterResult:
    config = cluster_digits.make_config(
        cluster_digits.ClusterConfig, cluster_digits.PRESETS, "tiny"
    )
    return cluster_digits.run(config)


def test_kmeans_recovers_most_digits(tiny) -> None:
    assert tiny.n_digits == 400
    assert 0.5 < tiny.ari_k10 < 0.95  # well above chance (0), below a perfect grouping (1)
    assert tiny.elbow_k in tiny.config.ks and tiny.silhouette_k in tiny.config.ks


def test_pca_by_hand_agrees_and_two_components_are_not_enough(tiny) -> None:
    assert tiny.max_gap_to_sklearn < 1e-8
    assert 0.2 < sum(tiny.explained_variance_ratio) < 0.4
    assert 10 < tiny.components_for_90 < 40
    assert tiny.projected.shape == (400, 2)


def test_artifacts_and_cli(tiny, tmp_path: Path, capsys) -> None:
    written = cluster_digits.save_artifacts(tiny, tmp_path)
    assert all(path.stat().st_size > 5_000 for key, path in written.items() if key != "metrics")
    metrics = json.loads(written["metrics"].read_text())
    assert metrics["adjusted_rand_index_k10"] == pytest.approx(tiny.ari_k10)
    assert cluster_digits.main(["--smoke", "--n-init", "0", "--out", str(tmp_path / "x")]) == 2
    assert capsys.readouterr().err == "error: n_init must be >= 1, got 0\n"
