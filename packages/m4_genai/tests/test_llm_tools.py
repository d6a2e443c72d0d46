"""Typed tool specs: written from a function's signature and docstring, arguments checked, and the
untyped OpenAI dict still accepted by every backend."""

from __future__ import annotations

from typing import Literal

import pytest

from m4_genai.errors import LLMError
from m4_genai.llm import Tool, as_tool, as_tools, parse_tool_calls, tool_system_prompt
from m4_genai.llm.structured import read_tool_reply, tool_reply_schema
from m4_genai.llm.tools import parse_docstring


def convert(amount: float, unit: Literal["km", "mi"] = "km", title: str = "") -> str:
    """Convert a distance to metres.

    Args:
        amount: how far, in ``unit``,
            any positive number.
        unit: kilometres or miles.
        title: a label (a parameter named like JSON Schema's own keyword).
    """
    factor = 1000 if unit == "km" else 1609.344
    return f"{title}{amount * factor:.0f} m"


def test_the_spec_comes_from_the_signature_and_the_docstring() -> None:
    tool = Tool.from_function(convert)
    assert (tool.name, tool.description) == ("convert", "Convert a distance to metres.")
    assert tool.parameters == {
        "type": "object",
        "properties": {
            "amount": {
                "type": "number",
                "description": "how far, in ``unit``, any positive number.",
            },
            "unit": {
                "type": "string",
                "enum": ["km", "mi"],
                "default": "km",
                "description": "kilometres or miles.",
            },
            "title": {
                "type": "string",
                "default": "",
                "description": "a label (a parameter named like JSON Schema's own keyword).",
            },
        },
        "required": ["amount"],
    }
    assert tool.to_openai() == {
        "type": "function",
        "function": {
            "name": "convert",
            "description": tool.description,
            "parameters": tool.parameters,
        },
    }


def test_arguments_are_checked_and_converted_before_a_call() -> None:
    tool = Tool.from_function(convert)
    arguments = tool.validate({"amount": "2.5"})  # models often send numbers as strings
    assert arguments == {"amount": 2.5, "unit": "km", "title": ""}
    assert tool.function is not None and tool.function(**arguments) == "2500 m"
    with pytest.raises(
        LLMError, match=r"invalid arguments for convert: amount: Field required; unit"
    ):
        tool.validate({"unit": "parsec"})


def test_plain_dicts_are_accepted_at_the_boundary() -> None:
    spec = {
        "type": "function",
        "function": {"name": "add", "description": "Add.", "parameters": {"type": "object"}},
    }
    assert as_tool(spec) == Tool("add", "Add.", {"type": "object"})
    assert as_tool({"name": "ping"}).parameters == {"type": "object", "properties": {}}
    assert as_tool(convert).name == "convert"
    with pytest.raises(LLMError, match="needs a name"):
        as_tool({"function": {"description": "nameless"}})
    with pytest.raises(LLMError, match="two tools share a name: add"):
        as_tools([spec, Tool("add", "again")])


def test_the_text_protocol_reads_typed_tools_too() -> None:
    tool = Tool.from_function(convert)
    assert "- convert(amount: number, unit: string, title: string): Convert" in tool_system_prompt(
        [tool]
    )
    calls = parse_tool_calls('Sure. {"tool": "convert", "arguments": {"amount": 3}}', [tool])
    assert [(call.name, call.arguments) for call in calls] == [("convert", {"amount": 3})]


def test_functions_with_args_or_kwargs_cannot_be_described() -> None:
    def anything(*args: int) -> None:
        """Take anything."""

    with pytest.raises(LLMError, match=r"\*args/\*\*kwargs"):
        Tool.from_function(anything)


def test_rest_style_docstrings_work_too() -> None:
    summary, arguments = parse_docstring(
        "Send a mail.\n\n:param to: the address\n:param body: text"
    )
    assert summary == "Send a mail." and arguments == {"to": "the address", "body": "text"}


def test_the_constrained_reply_schema_and_how_a_reply_is_read() -> None:
    tool = Tool.from_function(convert)
    schema = tool_reply_schema([tool])
    call, answer = schema["anyOf"]
    assert call["properties"]["tool"] == {"const": "convert"}
    assert call["properties"]["arguments"]["additionalProperties"] is False  # no invented args
    assert answer["required"] == ["answer"]
    calls, text = read_tool_reply('{"tool": "convert", "arguments": {"amount": 3}}', [tool])
    assert [(c.name, c.arguments) for c in calls] == [("convert", {"amount": 3})] and text == ""
    assert read_tool_reply('{"answer": "Paris"}', [tool]) == ([], "Paris")
    assert read_tool_reply('{"tool": "convert", "argu', [tool]) == ([], '{"tool": "convert", "argu')
    assert read_tool_reply('{"tool": "rm", "arguments": {}}', [tool])[0] == []
