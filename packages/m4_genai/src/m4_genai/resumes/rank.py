"""Rank resumes against a job description: meaning (embeddings) + words (BM25), fused, filtered.

Two views of relevance that fail differently:

- **Dense**: every sentence of the job and of each resume embedded by MiniLM. A resume's score
  is, for each job sentence, the cosine of the *best-matching* resume sentence, averaged over the
  job's sentences ("late interaction", as in ColBERT, at sentence level). One long resume vector
  would blur ten topics into one; sentence-level matching lets "trained PyTorch ranking models"
  answer "train deep learning models with PyTorch" directly, and names the sentence that did.
- **BM25** (month 4's own, ``retrieval.bm25``) over the whole resume with the job as the query:
  exact rare words ("Kubernetes", "Tableau") count a lot, common ones little.

**Fusion**: reciprocal rank fusion (RRF) by default: it needs no score calibration (cosines and
BM25 scores live on different scales). ``weighted`` min-max-normalises both and mixes them.

**Must-have filter**: a candidate missing a must-have skill (``skills.py`` spellings, implied
skills included) goes below every candidate who has them all, or is dropped with ``strict``.
The explanation of each place lists the matched skills, the closest resume sentences and the
BM25 terms that scored.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from m4_genai.resumes.parse import Resume, sentences, split_sections
from m4_genai.resumes.skills import canonical, find_skills
from m4_genai.retrieval.bm25 import BM25, reciprocal_rank_fusion, tokenize
from m4_genai.retrieval.embedder import Embedder, default_embedder

Fusion = Literal["rrf", "weighted"]


@dataclass
class Job:
    """A job description: its sentences (embedded), its skills and the must-haves."""

    name: str
    text: str
    title: str
    must_have: list[str]
    skills: list[str]
    """Every known skill the description mentions (must-haves and nice-to-haves included)."""
    sentences: list[str]
    min_years: int | None = None


def parse_job(text: str, name: str = "job", must_have: tuple[str, ...] = ()) -> Job:
    """A job from its text; must-haves from its "Must have" section unless ``must_have`` is given.

    ``must_have`` accepts any spelling the vocabulary knows ("postgres" → PostgreSQL); an unknown
    skill is kept as written and matched literally against the resume text.
    """
    sections = split_sections(text)
    title = sections["header"][0] if sections["header"] else name
    if must_have:
        required = [canonical(skill) or skill for skill in must_have]
    else:
        required = find_skills("\n".join(sections.get("must_have", [])), implied=False)
    years = re.search(r"(\d{1,2})\s*\+\s*years", text)
    return Job(
        name=name,
        text=text,
        title=title,
        must_have=required,
        skills=find_skills(text, implied=False),
        sentences=[title, *sentences(sections)],
        min_years=int(years.group(1)) if years else None,
    )


def missing_skills(resume: Resume, job: Job) -> list[str]:
    """The must-haves a resume lacks (a skill outside the vocabulary is looked up as a word)."""
    have = set(resume.skills)
    text = resume.text.lower()
    return [
        skill
        for skill in job.must_have
        if skill not in have and not (canonical(skill) is None and skill.lower() in text)
    ]


@dataclass
class Ranked:
    """One candidate's place in a ranking, and why it is there."""

    resume: Resume
    score: float
    """Fused score (RRF: Σ 1/(k + rank); weighted: α·dense + (1−α)·bm25, both min-max scaled)."""
    dense: float
    bm25: float
    matched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    sentences: list[tuple[str, float]] = field(default_factory=list)
    """The resume sentences closest to any job sentence, with their cosine."""
    terms: list[tuple[str, float]] = field(default_factory=list)
    """The query terms that earned the most BM25 score, with their share of it."""

    def explain(self) -> dict[str, object]:
        return {
            "id": self.resume.source,
            "name": self.resume.name,
            "score": round(self.score, 4),
            "dense": round(self.dense, 4),
            "bm25": round(self.bm25, 3),
            "matched_skills": self.matched,
            "missing_must_have": self.missing,
            "closest_sentences": [[s, round(c, 3)] for s, c in self.sentences],
            "bm25_terms": [[t, round(c, 3)] for t, c in self.terms],
            "years": self.resume.years,
        }


class ResumeRanker:
    """Index a list of parsed resumes once (sentence vectors, BM25), then rank them for any job."""

    def __init__(
        self,
        resumes: list[Resume],
        embedder: Embedder | None = None,
        fusion: Fusion = "rrf",
        rrf_k: int = 60,
        alpha: float = 0.5,
    ) -> None:
        if not resumes:
            raise ValueError("no resumes to rank")
        self.resumes, self.fusion, self.rrf_k, self.alpha = resumes, fusion, rrf_k, alpha
        self.embedder = embedder or default_embedder()
        self.sentences = [r.sentences or [r.text[:1000]] for r in resumes]
        flat = [s for group in self.sentences for s in group]
        vectors = self.embedder.embed(flat)  # (total sentences, 384), unit rows
        bounds = np.cumsum([0, *map(len, self.sentences)])
        self.vectors = [vectors[a:b] for a, b in itertools.pairwise(bounds)]
        self.bm25 = BM25([tokenize(r.text) for r in resumes])
        self._jobs: dict[tuple[str, ...], np.ndarray] = {}

    def dense(self, job: Job) -> tuple[np.ndarray, list[np.ndarray]]:
        """(N,) scores: mean over job sentences of the best resume-sentence cosine; and, per
        resume, each of its sentences' best cosine to any job sentence (for the explanation)."""
        key = tuple(job.sentences)
        if key not in self._jobs:  # evaluation asks for the same job's scores more than once
            self._jobs[key] = self.embedder.embed(job.sentences)
        queries = self._jobs[key]  # (m, 384)
        scores, per_sentence = [], []
        for vectors in self.vectors:
            cosines = queries @ vectors.T  # (m, n_i)
            scores.append(float(cosines.max(axis=1).mean()))
            per_sentence.append(cosines.max(axis=0))
        return np.array(scores), per_sentence

    def bm25_terms(self, query: list[str], doc: int, top: int) -> list[tuple[str, float]]:
        """The ``top`` query terms by their part of document ``doc``'s BM25 score."""
        bm25 = self.bm25
        norm = bm25.k1 * (1 - bm25.b + bm25.b * bm25.doc_len[doc] / bm25.avgdl)
        parts: dict[str, float] = {}
        for term in query:  # a term repeated in the query counts again, as in BM25.scores
            ids, tf = bm25.postings.get(term, (np.array([], int), np.array([])))
            hit = np.flatnonzero(ids == doc)
            if hit.size:
                f = tf[hit[0]]
                parts[term] = parts.get(term, 0.0) + bm25.idf[term] * f * (bm25.k1 + 1) / (f + norm)
        return sorted(parts.items(), key=lambda item: -item[1])[:top]

    def fuse(self, dense: np.ndarray, keyword: np.ndarray) -> np.ndarray:
        """One score per resume from the two views (see the module docstring)."""
        if self.fusion == "rrf":
            ids = [str(i) for i in range(len(dense))]
            rankings = [[ids[i] for i in np.argsort(-s, kind="stable")] for s in (dense, keyword)]
            fused = dict(reciprocal_rank_fusion(rankings, k=self.rrf_k))
            return np.array([fused[i] for i in ids])
        return self.alpha * _min_max(dense) + (1 - self.alpha) * _min_max(keyword)

    def scores(self, job: Job) -> dict[str, np.ndarray]:
        """``{"dense", "bm25", "fused"}`` → (N,) scores, one per resume (higher is better)."""
        dense, _ = self.dense(job)
        keyword = self.bm25.scores(tokenize("\n".join(job.sentences)))
        return {"dense": dense, "bm25": keyword, "fused": self.fuse(dense, keyword)}

    def rank(
        self,
        job: Job,
        must_have: bool = True,
        strict: bool = False,
        top_sentences: int = 3,
        top_terms: int = 5,
    ) -> list[Ranked]:
        """Every resume, best first by fused score; with ``must_have``, those holding every
        must-have skill come before the rest (``strict``: the rest are dropped)."""
        dense, per_sentence = self.dense(job)
        query = tokenize("\n".join(job.sentences))
        keyword = self.bm25.scores(query)
        fused = self.fuse(dense, keyword)
        ranked = []
        for i, resume in enumerate(self.resumes):
            best = np.argsort(-per_sentence[i], kind="stable")[:top_sentences]
            missing = missing_skills(resume, job)
            ranked.append(
                Ranked(
                    resume=resume,
                    score=float(fused[i]),
                    dense=float(dense[i]),
                    bm25=float(keyword[i]),
                    matched=[s for s in job.skills if s in resume.skills],
                    missing=missing,
                    sentences=[(self.sentences[i][j], float(per_sentence[i][j])) for j in best],
                    terms=self.bm25_terms(query, i, top_terms),
                )
            )
        # sorted() is stable: ties keep the folder's (alphabetical) order, runs are repeatable.
        ranked.sort(key=lambda r: (must_have and bool(r.missing), -r.score))
        return [r for r in ranked if not (strict and r.missing)]


class HashingEmbedder:
    """Lower-cased words hashed into ``dim`` buckets, unit rows: cosine = word overlap.

    A stand-in for MiniLM in ``--smoke`` runs and plumbing tests (no torch, no model load);
    lexical, so its "dense" scores measure nothing a reader should quote.
    """

    name = "hashing-bow (smoke stand-in for MiniLM)"

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
                vectors[row, int.from_bytes(digest, "little") % self.dim] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms > 0, norms, 1.0)


def _min_max(scores: np.ndarray) -> np.ndarray:
    span = scores.max() - scores.min()
    return (scores - scores.min()) / span if span > 0 else np.zeros_like(scores)
