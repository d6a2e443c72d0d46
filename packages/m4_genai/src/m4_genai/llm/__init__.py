"""Chat models behind one interface: ``local`` (llama.cpp, offline, the best catalogue model
installed), ``transformers`` (the same GGUF through PyTorch: how generation works), ``openai``
(any compatible server), ``scripted`` (tests). See ``base.ChatModel``; pick one with
``load_chat_model``.

The backends themselves (``llamacpp_backend.LlamaCppChatModel``,
``transformers_backend.TransformersChatModel``, ``openai_backend.OpenAIChatModel``) are imported
lazily by the factory, so importing this package stays cheap.
"""

from m4_genai.llm.base import (
    ChatModel,
    ChatResult,
    Message,
    ToolCall,
    ToolSpec,
    assistant_message,
    tool_message,
)
from m4_genai.llm.factory import KINDS, Kind, load_chat_model
from m4_genai.llm.scripted import ExtractiveChatModel, ScriptedChatModel
from m4_genai.llm.structured import ask_structured
from m4_genai.llm.tool_protocol import parse_tool_calls, tool_system_prompt
from m4_genai.llm.tools import Tool, as_tool, as_tools

__all__ = [
    "KINDS",
    "ChatModel",
    "ChatResult",
    "ExtractiveChatModel",
    "Kind",
    "Message",
    "ScriptedChatModel",
    "Tool",
    "ToolCall",
    "ToolSpec",
    "as_tool",
    "as_tools",
    "ask_structured",
    "assistant_message",
    "load_chat_model",
    "parse_tool_calls",
    "tool_message",
    "tool_system_prompt",
]
