"""Golden questions, to *measure* retrieval and the "I don't know" rule instead of guessing.

- ``sets.py``: the question files (``pydoc_topics``, ``repo_code``, ``unanswerable``) and loading;
- ``pydoc_corpus.py``: their corpus, Python's reference manual, written out as one file per section;
- ``scoring.py``: hit@k and MRR of a searcher's rankings, with bootstrap intervals;
- ``calibrate.py``: the "I don't know" rule, chosen on dev questions, tabulated on test ones;
- ``answers.py``: grading the chain's answers (a correct ``[n]`` citation; a judge model checks
  that the cited sources contain the answer);
- ``build.py``: ``python -m m4_genai.golden.build`` regenerates the derived ``sources``.
"""

from m4_genai.golden.answers import AnswerGrade, grade_answer
from m4_genai.golden.calibrate import Rule, choose_rule, confusion, gather
from m4_genai.golden.pydoc_corpus import (
    containing_topics,
    pydoc_topics,
    topic_file,
    write_pydoc_corpus,
)
from m4_genai.golden.scoring import RetrievalScores, bootstrap_ci, rankings, score_rankings
from m4_genai.golden.sets import FILES, SPLITS, GoldenQuestion, golden_path, load_golden

__all__ = [
    "FILES",
    "SPLITS",
    "AnswerGrade",
    "GoldenQuestion",
    "RetrievalScores",
    "Rule",
    "bootstrap_ci",
    "choose_rule",
    "confusion",
    "containing_topics",
    "gather",
    "golden_path",
    "grade_answer",
    "load_golden",
    "pydoc_topics",
    "rankings",
    "score_rankings",
    "topic_file",
    "write_pydoc_corpus",
]
