"""Exceptions of month 2. Each is a RoadmapError, so a CLI prints one line and exits with code 2.

A bad setting (unknown preset or key, a value out of range) is roadmap_data's one ``ConfigError``,
raised by the run kit's configs; what is left here is about the files a user hands to a script.
"""

from __future__ import annotations

from roadmap_data.errors import RoadmapError


class ClassicalMLError(RoadmapError):
    """Base of every user-fixable problem in this package."""


class InvalidInputError(ClassicalMLError):
    """A file given on the command line that cannot be used (missing column, bad value, ...)."""
