"""Month 5's exceptions. Every one is a RoadmapError, so CLIs print one line and exit 2."""

from __future__ import annotations

from roadmap_data.errors import RoadmapError


class AgentError(RoadmapError):
    """Base of m5's user-fixable errors."""


class ToolError(AgentError):
    """A tool refused its input with a reason the model can act on (``division by zero``,
    ``only SELECT statements are allowed``). The toolbox sends the message back to the model."""


class FetchError(AgentError):
    """A web page could not be fetched (robots.txt, size, content type, timeout, HTTP error)."""


class SandboxError(AgentError):
    """Code could not be run in the sandbox (the sandbox itself failed, not the code)."""
