"""Golden questions, to *measure* retrieval and the "I don't know" rule instead of guessing.

- ``sets.py``: the question files (``pydoc_topics``, ``repo_code``, ``unanswerable``) and loading;
- ``pydoc_corpus.py``: their corpus, Python's reference manual, written out as one file per section;
- ``scoring.py``: hit@k and MRR of a searcher's rankings;
- ``calibrate.py``: best cosines of answerable vs off-topic questions, for the threshold;
- ``build.py``: ``python -m m4_genai.golden.build`` regenerates the derived ``sources``.
"""

from m4_genai.golden.calibrate import Calibration, best_similarity, calibrate
from m4_genai.golden.pydoc_corpus import (
    containing_topics,
    pydoc_topics,
    topic_file,
    write_pydoc_corpus,
)
from m4_genai.golden.scoring import RetrievalScores, rankings, score_rankings
from m4_genai.golden.sets import FILES, GoldenQuestion, golden_path, load_golden

__all__ = [
    "FILES",
    "Calibration",
    "GoldenQuestion",
    "RetrievalScores",
    "best_similarity",
    "calibrate",
    "containing_topics",
    "golden_path",
    "load_golden",
    "pydoc_topics",
    "rankings",
    "score_rankings",
    "topic_file",
    "write_pydoc_corpus",
]
