"""Hit and miss counters, to judge whether a cache is worth its memory."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    evictions: int = 0

    @property
    def hit_rate(self) -> float:
        lookups = self.hits + self.misses
        return self.hits / lookups if lookups else 0.0

    def __str__(self) -> str:
        return (
            f"{self.hits} hits, {self.misses} misses ({self.hit_rate:.0%}), "
            f"{self.evictions} evictions"
        )
