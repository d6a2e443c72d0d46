"""An agent's memory as the paper runs it: observe, rate, store; reflect when enough has happened.

``AgentMemory.observe(text, now)`` rates the observation's importance, appends it to the stream
and adds the rating to a running sum. When the sum of the importance of the observations since
the last reflection reaches the threshold (the paper: 150), a round of reflection runs at that
moment and the sum starts again from zero. The paper's text says "exceeds"; its authors' code
triggers when the counter, counting down from 150, reaches 0, i.e. at a sum >= 150: we do the
same. Only observations count towards the threshold (reflections would otherwise trigger more
reflections).

    memory = AgentMemory(MemoryStream(embedder), rater, Reflector(model, rater, agent="Maya"))
    memory.observe("Production alert: checkout errors at 30 %", now=datetime(2026, 3, 10, 13, 40))
    memory.retrieve("what is going wrong?", now=datetime(2026, 3, 10, 15, 0), k=5)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from m6_advanced.memory.importance import ImportanceRater
from m6_advanced.memory.reflection import ReflectionRound, Reflector
from m6_advanced.memory.stream import Memory, MemoryStream, MemoryStreamError, ScoredMemory

REFLECTION_THRESHOLD = 150
"""The paper's trigger: reflect once the observations' importance adds up to 150."""


@dataclass
class Observed:
    """What one ``observe`` call did: the new memory, and the reflection round it set off, if any."""

    memory: Memory
    reflection: ReflectionRound | None = None


@dataclass
class AgentMemory:
    """A memory stream with importance rating on the way in and reflection when it adds up."""

    stream: MemoryStream
    rater: ImportanceRater
    reflector: Reflector | None = None
    """None: never reflect (the stream alone)."""
    threshold: int = REFLECTION_THRESHOLD
    pending_importance: int = 0
    """Sum of the importance of the observations since the last reflection."""
    rounds: list[ReflectionRound] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise MemoryStreamError(
                f"reflection threshold must be at least 1, not {self.threshold}"
            )

    def observe(self, text: str, now: datetime, importance: int | None = None) -> Observed:
        """Store an observation made at ``now`` (rated by ``rater`` unless ``importance`` is
        given); reflect, at ``now``, if the pending importance reaches the threshold."""
        rating = self.rater.rate(text) if importance is None else importance
        memory = self.stream.add(text, now, rating, "observation")
        self.pending_importance += memory.importance
        if self.reflector is None or self.pending_importance < self.threshold:
            return Observed(memory)
        self.pending_importance = 0
        round_ = self.reflector.reflect(self.stream, now)
        self.rounds.append(round_)
        return Observed(memory, round_)

    def retrieve(
        self, query: str, now: datetime, k: int = 5, refresh: bool = True
    ) -> list[ScoredMemory]:
        """The stream's retrieval (see ``MemoryStream.retrieve``)."""
        return self.stream.retrieve(query, now, k, refresh)
