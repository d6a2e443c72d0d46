"""Exceptions of month 2. Each is a RoadmapError, so a CLI prints one line and exits with code 2."""

from __future__ import annotations

from roadmap_data.errors import RoadmapError


class ClassicalMLError(RoadmapError):
    """Base of every user-fixable problem in this package."""


class ConfigError(ClassicalMLError):
    """An unknown preset, an unknown config key or a value out of range."""


class InvalidInputError(ClassicalMLError):
    """A file given on the command line that cannot be used (missing column, bad value, ...)."""
