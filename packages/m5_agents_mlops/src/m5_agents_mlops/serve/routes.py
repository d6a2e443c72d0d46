"""The model routes: MNIST and Titanic predictions (months 2–3), embeddings and RAG (month 4).

Each route checks its input (``schemas.py``), takes its model from ``app.state.services`` (503 if
it is not loaded) and runs the model off the event loop: a thread for PyTorch and scikit-learn,
which release the GIL while they compute, so the loop keeps accepting requests meanwhile.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd
from fastapi import APIRouter, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from m4_genai.rag import answer
from m5_agents_mlops.serve.chat_turns import chat_turn, with_time_budget
from m5_agents_mlops.serve.predictors import MAX_IMAGE_BYTES, decode_digits
from m5_agents_mlops.serve.schemas import (
    MAX_DIGITS,
    AskRequest,
    AskResponse,
    Citation,
    DigitPrediction,
    EmbedRequest,
    EmbedResponse,
    MnistArrays,
    MnistResponse,
    Passenger,
    Passengers,
    SurvivalPrediction,
    TitanicResponse,
    request_body,
)
from m5_agents_mlops.serve.services import Services, loaded_model
from m5_agents_mlops.serve.telemetry import Metrics

router = APIRouter(prefix="/v1", tags=["models"])

IMAGE_TYPES = ("image/png", "image/jpeg")
UPLOAD_SCHEMA = {
    "type": "object",
    "properties": {
        "files": {
            "type": "array",
            "items": {"type": "string", "format": "binary"},
            "minItems": 1,
            "maxItems": MAX_DIGITS,
        }
    },
    "required": ["files"],
}
MNIST_BODY = request_body(
    **{"application/json": {"schema": MnistArrays.model_json_schema()}},
    **{"multipart/form-data": {"schema": UPLOAD_SCHEMA}},
    **{kind: {"schema": {"type": "string", "format": "binary"}} for kind in IMAGE_TYPES},
)


def state(request: Request) -> tuple[Services, Metrics]:
    return request.app.state.services, request.app.state.metrics


async def read_digits(request: Request) -> np.ndarray:
    """The request's digits as uint8 (N, 28, 28), whichever of the three body kinds it sent."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            payload = MnistArrays.model_validate_json(await request.body())
        except ValidationError as error:
            # No `input` echo: it may be bytes that are not UTF-8, which no JSON answer can hold.
            raise RequestValidationError(
                error.errors(include_url=False, include_input=False)
            ) from None
        return np.rint(np.asarray(payload.images, dtype=np.float32)).astype(np.uint8)
    if kind == "multipart/form-data":
        async with request.form(max_files=MAX_DIGITS, max_fields=MAX_DIGITS) as form:
            files = [item for item in form.getlist("files") if isinstance(item, UploadFile)]
            if not files:
                raise HTTPException(422, "multipart body without image files in the field `files`")
            blobs = [(await f.read(MAX_IMAGE_BYTES + 1), f.filename or f"files[{i}]")
                     for i, f in enumerate(files)]  # fmt: skip
        return await run_in_threadpool(decode_digits, blobs)
    if kind in IMAGE_TYPES:
        body = await request.body()
        if not body:
            raise HTTPException(422, "empty image body")
        return await run_in_threadpool(decode_digits, [(body, "body")])
    accepted = ", ".join(["application/json", "multipart/form-data", *IMAGE_TYPES])
    raise HTTPException(415, f"unsupported content type {kind or '(none)'!r}; send {accepted}")


async def mnist_probabilities(
    services: Services, metrics: Metrics, images: np.ndarray
) -> np.ndarray:
    """(N, 10) probabilities, through the micro-batcher when there is one."""
    if services.mnist_batcher is not None:
        return await services.mnist_batcher.submit(images)
    start = time.perf_counter()
    probabilities = await run_in_threadpool(services.mnist.predict, images)
    metrics.observe_model("mnist", time.perf_counter() - start, len(images))
    return probabilities


@router.post(
    "/predict/mnist",
    response_model=MnistResponse,
    openapi_extra=MNIST_BODY,
    responses={
        415: {"description": "Not JSON, multipart or a PNG/JPEG body."},
        422: {
            "description": "Arrays of the wrong shape or range, or an image that cannot be "
            "read or holds no digit (the detail says which)."
        },
    },
)
async def predict_mnist(request: Request) -> MnistResponse:
    """Classify handwritten digits: JSON arrays of grey levels, or PNG/JPEG files of any size
    (prepared like MNIST: inverted if dark on light, cropped, scaled into 20×20, centred)."""
    services, metrics = state(request)
    predictor = loaded_model(services, "mnist")
    images = await read_digits(request)
    probabilities = await mnist_probabilities(services, metrics, images)
    predictions = [
        DigitPrediction(
            digit=int(row.argmax()),
            confidence=float(row.max()),
            probabilities=[round(float(p), 6) for p in row],
        )
        for row in probabilities
    ]
    return MnistResponse(model="mnist", source=predictor.source, predictions=predictions)


@router.post("/predict/titanic", response_model=TitanicResponse)
async def predict_titanic(body: Passenger | Passengers, request: Request) -> TitanicResponse:
    """Chance of surviving the Titanic for one passenger or a batch (month 2's best pipeline)."""
    services, metrics = state(request)
    predictor = loaded_model(services, "titanic")
    rows = body.passengers if isinstance(body, Passengers) else [body]
    frame = pd.DataFrame([row.model_dump() for row in rows]).astype({"age": float})
    start = time.perf_counter()
    p_survived = await run_in_threadpool(predictor.predict, frame)
    metrics.observe_model("titanic", time.perf_counter() - start, len(rows))
    predictions = [SurvivalPrediction(p_survived=round(float(p), 6), survived=bool(p > 0.5))
                   for p in p_survived]  # fmt: skip
    return TitanicResponse(model="titanic", source=predictor.source, predictions=predictions)


@router.post("/embed", response_model=EmbedResponse)
async def embed(body: EmbedRequest, request: Request) -> EmbedResponse:
    """Sentence embeddings (L2-normalised: a dot product is the cosine similarity)."""
    services, metrics = state(request)
    embedder = loaded_model(services, "embedder")
    start = time.perf_counter()
    vectors = await run_in_threadpool(embedder.embed, body.texts)
    metrics.observe_model("embedder", time.perf_counter() - start, len(body.texts))
    return EmbedResponse(model=embedder.name, dim=int(vectors.shape[1]),
                         embeddings=np.round(vectors, 6).tolist())  # fmt: skip


@router.post("/rag/ask", response_model=AskResponse)
async def rag_ask(body: AskRequest, request: Request) -> AskResponse:
    """Answer from the indexed documents with ``[n]`` citations, or say "I don't know"."""
    services, metrics = state(request)
    rag = loaded_model(services, "rag")
    chat = loaded_model(services, "chat")
    config = dataclasses.replace(
        rag.config, k=body.k, candidates=max(rag.config.candidates, body.k)
    )
    budgeted = with_time_budget(chat, services.chat_timeout_s)
    async with chat_turn(services, request):  # one generation at a time, in bounded turns
        result = await run_in_threadpool(answer, body.question, rag.searcher, budgeted, config)
    if result.chat is not None:
        metrics.observe_model(services.chat_name, result.llm_seconds)
        metrics.tokens.labels(model=services.chat_name).inc(result.chat.completion_tokens)
        metrics.prompt_tokens.labels(model=services.chat_name).inc(result.chat.prompt_tokens)
    citations = [
        Citation(
            number=n,
            source=hit.chunk.source,
            citation=hit.chunk.citation,
            similarity=round(float(hit.similarity), 4),
            text=hit.chunk.text[:1000],
        )
        for n, hit in enumerate(result.hits, start=1)
    ]
    return AskResponse(
        answer=result.text, answered=result.answered, refusal=result.refusal, citations=citations,
        retrieval_seconds=result.retrieval_seconds, llm_seconds=result.llm_seconds,
    )  # fmt: skip
