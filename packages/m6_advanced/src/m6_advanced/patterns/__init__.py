"""Orchestration patterns on month 5's agent loop: who speaks next, and when to stop.

- ``team``: what they share: ``Role``, ``TeamBudget`` (one budget for every role), ``Transcript``
  (who said what, saved as JSON), ``Team.ask`` / ``ask_json`` (one agent-loop turn of a role).
- ``hierarchical``: a manager plans subtasks (JSON), workers with a calculator solve them, it merges.
- ``sequential``: researcher → writer → reviewer, with a bounded send-back.
- ``reflexion``: attempt → exact check → self-critique kept in memory → retry.
- ``problems``: the checkable task family (functions + hidden asserts run in m5's sandbox).
- ``suite``: reflexion over a problem set: solved at trial 1 against solved by trial N.
- ``autogen_team``: the sequential pipeline in AutoGen AgentChat, against m5's ``serve``.
- ``demo``: the scripted models of ``patterns --smoke`` and the tests.
"""

from m6_advanced.patterns.hierarchical import hierarchical
from m6_advanced.patterns.problems import PROBLEMS, Check, Problem, check_code, get_problem
from m6_advanced.patterns.reflexion import exact_value, reflexion
from m6_advanced.patterns.sequential import sequential
from m6_advanced.patterns.team import PatternResult, Role, Team, TeamBudget, Transcript

__all__ = [
    "PROBLEMS",
    "Check",
    "PatternResult",
    "Problem",
    "Role",
    "Team",
    "TeamBudget",
    "Transcript",
    "check_code",
    "exact_value",
    "get_problem",
    "hierarchical",
    "reflexion",
    "sequential",
]
