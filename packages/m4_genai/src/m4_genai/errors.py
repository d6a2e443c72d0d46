"""Month 4's exceptions. Every one is a RoadmapError, so CLIs print one line and exit 2."""

from __future__ import annotations

from roadmap_data.errors import RoadmapError


class GenAIError(RoadmapError):
    """Base of m4's user-fixable errors."""


class LLMError(GenAIError):
    """A chat model could not answer (server unreachable, key missing, budget exceeded...)."""


class ContextLengthError(LLMError):
    """The prompt does not fit the model's context window, even after cutting it by the rule in
    ``llm/context.py``: the caller must shorten it (or ask for fewer new tokens)."""


class ScriptExhaustedError(LLMError):
    """A scripted model was asked for more replies than its script holds (a test bug, loudly)."""


class EmptyIndexError(GenAIError):
    """A question was asked of an index that holds no documents."""


class DocumentError(GenAIError):
    """A file could not be read as a document (unsupported type, corrupt PDF, binary...)."""


class RepoError(GenAIError):
    """A repository to index could not be found or fetched (bad path, offline git URL...)."""
