"""``serve --smoke``: tiny real models made on the spot, then one checked request per route.

The models are small but real: a CNN trained for one epoch on 1,000 MNIST digits, a logistic
regression on Titanic passengers, a MiniLM index of three Python reference sections. Each
response is checked, not just its status: the served digits must equal the model's own offline
predictions, and the streamed chat must end with ``[DONE]``.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from PIL import Image

from m2_classical_ml.persistence import save_model
from m2_classical_ml.titanic import TitanicConfig
from m2_classical_ml.titanic import run as run_titanic
from m3_deep_learning.mnist.config import TrainConfig
from m3_deep_learning.mnist.data import load_mnist_tensors
from m3_deep_learning.mnist.train import run as train_mnist
from m4_genai.golden import write_pydoc_corpus
from m4_genai.retrieval import ChunkIndex, default_embedder, index_files
from m5_agents_mlops.errors import AgentError
from m5_agents_mlops.serve.loading import RAG_COLLECTION
from m5_agents_mlops.serve.predictors import MnistPredictor

TOPICS = ["for", "while", "try"]
QUESTION = "When does the else clause of a while loop run?"
PASSENGER = {"pclass": "1st", "sex": "female", "age": 29, "sibsp": 0, "parch": 0}


def build_demo_models(folder: Path) -> dict[str, Any]:
    """Train the tiny models and build the index under ``folder``; the ServeConfig fields to use."""
    mnist = train_mnist(TrainConfig.preset(
        "tiny", out=folder / "mnist", epochs=1, train_size=1000, test_size=200
    ))  # fmt: skip
    titanic = run_titanic(TitanicConfig.preset("tiny", models=("logistic",), knn_ks=(5,)))
    titanic_path = save_model(titanic.best_model, folder / "titanic" / "model.skops")
    corpus = write_pydoc_corpus(folder / "corpus", TOPICS)
    index = ChunkIndex(folder / "index", RAG_COLLECTION, embedder=default_embedder())
    index_files(index, [(path, path.name) for path in corpus], progress=False)
    return {"mnist": str(mnist.checkpoint), "titanic": str(titanic_path), "index": folder / "index"}


def sample_digits(count: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Real MNIST test digits as uint8 (N, 28, 28) grey levels, and their labels."""
    data = load_mnist_tensors(train_size=10, val_size=0, test_size=count, seed=0)
    return data.raw_test[:count], data.y_test.numpy()[:count]


def png_bytes(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class SmokeReport:
    """One row per request: route, status, milliseconds, what was checked."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    def metrics(self) -> dict[str, Any]:
        return {"requests": self.rows, "all_ok": all(row["ok"] for row in self.rows)}


def exercise(base_url: str, checkpoint: Path) -> SmokeReport:
    """Call every route once and check each answer; AgentError on the first wrong one."""
    report = SmokeReport()
    digits, _ = sample_digits()
    offline = MnistPredictor(checkpoint).predict(digits).argmax(axis=1)

    def check(method: str, path: str, ok: Any, detail: str, **request: Any) -> dict[str, Any]:
        start = time.perf_counter()
        response = client.request(method, path, **request)
        ms = (time.perf_counter() - start) * 1000
        passed = response.status_code == 200 and bool(ok(response))
        report.rows.append({"route": f"{method} {path}", "status": response.status_code,
                            "ms": round(ms, 1), "check": detail, "ok": passed})  # fmt: skip
        if not passed:
            raise AgentError(f"{method} {path}: {response.status_code} {response.text[:300]}")
        return response.json() if "json" in response.headers.get("content-type", "") else {}

    with httpx.Client(base_url=base_url, timeout=120) as client:
        check("GET", "/healthz", lambda r: r.json()["status"] == "ok", "alive")
        check("GET", "/readyz", lambda r: all(r.json()["models"].values()), "all models loaded")
        served = lambda r: [p["digit"] for p in r.json()["predictions"]] == offline.tolist()  # noqa: E731
        check("POST", "/v1/predict/mnist", served, "= offline predictions",
              json={"images": digits.tolist()})  # fmt: skip
        files = [("files", (f"{i}.png", png_bytes(d), "image/png")) for i, d in enumerate(digits)]
        check("POST", "/v1/predict/mnist", served, "PNG uploads = offline", files=files)
        check("POST", "/v1/predict/titanic", lambda r: 0 <= r.json()["predictions"][0]["p_survived"] <= 1,
              "a probability", json=PASSENGER)  # fmt: skip
        check("POST", "/v1/embed", lambda r: r.json()["dim"] == 384, "384-d vectors",
              json={"texts": ["hello", "world"]})  # fmt: skip
        check("POST", "/v1/rag/ask", lambda r: r.json()["citations"], "answer with citations",
              json={"question": QUESTION})  # fmt: skip
        models = check("GET", "/v1/models", lambda r: r.json()["data"], "lists the chat model")
        chat = {
            "model": models["data"][0]["id"],
            "messages": [{"role": "user", "content": "Say hello."}],
        }
        check("POST", "/v1/chat/completions", lambda r: r.json()["choices"], "a completion",
              json=chat)  # fmt: skip
        streamed = lambda r: r.text.rstrip().endswith("data: [DONE]")  # noqa: E731
        check("POST", "/v1/chat/completions", streamed, "SSE ending in [DONE]",
              json={**chat, "stream": True})  # fmt: skip
        check("GET", "/metrics", lambda r: "serve_http_requests_total" in r.text, "Prometheus text")
    return report
