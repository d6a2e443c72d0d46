"""Our models and tools, as LangChain objects: LangChain components run offline on the local model.

LangChain talks to a model through one abstract class, ``BaseChatModel``. An integration
implements ``_generate(messages) -> ChatResult`` and LangChain supplies the rest: ``invoke``,
``batch``, streaming fallbacks, callbacks, LCEL composition (``prompt | model``). Our m4
``ChatModel`` already speaks the OpenAI shape, so the adapter is a translation both ways::

    LangChain messages ──to_roadmap_messages──▶ model.chat(dicts, tools=...) ──to_ai_message──▶ AIMessage
    SystemMessage / HumanMessage / AIMessage(tool_calls) / ToolMessage      text, tool_calls (ids kept), usage

    chat = RoadmapChatModel(load_chat_model("local"))          # or "openai", or a ScriptedChatModel
    (ChatPromptTemplate.from_template("Define {term}.") | chat).invoke({"term": "RAG"})
    chat.bind_tools([calculator]).invoke("What is 17 * 23?").tool_calls

Tools go the other way too: ``to_langchain_tool`` wraps one of our ``@tool`` functions as a
LangChain ``StructuredTool`` that runs through our ``Toolbox``, so invalid arguments and crashes
come back as the same ``error: ...`` text our own loop would show the model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.messages.tool import tool_call
from langchain_core.outputs import ChatGeneration
from langchain_core.outputs import ChatResult as LangChainResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool, StructuredTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict, Field

from m4_genai.errors import LLMError
from m4_genai.llm import ChatModel, ChatResult, Message, Tool, ToolCall, as_tool
from m4_genai.llm.base import assistant_message
from m5_agents_mlops.tools import MAX_RESULT_CHARS, Toolbox

PROVIDER = "roadmap"
"""``response_metadata["model_provider"]`` of every reply this adapter makes: it tells a real
model reply from a message a framework wrote itself (LangChain's step-limit notice)."""


class RoadmapChatModel(BaseChatModel):
    """Any m4 ``ChatModel`` (local llama.cpp, OpenAI-compatible, scripted) as a LangChain model."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    chat_model: Any
    """The m4 ``ChatModel`` that answers (typed ``Any``: a Protocol is not a pydantic type)."""
    chat_options: dict[str, Any] = Field(default_factory=dict)
    """Options for every ``chat`` call (``max_tokens``, ``temperature``...)."""

    def __init__(self, chat_model: ChatModel | None = None, /, **fields: Any) -> None:
        if chat_model is not None:  # positional, like every other wrapper in the project
            fields["chat_model"] = chat_model
        super().__init__(**fields)

    @property
    def _llm_type(self) -> str:
        return PROVIDER

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": getattr(self.chat_model, "name", "?")}

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> LangChainResult:
        """One model call: LangChain messages in, one ``AIMessage`` out."""
        tools = kwargs.pop("tools", None)  # put there by ``bind_tools``
        options = {**self.chat_options, **kwargs}
        if stop:  # only when asked: not every backend takes ``stop``
            options["stop"] = stop
        reply = self.chat_model.chat(to_roadmap_messages(messages), tools=tools, **options)
        return LangChainResult(generations=[ChatGeneration(message=to_ai_message(reply))])

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool | Tool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """This model with ``tools`` offered on every call (LangChain tools, our ``Tool``s,
        OpenAI dicts, pydantic classes or typed functions)."""
        if tool_choice not in (None, "auto"):
            # Our backends let the model choose; forcing a tool is not part of ChatModel.
            raise LLMError(f"tool_choice={tool_choice!r} is not supported; use None or 'auto'")
        specs = [to_roadmap_tool(t).to_openai() for t in tools]  # plain dicts: serialisable
        return self.bind(tools=specs, **kwargs)


def to_roadmap_tool(spec: Any) -> Tool:
    """Any tool description LangChain accepts, as our ``Tool`` spec."""
    if isinstance(spec, Tool):
        return spec
    return as_tool(convert_to_openai_tool(spec))


def to_roadmap_messages(messages: Sequence[BaseMessage]) -> list[Message]:
    """LangChain messages as the OpenAI-shaped dicts our models read (what ``Agent`` builds)."""
    converted: list[Message] = []
    for message in messages:
        text = str(message.text)  # content blocks flattened to their text
        if isinstance(message, SystemMessage):
            converted.append({"role": "system", "content": text})
        elif isinstance(message, HumanMessage):
            converted.append({"role": "user", "content": text})
        elif isinstance(message, AIMessage):
            calls = [ToolCall(c["id"] or "", c["name"], c["args"]) for c in message.tool_calls]
            converted.append(assistant_message(ChatResult(text, calls)))
        elif isinstance(message, ToolMessage):
            converted.append(
                {"role": "tool", "tool_call_id": message.tool_call_id, "content": text}
            )
        else:
            raise LLMError(f"a {type(message).__name__} cannot be sent to a chat model")
    return converted


def to_ai_message(reply: ChatResult) -> AIMessage:
    """One reply of our model as LangChain's ``AIMessage``: tool-call ids kept, usage reported."""
    return AIMessage(
        content=reply.text,
        tool_calls=[tool_call(name=c.name, args=c.arguments, id=c.id) for c in reply.tool_calls],
        usage_metadata={
            "input_tokens": reply.prompt_tokens,
            "output_tokens": reply.completion_tokens,
            "total_tokens": reply.prompt_tokens + reply.completion_tokens,
        },
        response_metadata={
            "model_provider": PROVIDER,
            "model_name": reply.model,
            "finish_reason": reply.finish_reason,
        },
    )


def to_langchain_tool(tool: Tool, max_result_chars: int = MAX_RESULT_CHARS) -> BaseTool:
    """One of our ``@tool`` functions as a LangChain tool that behaves exactly like ours.

    The JSON Schema is ours (passed as ``args_schema``, so LangChain shows the model the same
    parameters); the call goes through ``Toolbox.run``, which validates the arguments and turns
    every failure into an ``error: ...`` text. The full outcome rides along as the message's
    ``artifact`` (LangChain's slot for data the model does not read).
    """
    if tool.function is None:
        raise LLMError(f"tool {tool.name} is only a spec: there is no function to wrap")
    toolbox = Toolbox([tool], max_result_chars)

    def run(**arguments: Any) -> tuple[str, dict[str, Any]]:
        outcome = toolbox.run(ToolCall("langchain", tool.name, arguments))
        return outcome.content, outcome.to_dict()

    return StructuredTool.from_function(
        func=run,
        name=tool.name,
        description=tool.description,
        args_schema=tool.parameters,
        response_format="content_and_artifact",
    )
