"""``@tool`` and ``Toolbox``: schemas from signatures, and every failure fed back as text."""

from __future__ import annotations

from typing import Literal

import pytest

from m4_genai.errors import LLMError
from m4_genai.llm import ToolCall
from m5_agents_mlops.errors import ToolError
from m5_agents_mlops.tools import Toolbox, ToolOutcome, as_text, tool


@tool
def add(a: int, b: int = 0) -> int:
    """Add two whole numbers.

    Args:
        a: the first number.
        b: the second number.
    """
    return a + b


@tool(name="weather", description="Today's weather in a city.")
def forecast(city: str, unit: Literal["C", "F"] = "C") -> dict[str, object]:
    """Not what the model reads: the decorator's description wins.

    :param city: the city's name.
    """
    if city == "Atlantis":
        raise ToolError("unknown city 'Atlantis': give a real city")
    if city == "Crash":
        raise KeyError("station")
    return {"city": city, "temperature": 21 if unit == "C" else 70, "unit": unit}


@tool
def shout(text: str, times: int = 1) -> str:
    """Repeat ``text`` in capitals."""
    return " ".join([text.upper()] * times)


def run(call: ToolCall, **options: int) -> ToolOutcome:
    return Toolbox([add, forecast, shout], **options).run(call)


def test_schema_comes_from_the_signature_and_the_docstring() -> None:
    assert add.name == "add"
    assert add.description == "Add two whole numbers."
    assert add.parameters == {
        "type": "object",
        "properties": {
            "a": {"type": "integer", "description": "the first number."},
            "b": {"type": "integer", "description": "the second number.", "default": 0},
        },
        "required": ["a"],
    }
    assert forecast.name == "weather"
    assert forecast.description == "Today's weather in a city."
    city, unit = forecast.parameters["properties"].values()
    assert city == {"type": "string", "description": "the city's name."}  # reST :param: form
    assert unit["enum"] == ["C", "F"]  # a Literal becomes a closed set of choices
    openai = forecast.to_openai()
    assert openai["type"] == "function" and openai["function"]["name"] == "weather"


def test_a_tool_stays_a_function_with_checked_and_converted_arguments() -> None:
    assert add(a=2, b="3") == 5  # "3" converted to the int the signature asks for
    with pytest.raises(LLMError, match="invalid arguments for add: a: Input should be"):
        add(a="two")


def test_a_good_call_returns_its_result_as_text() -> None:
    outcome = run(ToolCall("c1", "add", {"a": 40, "b": "2"}))
    assert outcome.ok and outcome.content == "42"
    outcome = run(ToolCall("c2", "weather", {"city": "Oslo", "unit": "F"}))
    assert outcome.ok
    assert outcome.content == '{"city": "Oslo", "temperature": 70, "unit": "F"}'  # JSON, not repr
    assert outcome.seconds >= 0 and outcome.to_dict()["id"] == "c2"


def test_an_unknown_tool_is_an_error_naming_the_real_ones() -> None:
    outcome = run(ToolCall("c1", "multiply", {"a": 2}))
    assert not outcome.ok
    assert outcome.content == "error: unknown tool 'multiply'; available: add, weather, shout"


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({"b": 1}, "a: Field required"),
        ({"a": "two"}, "a: Input should be a valid integer"),
        ({"a": 1, "b": [2]}, "b: Input should be a valid integer"),
    ],
)
def test_invalid_arguments_are_an_error_saying_which(arguments: dict, problem: str) -> None:
    outcome = run(ToolCall("c1", "add", arguments))
    assert not outcome.ok
    assert outcome.content.startswith("error: invalid arguments for add: ")
    assert problem in outcome.content


def test_a_literal_argument_outside_its_choices_is_refused() -> None:
    outcome = run(ToolCall("c1", "weather", {"city": "Oslo", "unit": "K"}))
    assert not outcome.ok and "unit: Input should be 'C' or 'F'" in outcome.content


def test_a_refusal_inside_the_tool_reaches_the_model_verbatim() -> None:
    outcome = run(ToolCall("c1", "weather", {"city": "Atlantis"}))
    assert (outcome.ok, outcome.content) == (
        False,
        "error: unknown city 'Atlantis': give a real city",
    )


def test_a_crash_inside_the_tool_is_reported_not_raised() -> None:
    outcome = run(ToolCall("c1", "weather", {"city": "Crash"}))
    assert not outcome.ok
    assert outcome.content == "error: weather failed: KeyError: 'station'"


def test_long_results_are_truncated_with_a_note() -> None:
    outcome = run(ToolCall("c1", "shout", {"text": "ab", "times": 100}), max_result_chars=50)
    assert outcome.ok
    assert outcome.content == "AB " * 16 + "AB… [truncated 249 characters]"
    assert as_text("x" * 10, limit=10) == "x" * 10  # at the limit: untouched


def test_two_tools_with_one_name_are_refused() -> None:
    def plus(a: int) -> int:
        """Another add."""
        return a

    with pytest.raises(LLMError, match="two tools share a name: add"):
        Toolbox([add, tool(name="add")(plus)])
