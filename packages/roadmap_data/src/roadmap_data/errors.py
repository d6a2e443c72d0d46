"""Exceptions of the data registry. CLIs turn each into one clear line and exit code 2."""

from __future__ import annotations


class RoadmapError(Exception):
    """Base of every error a user can fix (bad input, missing data); never a bug in our code."""


class DataNotFoundError(RoadmapError, FileNotFoundError):
    """A dataset or model file is neither in the data directory nor in an installed package."""


class ConfigError(RoadmapError, ValueError):
    """A run configuration with an unknown key, an unknown preset or a value out of range."""


class ChecksumError(RoadmapError):
    """A file's sha256 differs from the registry's: a corrupt or tampered download."""


class UnknownDatasetError(RoadmapError, KeyError):
    """A name that is not in the registry."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0])


class UnknownModelError(UnknownDatasetError):
    """A name that is not in the chat-model catalogue (models.py)."""


class DownloadError(RoadmapError):
    """A canonical URL could not be fetched: offline, DNS, timeout, refused, an HTTP error status."""


class DataDirError(RoadmapError):
    """The data directory cannot be written: permissions, a full disk, a path that is not a folder."""


class UnverifiedDataWarning(UserWarning):
    """A hand-placed file in the data directory that no recorded checksum vouches for."""
