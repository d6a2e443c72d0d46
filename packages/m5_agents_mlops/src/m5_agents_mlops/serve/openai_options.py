"""What a chat request may ask of the model besides the conversation, and what this server refuses.

OpenAI's chat API has some thirty request parameters. A compatible server must not pretend to
honour one it drops: the client gets an answer it did not ask for (``stop`` dropped: text past the
stop sequence; ``response_format`` dropped: prose where the client parses JSON). So every
top-level parameter falls in one of three groups:

- **honoured**, declared in ``ChatCompletionRequest``: ``model``, ``messages``, ``max_tokens``
  (``max_completion_tokens``), ``temperature``, ``seed``, ``n`` (1), ``stream``,
  ``stream_options``, ``tools``, ``tool_choice`` (``auto``/``none``), ``stop`` and
  ``response_format`` (mapped to m4 ``ChatModel`` options by ``stop_list``/``response_schema``).
- **harmless to ignore** (``IGNORED``): they do not change the answer. ``user`` and
  ``safety_identifier`` tag requests for abuse tracking, ``metadata`` and ``store`` are for
  OpenAI's stored completions (we store nothing), ``prompt_cache_key`` and ``service_tier`` are
  caching and billing hints, and ``parallel_tool_calls``: the local model makes at most one call a
  turn, so ``false`` is honoured and ``true`` only permits.
- **refused** with 400 ``unsupported_parameter`` (``openai_errors.py``): everything else, names
  OpenAI does not know included (as OpenAI answers "Unrecognized request argument"). A parameter
  at its neutral value (``NEUTRAL``: ``top_p: 1``, ``logprobs: false``...) asks for nothing and
  passes, and so does ``null``: some clients send those defaults with every request.

Nested objects (a message, a tool) stay tolerant (``Tolerant``): an extra key there, such as a
message's ``name``, changes nothing we generate.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_STOP = 4
"""OpenAI's limit on stop sequences."""
MAX_STOP_CHARS = 256
IGNORED = frozenset(
    {
        "user",
        "safety_identifier",
        "metadata",
        "store",
        "prompt_cache_key",
        "service_tier",
        "parallel_tool_calls",
    }
)
"""Parameters that change nothing we generate (the module docstring says why, one by one)."""
NEUTRAL: dict[str, Any] = {
    "top_p": 1,
    "frequency_penalty": 0,
    "presence_penalty": 0,
    "logprobs": False,
    "top_logprobs": 0,
    "logit_bias": {},
    "modalities": ["text"],
}
"""Known parameters that pass at exactly this value (it asks for nothing); refused otherwise."""
KNOWN = frozenset(
    {
        *NEUTRAL,
        "audio",
        "functions",
        "function_call",
        "prediction",
        "reasoning_effort",
        "verbosity",
        "web_search_options",
    }
)
"""OpenAI's parameters this server cannot honour (the message then says so)."""


class Tolerant(BaseModel):
    """A nested request object: unknown keys ignored (see the module docstring)."""

    # strict: JSON types as declared (``"stream": 0`` is not a boolean), as the schema promises.
    model_config = ConfigDict(extra="ignore", strict=True)


StopText = Annotated[str, Field(min_length=1, max_length=MAX_STOP_CHARS)]
Stop = StopText | Annotated[list[StopText], Field(max_length=MAX_STOP)]
"""``stop``: one sequence or up to four; generation ends before the first one that appears."""


class JsonSchemaFormat(Tolerant):
    name: str = Field("reply", pattern=r"^[A-Za-z0-9_-]{1,64}$")
    description: str | None = Field(None, max_length=4096)
    schema_: dict[str, Any] = Field(
        default_factory=lambda: {"type": "object"},
        alias="schema",
        description="The JSON Schema the reply must match (default: any JSON object).",
    )
    strict: bool | None = Field(
        None, description="Accepted either way: decoding is always constrained to the schema."
    )


class TextFormat(Tolerant):
    type: Literal["text"]


class JsonObjectFormat(Tolerant):
    type: Literal["json_object"]


class JsonSchemaResponseFormat(Tolerant):
    type: Literal["json_schema"]
    json_schema: JsonSchemaFormat


ResponseFormat = Annotated[
    TextFormat | JsonObjectFormat | JsonSchemaResponseFormat, Field(discriminator="type")
]
"""``response_format``: free text (the default), any JSON object, or JSON matching a schema."""


def response_schema(spec: ResponseFormat | None) -> dict[str, Any] | None:
    """The JSON Schema to constrain the reply to (m4's ``response_format`` option takes a schema
    dict or a pydantic class), or None for free text."""
    if isinstance(spec, JsonSchemaResponseFormat):
        return spec.json_schema.schema_
    if isinstance(spec, JsonObjectFormat):
        return {"type": "object"}
    return None


def stop_list(stop: Stop | None) -> list[str]:
    """``stop`` as m4's option takes it: a list (empty: none)."""
    if stop is None:
        return []
    return [stop] if isinstance(stop, str) else list(stop)


def _neutral(name: str, value: Any) -> bool:
    neutral = NEUTRAL.get(name, ...)
    # bool is an int in Python: `logprobs: 0` or `top_p: true` are not the neutral value.
    return value == neutral and isinstance(value, bool) == isinstance(neutral, bool)


def unsupported_parameter(extra: dict[str, Any]) -> tuple[str, str] | None:
    """The first of ``extra`` (the parameters a request sent beyond the declared ones) that this
    server refuses, and why; None when it may ignore them all."""
    for name, value in extra.items():
        if name in IGNORED or value is None or _neutral(name, value):
            continue
        if name not in KNOWN:
            return name, f"Unrecognized request argument supplied: {name}"
        only = f" (only {json.dumps(NEUTRAL[name])} is accepted)" if name in NEUTRAL else ""
        return name, f"this server cannot honour {name!r}{only}: leave it out"
    return None
