"""Tool calling for models that have no native tool API: a JSON protocol written in the prompt.

OpenAI-compatible servers take ``tools=[...]`` and answer with structured ``tool_calls``. A small
local model has no such channel, so we describe the tools in the system prompt and ask for one
line of JSON when the model wants a tool:

    {"tool": "add", "arguments": {"a": 2, "b": 3}}

``parse_tool_calls`` finds such objects in the reply (anywhere in it: small models like to chat
around the JSON) and turns them into ``ToolCall``s, so the caller sees exactly what a native
backend would return. The conversation history goes the other way through ``to_protocol_messages``:
an assistant turn that called tools becomes that JSON again, and a ``tool`` turn becomes a user turn
that states the result, because SmolLM2's chat template knows only system/user/assistant.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from m4_genai.llm.base import Message, ToolCall, ToolSpec
from m4_genai.llm.tools import as_tools

PROTOCOL = """You can call tools. To call one, reply with ONLY a JSON object on one line, like
{{"tool": "<name>", "arguments": {{<arguments as JSON>}}}}
and nothing else. You will then get the tool's result. {answer}
Tools:
{tools}"""
FREE_ANSWER = "If no tool is needed, answer normally."
JSON_ANSWER = """When no tool is needed (you can answer, or a tool's result gave you what you need), \
reply {"answer": "<your answer>"} instead."""
"""A reply constrained to JSON (the local backend's grammar) must be told the answer's JSON form,
or the only form it knows is a tool call, and it calls tools until its budget runs out."""


def describe_tools(tools: Sequence[ToolSpec]) -> str:
    """One line per tool: ``- name(arg: type, ...): description``."""
    lines = []
    for tool in as_tools(tools):
        properties = tool.parameters.get("properties", {})
        args = ", ".join(f"{name}: {spec.get('type', 'any')}" for name, spec in properties.items())
        lines.append(f"- {tool.name}({args}): {tool.description}".rstrip())
    return "\n".join(lines)


def tool_system_prompt(tools: Sequence[ToolSpec], constrained: bool = False) -> str:
    """The protocol text to add to the system prompt when ``tools`` are offered; ``constrained``
    when the reply is held to ``structured.tool_reply_schema`` (tool call or ``{"answer": ...}``)."""
    answer = JSON_ANSWER if constrained else FREE_ANSWER
    return PROTOCOL.format(tools=describe_tools(tools), answer=answer)


def _json_objects(text: str) -> list[Any]:
    """Every JSON value that starts at a ``{`` in ``text`` and parses (left to right, no overlap)."""
    decoder = json.JSONDecoder()
    found, index = [], text.find("{")
    while index != -1:
        try:
            value, end = decoder.raw_decode(text, index)
        except json.JSONDecodeError:
            index = text.find("{", index + 1)
            continue
        found.append(value)
        index = text.find("{", end)
    return found


def parse_tool_calls(text: str, tools: Sequence[ToolSpec]) -> list[ToolCall]:
    """The tool calls written in ``text`` that name one of ``tools``; ids are ``call_0``, ``call_1``...

    Objects that name an unknown tool, or whose ``arguments`` is not an object, are ignored: a
    model that invents tools gets a normal text answer instead of a crash.
    """
    names = {tool.name for tool in as_tools(tools)}
    calls = []
    for value in _json_objects(text):
        if not isinstance(value, dict) or value.get("tool") not in names:
            continue
        arguments = value.get("arguments", {})
        if isinstance(arguments, dict):
            calls.append(ToolCall(f"call_{len(calls)}", value["tool"], arguments))
    return calls


def to_protocol_messages(
    messages: list[Message], tools: Sequence[ToolSpec] | None, constrained: bool = False
) -> list[Message]:
    """Rewrite a conversation for a model that only knows system/user/assistant turns.

    The protocol text is appended to the system message (or becomes one); assistant tool calls
    become their JSON; ``tool`` results become user turns saying which call they answer.
    """
    out: list[Message] = []
    for message in messages:
        role, content = message["role"], message.get("content") or ""
        if role == "assistant" and message.get("tool_calls"):
            calls = [_call_as_dict(call) for call in message["tool_calls"]]
            content = "\n".join(json.dumps(call) for call in calls)
        elif role == "tool":
            role = "user"
            content = f"Result of tool call {message.get('tool_call_id', '')}: {content}"
        out.append({"role": role, "content": content})
    if tools:
        protocol = tool_system_prompt(tools, constrained)
        if out and out[0]["role"] == "system":
            out[0] = {"role": "system", "content": f"{out[0]['content']}\n\n{protocol}"}
        else:
            out.insert(0, {"role": "system", "content": protocol})
    return out


def _call_as_dict(call: ToolCall | dict[str, Any]) -> dict[str, Any]:
    """A ToolCall or an OpenAI-shaped ``{"function": {"name", "arguments"}}`` as protocol JSON."""
    if isinstance(call, ToolCall):
        return {"tool": call.name, "arguments": call.arguments}
    function = call.get("function", call)
    arguments = function.get("arguments", {})
    if isinstance(arguments, str):
        arguments = json.loads(arguments or "{}")
    return {"tool": function["name"], "arguments": arguments}
