"""The roadmap's tools by group name, as ``agent-chat`` and the benchmark offer them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal, get_args

from m4_genai.llm import Tool
from m5_agents_mlops.tools.calculator import calculator
from m5_agents_mlops.tools.database import database_tools
from m5_agents_mlops.tools.documents import reference_search_tool

ToolGroup = Literal["calculator", "database", "documents"]
TOOL_GROUPS: tuple[str, ...] = get_args(ToolGroup)


def roadmap_tools(
    groups: Sequence[str] = TOOL_GROUPS,
    *,
    database: Path | None = None,
    documents: Path | None = None,
    topics: Sequence[str] | None = None,
    progress: bool = False,
) -> list[Tool]:
    """The tools of ``groups``: ``calculator``; ``database`` (describe_database, sql_query over
    the SQLite file at ``database``); ``documents`` (search_documents over the Python reference
    indexed under ``documents``, only ``topics`` if given). Nothing is built until first use."""
    tools: list[Tool] = []
    for group in dict.fromkeys(groups):
        if group == "calculator":
            tools.append(calculator)
        elif group == "database":
            tools += database_tools(database)
        elif group == "documents":
            tools.append(reference_search_tool(documents, topics=topics, progress=progress))
        else:
            raise ValueError(f"unknown tool group {group!r}; use {', '.join(TOOL_GROUPS)}")
    return tools
