"""Every model route: a real success, and each kind of bad input answered 4xx with a reason."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from m2_classical_ml.persistence import load_model
from m5_agents_mlops.serve.app import create_app
from m5_agents_mlops.serve.demo import PASSENGER, png_bytes, sample_digits
from m5_agents_mlops.serve.predictors import MnistPredictor
from m5_agents_mlops.serve.services import Services


@pytest.fixture(scope="module")
def digits(checkpoint: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Real test digits, their labels, and the checkpoint's own offline probabilities."""
    images, labels = sample_digits(16)
    return images, labels, MnistPredictor(checkpoint).predict(images)


def reason(response) -> str:  # type: ignore[no-untyped-def]
    return json.dumps(response.json()["detail"])


def test_mnist_json_arrays_match_the_offline_model(client: TestClient, digits) -> None:  # type: ignore[no-untyped-def]
    images, labels, offline = digits
    response = client.post("/v1/predict/mnist", json={"images": images.tolist()})
    assert response.status_code == 200
    body = response.json()
    served = np.array([p["probabilities"] for p in body["predictions"]])
    np.testing.assert_allclose(served, offline, atol=1e-5)
    assert [p["digit"] for p in body["predictions"]] == offline.argmax(axis=1).tolist()
    assert np.mean(offline.argmax(axis=1) == labels) >= 0.6  # a tiny model that did learn
    assert body["source"].endswith("best.pt")


def test_mnist_png_uploads_and_a_raw_png_body(client: TestClient, digits) -> None:  # type: ignore[no-untyped-def]
    images, _, offline = digits
    files = [("files", (f"{i}.png", png_bytes(d), "image/png")) for i, d in enumerate(images[:4])]
    response = client.post("/v1/predict/mnist", files=files)
    assert response.status_code == 200, response.text
    # A file already 28×28 and centred survives the MNIST preparation nearly unchanged.
    assert [p["digit"] for p in response.json()["predictions"]] == offline[:4].argmax(1).tolist()
    # Dark ink on white paper at another size: inverted and rescaled, still the same digit.
    photo = Image.fromarray(255 - images[0]).resize((140, 140))
    buffer = io.BytesIO()
    photo.convert("RGB").save(buffer, format="JPEG", quality=95)
    raw = client.post("/v1/predict/mnist", content=buffer.getvalue(),
                      headers={"content-type": "image/jpeg"})  # fmt: skip
    assert raw.status_code == 200, raw.text
    assert raw.json()["predictions"][0]["digit"] == int(offline[0].argmax())


def bomb_png(width: int, height: int) -> bytes:
    """A valid PNG header that claims a huge image (a decompression bomb's first bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    pixels = zlib.compress(b"\x00" * 64)  # far fewer rows than claimed: cheap to send
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("kwargs", "status", "words"),
    [
        ({"json": {"images": [[[0] * 28] * 27]}}, 422, "at least 28"),
        ({"json": {"images": [[[300] * 28] * 28]}}, 422, "less than or equal to 255"),
        ({"json": {"images": []}}, 422, "at least 1"),
        ({"json": {"images": [[[0] * 28] * 28] * 65}}, 422, "at most 64"),
        ({"json": {"image": [[[0] * 28] * 28]}}, 422, "Extra inputs"),
        ({"json": {"images": [[[True] * 28] * 28]}}, 422, "valid number"),
        ({"content": b'{"images": [[[NaN', "headers": {"content-type": "application/json"}},
         422, "json"),
        ({"content": b"hello", "headers": {"content-type": "text/plain"}}, 415, "unsupported"),
        ({"content": b"GIF89a....", "headers": {"content-type": "image/png"}}, 422, "not a PNG"),
        ({"content": bomb_png(60000, 60000), "headers": {"content-type": "image/png"}}, 422,
         "limit"),
        ({"files": [("files", ("x.png", b"\x89PNG\r\n\x1a\nbroken", "image/png"))]}, 422,
         "not a readable image"),
        ({"files": [("files", ("blank.png", png_bytes(np.zeros((28, 28), np.uint8)),
                               "image/png"))]}, 422, "no digit"),
        ({"files": [("other", ("a.txt", b"hi", "text/plain"))]}, 422, "files"),
    ],
)  # fmt: skip
def test_mnist_bad_input_is_a_4xx_with_a_reason(client: TestClient, kwargs, status, words) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/v1/predict/mnist", **kwargs)
    assert response.status_code == status, response.text
    assert words.lower() in reason(response).lower()


def test_titanic_one_passenger_and_a_batch_agree_with_the_pipeline(client, demo_models) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    pipeline = load_model(Path(demo_models["titanic"]))
    crew = [PASSENGER, {**PASSENGER, "pclass": "3rd", "sex": "male", "age": None}]
    one = client.post("/v1/predict/titanic", json=PASSENGER)
    batch = client.post("/v1/predict/titanic", json={"passengers": crew})
    assert one.status_code == batch.status_code == 200, batch.text
    expected = pipeline.predict_proba(pd.DataFrame(crew).astype({"age": float}))[:, 1]
    served = [p["p_survived"] for p in batch.json()["predictions"]]
    np.testing.assert_allclose(served, expected, atol=1e-5)
    assert one.json()["predictions"][0]["p_survived"] == served[0]
    assert served[0] > 0.5 > served[1]  # a first-class woman vs a third-class man


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({**PASSENGER, "pclass": "4th"}, "1st"),
        ({**PASSENGER, "age": -3}, "greater than or equal to 0"),
        ({**PASSENGER, "sibsp": 1.5}, "integer"),
        ({**PASSENGER, "sibsp": True}, "integer"),  # lax pydantic would read true as 1
        ({**PASSENGER, "age": False}, "number"),
        ({**PASSENGER, "fare": 7.25}, "Extra inputs"),
        ({"passengers": []}, "at least 1"),
        ({k: v for k, v in PASSENGER.items() if k != "sex"}, "sex"),
    ],
)
def test_titanic_bad_input(client: TestClient, body, words) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/v1/predict/titanic", json=body)
    assert response.status_code == 422 and words.lower() in reason(response).lower()


def test_embed_returns_unit_vectors_that_rank_meaning(client: TestClient) -> None:
    texts = ["How do I sort a list?", "Sorting a Python list", "The weather is sunny"]
    response = client.post("/v1/embed", json={"texts": texts})
    assert response.status_code == 200
    vectors = np.array(response.json()["embeddings"])
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    for bad in ({"texts": []}, {"texts": ["  "]}, {"texts": ["x" * 5000]}, {"text": ["a"]}):
        assert client.post("/v1/embed", json=bad).status_code == 422


def test_rag_answers_with_citations_and_refuses_off_topic(client: TestClient) -> None:
    asked = client.post(
        "/v1/rag/ask", json={"question": "When does the else clause of a while loop run?"}
    )
    assert asked.status_code == 200
    body = asked.json()
    assert body["answered"] and body["citations"][0]["source"] == "while.txt"
    off_topic = client.post("/v1/rag/ask", json={"question": "How long do I bake sourdough bread?"})
    assert off_topic.status_code == 200 and not off_topic.json()["answered"]
    assert off_topic.json()["refusal"]
    for bad in (
        {"question": ""},
        {"question": "x" * 1001},
        {"question": "ok", "k": 0},
        {"question": "ok", "k": True},
    ):
        assert client.post("/v1/rag/ask", json=bad).status_code == 422


def test_a_missing_model_is_a_503_that_says_how_to_get_it() -> None:
    services = Services(missing={"mnist": "no model at data/runs/train-mnist/best.pt: train one "
                                          "with `uv run train-mnist`"})  # fmt: skip
    with TestClient(create_app(services=services)) as bare:
        response = bare.post("/v1/predict/mnist", json={"images": [[[0] * 28] * 28]})
        assert response.status_code == 503 and "uv run train-mnist" in response.json()["detail"]
        assert bare.post("/v1/predict/titanic", json=PASSENGER).status_code == 503
        assert bare.post("/v1/embed", json={"texts": ["a"]}).status_code == 503
        assert bare.post("/v1/rag/ask", json={"question": "a"}).status_code == 503
        ready = bare.get("/readyz")  # up, but with nothing to serve: no traffic please
        assert ready.status_code == 503 and not any(ready.json()["models"].values())


def test_a_body_over_the_limit_is_a_413(demo_config) -> None:  # type: ignore[no-untyped-def]
    app = create_app(demo_config.replace(max_body_mb=0.01), services=Services())
    with TestClient(app) as small:
        response = small.post("/v1/embed", json={"texts": ["x" * 3000] * 5})
        assert response.status_code == 413 and "limit" in response.json()["detail"]
        chunked = small.post("/v1/embed", content=iter([b'{"texts": ["', b"x" * 20000, b'"]}']),
                             headers={"content-type": "application/json"})  # fmt: skip
        assert chunked.status_code == 413
