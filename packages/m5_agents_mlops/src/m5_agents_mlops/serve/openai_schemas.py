"""The wire format of OpenAI's chat API as pydantic models: what ``openai_api`` accepts and sends.

Every OpenAI client (the official SDK, LangChain, month 4's own backend, curl scripts) speaks this
shape, so a server that accepts it is a drop-in replacement: point the client's ``base_url`` here.

Two policies shape the request models:

- **no silent drops.** A parameter we cannot honour is refused (400), one that changes nothing is
  ignored; ``openai_options.py`` says which is which. Nested objects ignore extra keys.
- **strict on size.** A public endpoint must bound what one request can cost: at most
  ``MAX_MESSAGES`` messages, ``MAX_PROMPT_CHARS`` characters of prompt (messages, tool-call
  arguments, tool and response schemas together: they all go into the model's context or its
  grammar), ``MAX_TOKENS`` new tokens and ``MAX_TOOLS`` tools. Breaking a limit is a 422 whose
  message says which one.

The response models (``ChatCompletion``, ``ModelList``, ``ErrorResponse``) document the answers in
the OpenAPI schema; the route builds the JSON itself, and the tests check it against these models.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from m5_agents_mlops.serve.openai_options import (
    ResponseFormat,
    Stop,
    Tolerant,
    response_schema,
    stop_list,
    unsupported_parameter,
)

MAX_MESSAGES = 256
MAX_PROMPT_CHARS = 32_000
"""≈ 8,000 tokens of English at ≈ 4 characters a token: the largest window the local models have."""
MAX_TOKENS = 4096
MAX_TOOLS = 64
TOOL_NAME = r"^[A-Za-z0-9_-]{1,64}$"
"""OpenAI's own rule for function names."""


class TextPart(Tolerant):
    """One part of a multi-part content list. Only text: this server has no vision model."""

    type: Literal["text"]
    text: str


class FunctionCall(Tolerant):
    name: str = Field(pattern=TOOL_NAME)
    arguments: str = Field(description="The arguments as a JSON object, encoded as a string.")


class ToolCallSpec(Tolerant):
    """A call the assistant made, as the client sends it back in the history."""

    id: str = Field(min_length=1, max_length=256)
    type: Literal["function"] = "function"
    function: FunctionCall

    @model_validator(mode="after")
    def _arguments_are_an_object(self) -> ToolCallSpec:
        # Checked here so a malformed history is a 422, not an exception deep in a backend.
        try:
            value = json.loads(self.function.arguments or "{}")
        except json.JSONDecodeError as error:
            raise ValueError(f"tool call {self.id}: arguments are not JSON ({error})") from None
        if not isinstance(value, dict):
            raise ValueError(f"tool call {self.id}: arguments must be a JSON object")
        return self


class _Turn(Tolerant):
    role: str
    content: str | list[TextPart]

    @property
    def text(self) -> str:
        """The content as one string (text parts joined, as OpenAI concatenates them)."""
        if isinstance(self.content, list):
            return "".join(part.text for part in self.content)
        return self.content or ""

    def to_m4(self) -> dict[str, Any]:
        """The message in month 4's ``Message`` shape (OpenAI's, with plain-text content)."""
        return {"role": self.role, "content": self.text}


class SystemMessage(_Turn):
    """Instructions. ``developer`` is OpenAI's newer name for ``system`` and is treated as one."""

    role: Literal["system", "developer"]

    def to_m4(self) -> dict[str, Any]:
        return {"role": "system", "content": self.text}


class UserMessage(_Turn):
    role: Literal["user"]


class AssistantTurn(_Turn):
    """An earlier answer: text, or the tool calls the model made (then ``content`` may be null)."""

    role: Literal["assistant"]
    content: str | list[TextPart] | None = None
    tool_calls: list[ToolCallSpec] | None = Field(None, max_length=MAX_TOOLS)

    def to_m4(self) -> dict[str, Any]:
        message = super().to_m4()
        if self.tool_calls:
            message["tool_calls"] = [call.model_dump() for call in self.tool_calls]
        return message


class ToolMessage(_Turn):
    """What a tool returned, tied by ``tool_call_id`` to the call that asked for it."""

    role: Literal["tool"]
    tool_call_id: str = Field(min_length=1, max_length=256)

    def to_m4(self) -> dict[str, Any]:
        return {**super().to_m4(), "tool_call_id": self.tool_call_id}


ChatMessage = Annotated[
    SystemMessage | UserMessage | AssistantTurn | ToolMessage, Field(discriminator="role")
]
"""One turn; ``role`` says which kind (OpenAI's schema is the same tagged union)."""


class FunctionSpec(Tolerant):
    name: str = Field(pattern=TOOL_NAME)
    description: str = Field("", max_length=4096)
    parameters: dict[str, Any] = Field(
        default_factory=lambda: {"type": "object", "properties": {}},
        description="A JSON Schema of type object.",
    )

    @model_validator(mode="after")
    def _parameters_are_an_object_schema(self) -> FunctionSpec:
        if self.parameters.get("type", "object") != "object":
            raise ValueError(f"tool {self.name}: parameters must be a JSON Schema of type object")
        return self


class ToolSpec(Tolerant):
    type: Literal["function"] = "function"
    function: FunctionSpec


class StreamOptions(Tolerant):
    include_usage: bool = False


class ChatCompletionRequest(BaseModel):
    """``POST /v1/chat/completions``. Other parameters: see ``unsupported`` (400 or ignored)."""

    # allow: undeclared parameters are kept in ``model_extra`` for ``unsupported`` to judge.
    model_config = ConfigDict(extra="allow", strict=True)

    model: str = Field(min_length=1, max_length=256)
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    max_tokens: int | None = Field(None, ge=1, le=MAX_TOKENS)
    max_completion_tokens: int | None = Field(
        None, ge=1, le=MAX_TOKENS, description="OpenAI's newer name for max_tokens; wins if both."
    )
    temperature: float | None = Field(None, ge=0.0, le=2.0)
    seed: int | None = Field(None, ge=0, le=2**32 - 1)
    n: int = Field(1, ge=1, le=1, description="Only one choice per request is supported.")
    stream: bool = False
    stream_options: StreamOptions | None = None
    tools: list[ToolSpec] | None = Field(None, max_length=MAX_TOOLS)
    tool_choice: Literal["auto", "none"] | None = Field(
        None,
        description='"auto" (the default with tools) or "none"; forcing a tool is not supported.',
    )
    stop: Stop | None = None
    response_format: ResponseFormat | None = None

    @model_validator(mode="after")
    def _within_limits(self) -> ChatCompletionRequest:
        names = [tool.function.name for tool in self.tools or ()]
        if duplicated := sorted({name for name in names if names.count(name) > 1}):
            raise ValueError(f"two tools share a name: {', '.join(duplicated)}")
        if (size := self.prompt_chars()) > MAX_PROMPT_CHARS:
            raise ValueError(
                f"the prompt is {size:,} characters (messages, tool calls and tool schemas "
                f"together); this server accepts at most {MAX_PROMPT_CHARS:,}"
            )
        return self

    def prompt_chars(self) -> int:
        """Characters of everything that goes into the model's context."""
        size = sum(len(message.text) for message in self.messages)
        for message in self.messages:
            calls = getattr(message, "tool_calls", None) or ()
            size += sum(len(call.function.arguments) for call in calls)
        size += sum(len(json.dumps(tool.model_dump())) for tool in self.tools or ())
        schema = response_schema(self.response_format)
        return size + (len(json.dumps(schema)) if schema else 0)

    @property
    def token_limit(self) -> int | None:
        return self.max_completion_tokens or self.max_tokens

    def options(self) -> dict[str, Any]:
        """The m4 ``ChatModel`` options the client set (unset ones keep the backend's defaults)."""
        options = {
            "max_tokens": self.token_limit,
            "temperature": self.temperature,
            "seed": self.seed,
            "stop": stop_list(self.stop) or None,
            "response_format": response_schema(self.response_format),
        }
        return {name: value for name, value in options.items() if value is not None}

    def unsupported(self) -> tuple[str, str] | None:
        """``(parameter, why)`` for the first parameter sent that this server refuses."""
        return unsupported_parameter(self.model_extra or {})

    def m4_tools(self) -> list[dict[str, Any]] | None:
        """The tools to offer the model: none when absent or when ``tool_choice`` is ``none``."""
        if not self.tools or self.tool_choice == "none":
            return None
        return [tool.model_dump() for tool in self.tools]


# ---------- responses (documentation and test oracles) ------------------------------------------


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ReplyMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str | None
    tool_calls: list[ToolCallSpec] | None = None


class Choice(BaseModel):
    index: int
    message: ReplyMessage
    finish_reason: Literal["stop", "length", "tool_calls"]
    logprobs: None = None


class ChatCompletion(BaseModel):
    """A whole answer (``stream: false``). Streams send ``chat.completion.chunk`` events instead."""

    id: str
    object: Literal["chat.completion"]
    created: int
    model: str
    choices: list[Choice]
    usage: Usage


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class ErrorBody(BaseModel):
    message: str
    type: str
    code: str | None = None
    param: str | None = None


class ErrorResponse(BaseModel):
    """OpenAI's error shape, which its clients turn into a typed exception with this message."""

    error: ErrorBody
