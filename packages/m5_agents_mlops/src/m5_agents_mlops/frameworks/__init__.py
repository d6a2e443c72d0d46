"""The same tool agent three ways: our loop, LangChain's ``create_agent``, a LangGraph graph.

All three run on any m4 ``ChatModel`` and our ``@tool`` functions, and all three report a
``FrameworkRun`` (``from_agent_result`` converts our loop's result), so a test can show they take
the same steps on the same scripted model:

- ``agent.loop.Agent``: one readable loop; budgets on steps, tokens and time; JSON trajectory.
- ``langchain_agent.run_langchain_agent``: LangChain's prebuilt agent with middleware, on our
  model wrapped as a LangChain chat model (``langchain_model.RoadmapChatModel``).
- ``langgraph_agent.run_langgraph_agent``: an explicit ``StateGraph`` with a SQLite checkpointer,
  so a crashed run resumes where it stopped.
"""

from m5_agents_mlops.frameworks.common import FrameworkRun, Step, from_agent_result
from m5_agents_mlops.frameworks.langchain_agent import (
    build_langchain_agent,
    run_from_messages,
    run_langchain_agent,
)
from m5_agents_mlops.frameworks.langchain_model import (
    RoadmapChatModel,
    to_ai_message,
    to_langchain_tool,
    to_roadmap_messages,
    to_roadmap_tool,
)
from m5_agents_mlops.frameworks.langgraph_agent import (
    AgentState,
    build_graph,
    mermaid,
    run_langgraph_agent,
)

__all__ = [
    "AgentState",
    "FrameworkRun",
    "RoadmapChatModel",
    "Step",
    "build_graph",
    "build_langchain_agent",
    "from_agent_result",
    "mermaid",
    "run_from_messages",
    "run_langchain_agent",
    "run_langgraph_agent",
    "to_ai_message",
    "to_langchain_tool",
    "to_roadmap_messages",
    "to_roadmap_tool",
]
