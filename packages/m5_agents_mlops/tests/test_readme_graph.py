"""The README's drawing of the LangGraph agent is the one the code draws (it cannot go stale)."""

from __future__ import annotations

import re
from pathlib import Path

from m4_genai.llm import ScriptedChatModel
from m5_agents_mlops.frameworks import build_graph, mermaid
from m5_agents_mlops.tools import calculator

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_shows_the_graph_the_code_builds() -> None:
    blocks = re.findall(r"```mermaid\n(.*?)```", README.read_text(), re.S)
    drawn = mermaid(build_graph(ScriptedChatModel([]), [calculator]))
    graphs = [block for block in blocks if "__start__" in block]  # LangGraph's, not the capstone's
    assert [graph.strip() for graph in graphs] == [drawn.strip()]
    assert "model -. &nbsp;tool calls&nbsp; .-> tools;" in drawn  # the conditional edge
