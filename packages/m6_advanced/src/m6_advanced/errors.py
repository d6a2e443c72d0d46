"""Month 6's exceptions. Every one is a RoadmapError, so CLIs print one line and exit 2."""

from __future__ import annotations

from roadmap_data.errors import RoadmapError


class AdvancedError(RoadmapError):
    """Base of m6's user-fixable errors (a bad golden file, an unknown config, a failed gate)."""


class GoldenFileError(AdvancedError):
    """A golden JSONL file breaks its schema (names the line and the missing field)."""


class EvalConfigError(AdvancedError):
    """An ``eval-rag --config`` that cannot be read (bad syntax, unknown key or value)."""


class BaselineError(AdvancedError):
    """An ``eval-rag --baseline`` file that cannot be compared (unreadable, a metric missing)."""


class EditError(AdvancedError):
    """A search/replace edit the engineer refuses: no match, several matches, or an unsafe path."""


class IssueError(AdvancedError):
    """An issue the engineer cannot read: a missing or malformed file, or a URL it cannot fetch."""


class GitHubError(AdvancedError):
    """A GitHub REST API call that failed: bad token, no permission, not found, unreachable host."""


class GitError(AdvancedError):
    """A git step on the working copy that failed: nothing to commit, a branch that exists."""


class TaskError(AdvancedError):
    """A benchmark task folder the engineer cannot use (names the file and the field at fault)."""
