"""Applies to every test in the workspace: no network, headless plots, offline model hubs."""

from __future__ import annotations

import pytest

from roadmap_data.testing import block_network

OFFLINE_ENV = {
    "MPLBACKEND": "Agg",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "ANONYMIZED_TELEMETRY": "False",
    "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
}


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Block every non-loopback connection and make hubs offline, in this process and children.
    MLflow gets a store of the test's own: a run logged without naming one must not land in
    the clone's data/mlruns, nor in MLflow's own default (./mlflow.db in the working folder)."""
    for key, value in OFFLINE_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", tmp_path_factory.mktemp("mlruns").as_uri())
    block_network(monkeypatch)
