"""One agent loop (``loop.py``): model → tool calls → results → model, within a budget."""

from m5_agents_mlops.agent.loop import (
    SYSTEM_PROMPT,
    Agent,
    AgentResult,
    Answered,
    Budget,
    Channel,
    LimitsExceeded,
    StopReason,
)

__all__ = [
    "SYSTEM_PROMPT",
    "Agent",
    "AgentResult",
    "Answered",
    "Budget",
    "Channel",
    "LimitsExceeded",
    "StopReason",
]
