"""Chat models behind one interface: ``local`` (SmolLM2, offline), ``openai`` (any compatible
server), ``scripted`` (tests). See ``base.ChatModel``."""

from m4_genai.llm.base import ChatModel, ChatResult, Message, Tool, ToolCall
from m4_genai.llm.scripted import ScriptedChatModel

__all__ = ["ChatModel", "ChatResult", "Message", "ScriptedChatModel", "Tool", "ToolCall"]
