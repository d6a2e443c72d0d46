"""Month 3's exceptions (RoadmapError subclasses: CLIs print one line and exit 2)."""

from roadmap_data.errors import RoadmapError


class DeepLearningError(RoadmapError):
    """Base of m3's user-fixable errors."""


class BadImageError(DeepLearningError):
    """An image that cannot be read or turned into a 28×28 digit."""


class CheckpointError(DeepLearningError):
    """A missing or incompatible checkpoint."""
