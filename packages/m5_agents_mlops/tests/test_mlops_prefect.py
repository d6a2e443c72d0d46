"""The retraining flow's steps against a real MLflow registry and real MNIST test digits.

The whole flow (Prefect's temporary server, task and flow states, a real training run registered
and verified) runs in the console-script smoke test, ``retrain-mnist --smoke``, in a subprocess:
starting Prefect's server and training cost seconds that every test here would pay again. These
tests call the steps the tasks wrap, on the paths a smoke run does not take.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from m3_deep_learning.checkpoint import save_checkpoint
from m3_deep_learning.mnist.data import MEAN, STD
from m3_deep_learning.mnist.models import build_model
from m5_agents_mlops.cli.retrain_mnist import RetrainConfig
from m5_agents_mlops.mlops.retrain_flow import (
    METRIC,
    RegistryMismatchError,
    RetrainRequest,
    configure_prefect,
    verify_served_champion,
)
from roadmap_data.errors import ConfigError
from roadmap_data.runkit.registry import Registration, champion_of, register_version


def test_prefect_home_defaults_to_the_data_dir_and_a_users_choice_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AI_ROADMAP_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("PREFECT_HOME", raising=False)
    monkeypatch.delenv("PREFECT_SERVER_ANALYTICS_ENABLED", raising=False)
    home = configure_prefect()
    assert home == tmp_path / "data" / "prefect" and home.is_dir()  # parents made too
    assert os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"  # offline: no telemetry
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "mine"))
    assert configure_prefect(tmp_path / "flag") == tmp_path / "mine"


def test_the_smoke_preset_never_touches_the_real_model_name() -> None:
    assert RetrainConfig.preset("tiny").name == "mnist-smoke"
    assert RetrainConfig.preset("cpu").name == "mnist"
    with pytest.raises(ConfigError, match="not a model name"):
        RetrainConfig(name="mnist@champion")


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh MLflow store; downloaded versions cached under tmp_path, not in data/."""
    from roadmap_data.runkit import registry

    monkeypatch.setattr(registry, "default_cache", lambda: tmp_path / "mlflow-cache")
    return (tmp_path / "mlruns").as_uri()


def register_checkpoint(folder: Path, store: str, score: float) -> Registration:
    """An untrained CNN (the registry rule reads only the score tag; loading needs the file)."""
    (folder / "artifacts").mkdir(parents=True)
    save_checkpoint(folder / "artifacts" / "best.pt", "cnn", build_model("cnn"), epoch=0,
                    mean=MEAN, std=STD)  # fmt: skip
    return register_version(str(folder), "digits", metric=METRIC, score=score, tracking_uri=store)


def test_the_served_champion_must_score_what_it_was_registered_with(
    tmp_path: Path, store: str
) -> None:
    request = RetrainRequest(name="digits", test_size=200, mlflow_uri=store)
    assert champion_of("digits", METRIC, store) is None  # the flow's first step, before any
    claimed = register_checkpoint(tmp_path / "v1", store, score=0.5)
    assert champion_of("digits", METRIC, store) == (1, 0.5)
    # Another run's registration (it made no champion): the champion's figure is only reported.
    served, digits = verify_served_champion(request, dataclasses.replace(claimed, version=7))
    assert digits == 200  # the request's test_size
    assert 0.0 <= served < 0.3  # untrained weights, ten classes: near chance
    # This run made the champion: it must score what it was registered with...
    truthful = dataclasses.replace(claimed, score=served)
    assert verify_served_champion(request, truthful) == (served, 200)
    # ...and the 0.5 claimed is not what the stored model scores: the run fails before anyone
    # serves a model other than the one evaluated.
    with pytest.raises(RegistryMismatchError, match=r"digits@champion \(version 1\) scores"):
        verify_served_champion(request, claimed)

    # A weaker version is kept, not served: the check then reports the champion's figure.
    weaker = register_checkpoint(tmp_path / "v2", store, score=0.05)
    assert (weaker.version, weaker.champion_version) == (2, 1)
    assert verify_served_champion(request, weaker) == (served, 200)
