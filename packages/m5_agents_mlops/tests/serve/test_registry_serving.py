"""Train → register → serve → predict: the registry decides which file the server loads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from m2_classical_ml.titanic import main as titanic_main
from m3_deep_learning.mnist.train import main as train_mnist_main
from m5_agents_mlops.serve.app import create_app
from m5_agents_mlops.serve.config import ServeConfig
from m5_agents_mlops.serve.demo import PASSENGER, sample_digits
from m5_agents_mlops.serve.predictors import MnistPredictor, TitanicPredictor
from roadmap_data.runkit.registry import ModelRegistryError, resolve_model_file


@pytest.mark.slow
def test_train_register_serve_predict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = (tmp_path / "mlruns").as_uri()
    # Downloads go to <data dir>/mlflow-cache by default: keep this test's out of the real one.
    monkeypatch.setattr("roadmap_data.runkit.registry.default_cache", lambda: tmp_path / "cache")
    assert train_mnist_main(["--smoke", "--model", "mlp", "--epochs", "1", "--train-size", "500",
                             "--register", "--mlflow-uri", store, "--out", str(tmp_path / "m")]) == 0  # fmt: skip
    assert titanic_main(["--smoke", "--register", "--mlflow-uri", store,
                         "--out", str(tmp_path / "t")]) == 0  # fmt: skip
    config = ServeConfig(mnist="models:/mnist@champion", titanic="models:/titanic/1",
                         mlflow_uri=store, embedder=False, llm="scripted")  # fmt: skip
    images, _ = sample_digits(8)
    offline = MnistPredictor(resolve_model_file("models:/mnist@champion", "best.pt", store))
    titanic = TitanicPredictor(resolve_model_file("models:/titanic/1", "model.skops", store))
    with TestClient(create_app(config)) as client:
        sources = client.get("/readyz").json()["sources"]
        assert sources["mnist"] == "models:/mnist@champion (version 1)"
        assert sources["titanic"] == "models:/titanic/1 (version 1)"
        served = client.post("/v1/predict/mnist", json={"images": images.tolist()}).json()
        probabilities = np.array([p["probabilities"] for p in served["predictions"]])
        np.testing.assert_allclose(probabilities, offline.predict(images), atol=1e-5)
        assert served["source"] == "models:/mnist@champion"
        passenger = client.post("/v1/predict/titanic", json=PASSENGER).json()["predictions"][0]
    import pandas as pd

    expected = titanic.predict(pd.DataFrame([PASSENGER]).astype({"age": float}))[0]
    assert passenger["p_survived"] == pytest.approx(expected, abs=1e-5)


def test_an_unknown_registered_model_stops_start_up(tmp_path: Path) -> None:
    config = ServeConfig(mnist="models:/nothing@champion", mlflow_uri=(tmp_path / "m").as_uri(),
                         embedder=False, llm="scripted")  # fmt: skip
    with pytest.raises(ModelRegistryError, match="train-mnist"), TestClient(create_app(config)):
        pass
