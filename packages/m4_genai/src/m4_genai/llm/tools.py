"""A typed tool spec: what a chat model is told about a function it may ask us to call.

A model never runs code. It is shown each tool's *name*, *description* and *parameters* (a JSON
Schema) and may answer "call ``add`` with ``{"a": 2, "b": 3}``"; we run it and send the result
back. ``Tool.from_function`` writes the spec from a typed Python function, so the signature and
the docstring are the single source of truth::

    def add(a: int, b: int = 0) -> int:
        \"\"\"Add two whole numbers.

        Args:
            a: the first number.
            b: the second number.
        \"\"\"
        return a + b

    tool = Tool.from_function(add)
    tool.parameters  # {"type": "object", "properties": {"a": {"type": "integer", "description":
                     #  "the first number."}, "b": {...}}, "required": ["a"]}

The schema comes from pydantic, which also checks a call's arguments (``tool.validate``) before
the function runs. Backends accept the untyped OpenAI dict too
(``{"type": "function", "function": {...}}``): ``as_tool`` turns either form into a ``Tool``.
"""

from __future__ import annotations

import inspect
import json
import re
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pydantic

from m4_genai.errors import LLMError

UNPARSED_ARGUMENTS = "__unparsed_arguments__"
"""The key under which a backend passes tool arguments it could not read as a JSON object (a
small model's broken JSON): ``validate`` turns it into an error the model can read and fix."""


def parse_arguments(text: str | None) -> dict[str, Any]:
    """A tool call's arguments from their JSON text; unreadable text is kept, not raised."""
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {UNPARSED_ARGUMENTS: text}
    return value if isinstance(value, dict) else {UNPARSED_ARGUMENTS: text}


@dataclass(frozen=True)
class Tool:
    """A function a model may call: ``name``, ``description``, JSON-Schema ``parameters``."""

    name: str
    description: str
    parameters: dict[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}})
    function: Callable[..., Any] | None = field(default=None, compare=False, repr=False)
    """The Python function behind the spec (None for a spec that came as a plain dict)."""
    arguments_model: type[pydantic.BaseModel] | None = field(
        default=None, compare=False, repr=False
    )
    """The pydantic model that checks arguments (built by ``from_function``)."""

    @classmethod
    def from_function(
        cls, function: Callable[..., Any], name: str | None = None, description: str | None = None
    ) -> Tool:
        """The spec of a typed function: parameters from its signature, text from its docstring."""
        summary, argument_docs = parse_docstring(inspect.getdoc(function) or "")
        hints = typing.get_type_hints(function)
        fields: dict[str, Any] = {}
        for parameter in inspect.signature(function).parameters.values():
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                raise LLMError(f"tool {function.__name__}: *args/**kwargs cannot be described")
            default = ... if parameter.default is parameter.empty else parameter.default
            described = pydantic.Field(default, description=argument_docs.get(parameter.name))
            fields[parameter.name] = (hints.get(parameter.name, Any), described)
        model = pydantic.create_model(f"{function.__name__}_arguments", **fields)
        return cls(
            name=name or function.__name__,
            description=description or summary,
            parameters=_without_titles(model.model_json_schema()),
            function=function,
            arguments_model=model,
        )

    def to_openai(self) -> dict[str, Any]:
        """The OpenAI wire format: ``{"type": "function", "function": {name, description, parameters}}``."""
        spec = {"name": self.name, "description": self.description, "parameters": self.parameters}
        return {"type": "function", "function": spec}

    def __call__(self, **arguments: Any) -> Any:
        """Call the function behind the spec, arguments checked first (a tool stays a function)."""
        if self.function is None:
            raise LLMError(f"tool {self.name} is only a spec: there is no function to call")
        return self.function(**self.validate(arguments))

    def validate(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """The arguments checked (and converted: ``"3"`` → 3 for an int) against the signature.

        Raises LLMError naming every problem; a spec without a model passes arguments unchanged.
        """
        if UNPARSED_ARGUMENTS in arguments:
            raw = str(arguments[UNPARSED_ARGUMENTS])[:200]
            raise LLMError(f"invalid arguments for {self.name}: not a JSON object: {raw!r}")
        if self.arguments_model is None:
            return dict(arguments)
        try:
            checked = self.arguments_model.model_validate(arguments)
        except pydantic.ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}" for e in error.errors()
            )
            raise LLMError(f"invalid arguments for {self.name}: {problems}") from error
        return {name: getattr(checked, name) for name in type(checked).model_fields}


def as_tool(spec: Tool | dict[str, Any] | Callable[..., Any]) -> Tool:
    """A ``Tool`` from a Tool, an OpenAI-style dict (with or without the outer ``function``
    wrapper), or a typed function."""
    if isinstance(spec, Tool):
        return spec
    if isinstance(spec, dict):
        function = spec.get("function", spec)
        if "name" not in function:
            raise LLMError(f"a tool spec needs a name: {spec!r}")
        parameters = function.get("parameters") or {"type": "object", "properties": {}}
        return Tool(function["name"], function.get("description", ""), parameters)
    if callable(spec):
        return Tool.from_function(spec)
    raise LLMError(f"not a tool: {spec!r}")


def as_tools(specs: Sequence[Tool | dict[str, Any]] | None) -> list[Tool]:
    """``as_tool`` for each spec; refuses two tools with one name (the model could not choose)."""
    tools = [as_tool(spec) for spec in specs or ()]
    names = [tool.name for tool in tools]
    if duplicated := sorted({n for n in names if names.count(n) > 1}):
        raise LLMError(f"two tools share a name: {', '.join(duplicated)}")
    return tools


def parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """The first paragraph, and per-argument text from a Google-style ``Args:`` section or
    reST ``:param name: text`` lines."""
    summary = " ".join(doc.split("\n\n", 1)[0].split())
    arguments = {name: text.strip() for name, text in re.findall(r":param (\w+):\s*(.+)", doc)}
    section = re.search(r"^(?:Args|Arguments|Parameters):\s*\n((?:[ \t]+.*\n?)+)", doc, re.M)
    if section:
        lines = section.group(1).splitlines()
        indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
        current = None
        for line in lines:
            match = re.match(r"(\w+)(?:\s*\([^)]*\))?:\s*(.*)", line[indent:])
            if match and len(line) - len(line.lstrip()) == indent:  # "name: text" starts an entry
                current = match.group(1)
                arguments[current] = match.group(2).strip()
            elif current and line.strip():  # a continuation line, indented deeper
                arguments[current] += " " + line.strip()
    return summary, arguments


def _without_titles(schema: Any) -> Any:
    """pydantic adds a ``title`` to every node; models only need the names and descriptions."""
    if isinstance(schema, dict):
        # A property *named* "title" maps to a dict; pydantic's annotations are plain strings.
        return {
            k: _without_titles(v)
            for k, v in schema.items()
            if not (k == "title" and isinstance(v, str))
        }
    if isinstance(schema, list):
        return [_without_titles(item) for item in schema]
    return schema
