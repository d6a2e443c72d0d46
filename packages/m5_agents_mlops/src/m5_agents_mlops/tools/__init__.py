"""Typed tools for agents: ``@tool``, ``Toolbox`` (runs calls safely) and the roadmap's tools."""

from m5_agents_mlops.tools.calculator import calculator, evaluate
from m5_agents_mlops.tools.core import MAX_RESULT_CHARS, Toolbox, ToolOutcome, as_text, tool
from m5_agents_mlops.tools.database import (
    QueryResult,
    build_database,
    database_tools,
    default_database_path,
    describe_database,
    run_query,
    sql_query,
)
from m5_agents_mlops.tools.documents import (
    document_search_tool,
    format_hits,
    open_reference_index,
    reference_search_tool,
)
from m5_agents_mlops.tools.toolsets import TOOL_GROUPS, ToolGroup, roadmap_tools

__all__ = [
    "MAX_RESULT_CHARS",
    "TOOL_GROUPS",
    "QueryResult",
    "ToolGroup",
    "ToolOutcome",
    "Toolbox",
    "as_text",
    "build_database",
    "calculator",
    "database_tools",
    "default_database_path",
    "describe_database",
    "document_search_tool",
    "evaluate",
    "format_hits",
    "open_reference_index",
    "reference_search_tool",
    "roadmap_tools",
    "run_query",
    "sql_query",
    "tool",
]
