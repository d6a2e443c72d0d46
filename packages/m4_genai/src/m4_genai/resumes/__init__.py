"""Resume ranker (capstone): parse PDF/DOCX/TXT resumes, rank them for a job, explain, evaluate.

    folder ──formats──▶ text ──parse──▶ Resume(name, email, phone, skills, years, education, titles)
                                           │
    job.txt ──parse_job──▶ Job(must-haves) ─┴─▶ ResumeRanker: MiniLM sentences + BM25, fused,
                                                 must-have filter ──▶ Ranked (+ why) ──▶ NDCG@5

- ``skills.py``: the vocabulary that maps "k8s" and "EKS" to Kubernetes;
- ``parse.py``: sections, regexes, date ranges → fields;
- ``formats.py``: reading the three formats, writing the samples, loading a folder;
- ``rank.py``: dense + BM25 + fusion + filter + explanations;
- ``evaluate.py``: NDCG@k written out, dev/test jobs;
- ``samples/``: 24 resumes and 4 job descriptions written for the project, and ``labels.json``
  (grades 0–3 for every pair, written before tuning).

The command line is ``m4_genai.cli.rank_resumes`` (``uv run rank-resumes``).
"""

from m4_genai.resumes.evaluate import evaluate, ndcg_at_k
from m4_genai.resumes.formats import load_folder, read_resume_text, write_samples
from m4_genai.resumes.parse import Resume, parse_resume
from m4_genai.resumes.rank import Job, Ranked, ResumeRanker, parse_job

__all__ = [
    "Job",
    "Ranked",
    "Resume",
    "ResumeRanker",
    "evaluate",
    "load_folder",
    "ndcg_at_k",
    "parse_job",
    "parse_resume",
    "read_resume_text",
    "write_samples",
]
