"""Structured output and constrained tool calls: a JSON Schema the model's output *must* match.

A small model asked "reply in JSON" often doesn't: a missing brace, an invented argument name.
llama.cpp (and OpenAI-compatible servers with ``response_format``) can instead turn a JSON Schema
into a grammar and, at every step, allow only the tokens that keep the output valid. The answer is
then valid JSON of the right shape by construction; only its *content* is the model's choice.

- ``schema_of(spec)``: the JSON Schema of a pydantic model class, or a schema dict as given.
- ``tool_reply_schema(tools)``: "call one of these tools with arguments matching its parameters,
  or answer in text", as one schema: ``{"tool": "add", "arguments": {...}}`` or ``{"answer": "..."}``.
- ``read_tool_reply(text, tools)``: that reply back as tool calls or as the answer text.
- ``parse_structured(text, spec)``: the reply checked against the spec (a pydantic instance or a dict);
  ``ask_structured(model, messages, spec)`` does the asking too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pydantic

from m4_genai.errors import LLMError
from m4_genai.llm.base import ToolCall, ToolSpec
from m4_genai.llm.tools import as_tools

ResponseFormat = type[pydantic.BaseModel] | dict[str, Any]
"""What ``chat(..., response_format=...)`` takes: a pydantic model class or a JSON Schema dict."""


def schema_of(spec: ResponseFormat) -> dict[str, Any]:
    """The JSON Schema of ``spec``."""
    if isinstance(spec, type) and issubclass(spec, pydantic.BaseModel):
        return spec.model_json_schema()
    if isinstance(spec, dict):
        return spec
    raise LLMError(f"response_format must be a pydantic model class or a JSON Schema, not {spec!r}")


def openai_response_format(spec: ResponseFormat, name: str = "reply") -> dict[str, Any]:
    """The ``response_format`` request field OpenAI-compatible servers and llama.cpp read."""
    return {"type": "json_schema", "json_schema": {"name": name, "schema": schema_of(spec)}}


def parse_structured(text: str, spec: ResponseFormat) -> Any:
    """The reply as a validated pydantic instance (or the parsed JSON, for a schema dict)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise LLMError(f"the model's reply is not JSON ({error}): {text[:200]!r}") from error
    if isinstance(spec, type) and issubclass(spec, pydantic.BaseModel):
        try:
            return spec.model_validate(value)
        except pydantic.ValidationError as error:
            raise LLMError(f"the model's reply does not match {spec.__name__}: {error}") from error
    return value


def tool_reply_schema(tools: Sequence[ToolSpec]) -> dict[str, Any]:
    """One schema for "call a tool" (any of ``tools``, arguments per its parameters) or "answer"."""
    options: list[dict[str, Any]] = [
        {
            "type": "object",
            "properties": {
                "tool": {"const": tool.name},
                "arguments": _closed(tool.parameters),
            },
            "required": ["tool", "arguments"],
            "additionalProperties": False,
        }
        for tool in as_tools(tools)
    ]
    options.append(
        {
            "type": "object",
            "properties": {"answer": {"type": "string"}},
            "required": ["answer"],
            "additionalProperties": False,
        }
    )
    return {"anyOf": options}


def read_tool_reply(text: str, tools: Sequence[ToolSpec]) -> tuple[list[ToolCall], str]:
    """``(tool calls, answer text)`` from a reply written under ``tool_reply_schema``.

    A reply cut short by the token limit is not valid JSON: it is returned as text, unparsed.
    """
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return [], text
    names = {tool.name for tool in as_tools(tools)}
    if isinstance(value, dict) and value.get("tool") in names:
        return [ToolCall("call_0", value["tool"], dict(value.get("arguments") or {}))], ""
    if isinstance(value, dict) and isinstance(value.get("answer"), str):
        return [], value["answer"]
    return [], text


def _closed(parameters: dict[str, Any]) -> dict[str, Any]:
    """A tool's parameter schema with no extra keys allowed: the model cannot invent arguments."""
    schema = {"type": "object", "properties": {}, **parameters}
    schema.setdefault("additionalProperties", False)
    return schema


def ask_structured(
    model: Any, messages: list[dict[str, Any]], spec: ResponseFormat, **opts: Any
) -> Any:
    """Ask a ChatModel that supports ``response_format`` (llama.cpp, OpenAI-compatible servers)
    for one object of ``spec``; the reply comes back validated."""
    result = model.chat(messages, response_format=spec, **opts)
    return result.parsed if result.parsed is not None else parse_structured(result.text, spec)
