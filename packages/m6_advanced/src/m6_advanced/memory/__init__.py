"""The memory stream of Generative Agents (Park et al. 2023): timestamped observations rated for
importance, retrieval by recency x importance x relevance, and reflections that cite their evidence.

- ``stream``: ``MemoryStream``, ``Memory``, ``RetrievalWeights`` and the scoring arithmetic;
- ``importance``: the paper's rating prompt (``LLMImportanceRater``) and a keyword stand-in;
- ``reflection``: the two-step reflection (questions, then cited insights), ``Reflector``;
- ``agent``: ``AgentMemory``, observe → rate → store → reflect at the importance threshold;
- ``day``: the simulated developer's day (``day.json``) and its replay;
- ``embedding`` / ``scripted``: deterministic stand-ins (hashing embedder, keyword reflection
  model) for smoke runs and tests.
"""

from m6_advanced.hashing_embedder import HashingEmbedder
from m6_advanced.memory.agent import REFLECTION_THRESHOLD, AgentMemory, Observed
from m6_advanced.memory.importance import (
    IMPORTANCE_PROMPT,
    HeuristicImportanceRater,
    ImportanceError,
    LLMImportanceRater,
)
from m6_advanced.memory.reflection import ReflectionRound, Reflector
from m6_advanced.memory.stream import (
    DECAY_PER_HOUR,
    Memory,
    MemoryStream,
    MemoryStreamError,
    RetrievalWeights,
    ScoredMemory,
    recency,
)

__all__ = [
    "DECAY_PER_HOUR",
    "IMPORTANCE_PROMPT",
    "REFLECTION_THRESHOLD",
    "AgentMemory",
    "HashingEmbedder",
    "HeuristicImportanceRater",
    "ImportanceError",
    "LLMImportanceRater",
    "Memory",
    "MemoryStream",
    "MemoryStreamError",
    "Observed",
    "ReflectionRound",
    "Reflector",
    "RetrievalWeights",
    "ScoredMemory",
    "recency",
]
