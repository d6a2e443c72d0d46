"""rank-resumes: parse a folder of resumes (PDF, DOCX, TXT) and rank them for a job description.

Each resume is parsed into fields (name, e-mail, phone, skills, years of experience, education,
job titles), then ranked by meaning (MiniLM sentence embeddings) and by words (BM25), the two
fused, with candidates missing a must-have skill ranked last. Every place is explained: matched
skills, the closest resume sentences, the BM25 terms that scored.

    uv run rank-resumes                                   # 24 sample resumes, backend-python job
    uv run rank-resumes --job ml-engineer                 # another sample job
    uv run rank-resumes --job job.txt --resumes cvs/      # your own job and folder
    uv run rank-resumes --job job.txt --resumes cvs/ --must-have python postgres --strict
    uv run rank-resumes --evaluate                        # NDCG@5 on the hand-labelled samples
    uv run rank-resumes --smoke                           # the evaluation, tiny preset (no MiniLM)

A corrupt or unreadable file in the folder is skipped with a warning; a missing folder, or one
with no readable resume, stops with one error line (exit code 2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from rich.markup import escape

from m4_genai.errors import DocumentError
from m4_genai.resumes.evaluate import METHODS, JobScore, evaluate, mean_by_split
from m4_genai.resumes.formats import (
    SUFFIXES,
    load_folder,
    read_resume_text,
    sample_jobs,
    sample_labels,
    write_samples,
)
from m4_genai.resumes.rank import Fusion, HashingEmbedder, Job, Ranked, ResumeRanker, parse_job
from m4_genai.retrieval.documents import read_text
from roadmap_data import data_dir
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.runkit import RunConfig, RunParser, require, require_at_least, save_metrics

PROG = "rank-resumes"


@dataclass(frozen=True, kw_only=True)
class RankConfig(RunConfig):
    """What to rank for which job, and how the two scores are fused."""

    PRESETS: ClassVar = {
        "tiny": {"evaluate": True, "top": 5, "embedder": "hashing"},
        "cpu": {},
        "full": {},
    }

    job: str = "backend-python"
    """A job description file (TXT, MD, PDF, DOCX) or a sample job: backend-python, frontend-react, ml-engineer, data-analyst."""
    resumes: Path | None = None
    """Folder of PDF/DOCX/TXT resumes (None: the 24 samples, written to data/resumes/samples)."""
    must_have: tuple[str, ...] = ()
    """Must-have skills, any spelling (default: the job's "Must have" section)."""
    strict: bool = False
    """Drop candidates missing a must-have (default: rank them below the others)."""
    fusion: Fusion = "weighted"
    """How dense and BM25 scores are combined: weighted (min-max scaled mix) or rrf (ranks only)."""
    alpha: float = 0.3
    """weighted: share of the dense score (0.3 was the best of 0.3/0.5/0.7 on the dev jobs)."""
    rrf_k: int = 60
    """rrf: the damping constant k of 1/(k + rank)."""
    top: int = 10
    """Candidates shown in the table."""
    evaluate: bool = False
    """Score dense, BM25 and fused rankings (NDCG@k) on the hand-labelled sample jobs instead."""
    k: int = 5
    """Cut-off of NDCG@k."""
    embedder: Literal["minilm", "hashing"] = "minilm"
    """minilm: MiniLM sentence embeddings; hashing: hashed word counts, no model (smoke: plumbing only)."""

    def validate(self) -> None:
        require(0.0 <= self.alpha <= 1.0, f"alpha must be between 0 and 1, not {self.alpha}")
        require_at_least(1, top=self.top, k=self.k, rrf_k=self.rrf_k)
        require(
            not (self.evaluate and self.resumes is not None),
            "--evaluate scores the labelled sample resumes: leave out --resumes",
        )


def load_job(spec: str, must_have: tuple[str, ...] = ()) -> Job:
    """A job from a file path, else from the sample jobs by name; DocumentError otherwise."""
    path = Path(spec)
    if path.is_file():
        text = read_resume_text(path) if path.suffix.lower() in SUFFIXES else read_text(path)
        return parse_job(text, path.stem, must_have)
    samples = sample_jobs()
    if spec in samples:
        return parse_job(samples[spec], spec, must_have)
    raise DocumentError(f"{spec}: no such job description file (sample jobs: {', '.join(samples)})")


@dataclass
class RankResult:
    """One job's ranking (``rank`` mode) or the NDCG table (``evaluate`` mode)."""

    job: Job | None = None
    ranking: list[Ranked] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    scores: list[JobScore] = field(default_factory=list)
    resumes: int = 0

    def metrics(self) -> dict[str, Any]:
        if self.scores:
            return {
                "resumes": self.resumes,
                "per_job": [s.__dict__ for s in self.scores],
                "mean_ndcg": mean_by_split(self.scores),
            }
        assert self.job is not None
        return {
            "job": self.job.name,
            "must_have": self.job.must_have,
            "resumes": self.resumes,
            "skipped": [f"{name}: {why}" for name, why in self.skipped],
            "ranking": [r.explain() | {"fields": r.resume.fields()} for r in self.ranking],
        }


def make_ranker(config: RankConfig, resumes: list[Any]) -> ResumeRanker:
    embedder = HashingEmbedder() if config.embedder == "hashing" else None  # None: MiniLM
    with console.status(f"embedding the sentences of {len(resumes)} resumes…"):
        return ResumeRanker(
            resumes, embedder, fusion=config.fusion, rrf_k=config.rrf_k, alpha=config.alpha
        )


def run(config: RankConfig, as_of: dt.date | None = None) -> RankResult:
    """Parse the folder (or write and parse the samples), then rank for the job or evaluate."""
    # The job first: a wrong path should fail before seconds of parsing and embedding.
    job = None if config.evaluate else load_job(config.job, config.must_have)
    folder = config.resumes
    if folder is None:
        folder = data_dir() / "resumes" / "samples"
        write_samples(folder)
    loaded = load_folder(folder, as_of)
    ranker = make_ranker(config, loaded.resumes)
    if config.evaluate:
        jobs = [parse_job(text, name) for name, text in sample_jobs().items()]
        scores = evaluate(ranker, jobs, sample_labels(), config.k)
        return RankResult(scores=scores, resumes=len(loaded.resumes), skipped=loaded.skipped)
    assert job is not None
    ranking = ranker.rank(job, strict=config.strict)
    return RankResult(job, ranking, loaded.skipped, resumes=len(loaded.resumes))


def report(result: RankResult, config: RankConfig) -> None:
    """The table a recruiter reads, then why the first three are there."""
    for name, why in result.skipped:
        console.print(f"[yellow]warning: skipped {escape(name)}: {escape(why)}[/yellow]")
    if result.scores:
        rows = [[s.job, s.split, *(s.ndcg[m] for m in METHODS)] for s in result.scores]
        for split, means in mean_by_split(result.scores).items():
            rows.append([f"mean ({split})", split, *means.values()])
        print_table(
            f"NDCG@{config.k} on {result.resumes} labelled resumes",
            ["job", "split", *METHODS],
            rows,
        )
        return
    assert result.job is not None
    must = ", ".join(result.job.must_have) or "none"
    rows = [
        [n, r.resume.name or r.resume.source, round(r.score, 3), round(r.dense, 3), round(r.bm25, 2),
         r.resume.years if r.resume.years is not None else "?",
         ", ".join(r.matched[:6]), ", ".join(r.missing) or "-"]
        for n, r in enumerate(result.ranking[: config.top], start=1)
    ]  # fmt: skip
    print_table(
        f"{result.job.title}: {result.resumes} resumes (must have: {must})",
        ["#", "candidate", "score", "dense", "bm25", "years", "matched skills", "missing"],
        rows,
    )
    for n, r in enumerate(result.ranking[:3], start=1):
        console.print(
            f"[bold]{n}. {escape(r.resume.name or r.resume.source)}[/bold] ({r.resume.source})"
        )
        for sentence, cosine in r.sentences:
            console.print(f"   {cosine:.2f}  {escape(sentence)}")
        terms = ", ".join(f"{t} {c:.1f}" for t, c in r.terms)
        console.print(f"   [dim]BM25 terms: {escape(terms)}[/dim]")


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser(
        PROG, __doc__, RankConfig,
        flags=["job", "resumes", "strict", "fusion", "alpha", "rrf_k", "top", "evaluate", "k",
               "embedder"],
    )  # fmt: skip
    parser.add_field("must_have", nargs="+")
    args = parser.parse_args(argv)
    config = parser.config(args)
    result = run(config)
    report(result, config)
    console.print(f"metrics → {save_metrics(result, config, config.out)}")
    return 0
