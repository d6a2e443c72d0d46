"""Request and response bodies: every limit a client can hit is written here, once.

pydantic checks each request before a route runs, and FastAPI turns a failed check into a 422
whose ``detail`` names the field and the rule (``images.0.3: List should have at least 28 items``).
The same models produce the OpenAPI schema that ``/docs`` shows and that schemathesis fuzzes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

MAX_DIGITS = 64
"""Most digits per MNIST request (the micro-batcher's default batch)."""
MAX_PASSENGERS = 1000
MAX_TEXTS = 64
MAX_TEXT_CHARS = 4000
MAX_QUESTION_CHARS = 1000


class Strict(BaseModel):
    """Unknown fields are an error: a typo (``image`` for ``images``) must not pass silently.

    Numbers take JSON numbers only: pydantic's default (lax) mode would read ``true`` as 1 and
    ``"3"`` as 3, so ``"sibsp": true`` would be a passenger with one sibling. The schema says
    integer/number, and a boolean or a string is neither.
    """

    model_config = ConfigDict(extra="forbid")


def _json_integer(value: Any) -> Any:
    """Let only JSON numbers through to pydantic's integer check. ``strict=True`` would do it
    for floats (``float`` below), but a strict int also refuses ``4.0``, which JSON Schema counts
    as the integer 4, so a schema-valid request would be refused."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Input should be a valid integer (a JSON number, not a boolean or text)")
    return value


Count = Annotated[int, BeforeValidator(_json_integer)]
"""A whole number (a float with no fraction, like 4.0, is read as 4); bounds are per field."""
Pixel = Annotated[float, Field(ge=0, le=255, allow_inf_nan=False, strict=True)]
PixelRow = Annotated[list[Pixel], Field(min_length=28, max_length=28)]
DigitImage = Annotated[list[PixelRow], Field(min_length=28, max_length=28)]


class MnistArrays(Strict):
    """Digits as arrays: 28 rows of 28 grey levels, 0 (black) to 255 (white), white digit on
    black as in MNIST. PNG/JPEG files go as multipart ``files`` (or one raw ``image/png`` body)."""

    images: list[DigitImage] = Field(min_length=1, max_length=MAX_DIGITS)


class DigitPrediction(BaseModel):
    digit: int = Field(ge=0, le=9)
    confidence: float
    probabilities: list[float] = Field(min_length=10, max_length=10)


class ModelInfo(BaseModel):
    model: str
    source: str
    """The file or ``models:/`` URI the model was loaded from."""


class MnistResponse(ModelInfo):
    predictions: list[DigitPrediction]


class Passenger(Strict):
    """One passenger, in the words of the training data (month 2's ``titanic``)."""

    pclass: Literal["1st", "2nd", "3rd"]
    sex: Literal["female", "male"]
    age: float | None = Field(default=None, ge=0, le=120, allow_inf_nan=False, strict=True)
    """Years; null when unknown (imputed from class and sex, as in training)."""
    sibsp: Count = Field(ge=0, le=20)
    """Siblings and spouses aboard."""
    parch: Count = Field(ge=0, le=20)
    """Parents and children aboard."""


class Passengers(Strict):
    passengers: list[Passenger] = Field(min_length=1, max_length=MAX_PASSENGERS)


class SurvivalPrediction(BaseModel):
    p_survived: float = Field(ge=0, le=1)
    survived: bool


class TitanicResponse(ModelInfo):
    predictions: list[SurvivalPrediction]


NonBlank = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT_CHARS, pattern=r"\S")]
"""Text with at least one visible character (the pattern is in the schema clients read)."""


class EmbedRequest(Strict):
    texts: list[NonBlank] = Field(min_length=1, max_length=MAX_TEXTS)


class EmbedResponse(BaseModel):
    model: str
    dim: int
    embeddings: list[list[float]]


Question = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_QUESTION_CHARS, pattern=r"\S")
]


class AskRequest(Strict):
    question: Question
    k: Count = Field(default=3, ge=1, le=10)
    """Sources retrieved and shown to the model."""


class Citation(BaseModel):
    number: int
    """The ``[n]`` the answer uses."""
    source: str
    citation: str
    """``path:line`` or ``path (p. N)``."""
    similarity: float
    text: str


class AskResponse(BaseModel):
    answer: str
    answered: bool
    """False: "I don't know" without asking the model (``refusal`` says why)."""
    refusal: str
    citations: list[Citation]
    retrieval_seconds: float
    llm_seconds: float


class Readiness(BaseModel):
    ready: bool
    models: dict[str, bool]
    missing: dict[str, str]
    sources: dict[str, str]


def request_body(**content: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` for a route that reads its body itself (several content types)."""
    return {"requestBody": {"required": True, "content": content}}
