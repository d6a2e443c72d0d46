"""Run RAG setups over a golden set, score every answer, choose on dev, report on test.

    golden set (dev + test) ──▶ for each setup: index (cached per chunk setting) → month 4's chain
        → answer + retrieved chunks ──▶ RAGAS metrics (judge) ──▶ per-question rows
    dev means ──▶ choose the best setup by the primary metric ──▶ test: every setup, chosen marked

Held-out discipline: the choice reads dev rows only (``choose_setup``); the test split is run
after the choice and only reported. A setup chosen on the questions that score it looks better
than it is, so the report labels every table with its split.
"""

from __future__ import annotations

import contextlib
import math
import re
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar, Literal

from tqdm.auto import tqdm

from m4_genai.golden.scoring import bootstrap_ci
from m4_genai.llm import ChatModel, Kind
from m4_genai.rag import RagConfig, answer
from m4_genai.retrieval import ChunkIndex, Embedder, default_embedder, index_files, iter_files
from m4_genai.retrieval.embedder import SentenceTransformerEmbedder, torch_threads
from m4_genai.retrieval.search import Searcher, make_searcher
from m6_advanced.errors import GoldenFileError
from m6_advanced.evaluation.gate import Baseline, GateResult, check_run, compare, read_baseline
from m6_advanced.evaluation.golden import GoldenItem, load_golden_file, select, write_corpus
from m6_advanced.evaluation.judges import is_noncommittal
from m6_advanced.evaluation.metrics import METRICS, Judge, Sample, aggregate, score_sample
from m6_advanced.evaluation.readers import CachedEmbedder, ReaderCache, make_run_judge
from m6_advanced.evaluation.results import ABSTENTION, EvalResult, Row
from m6_advanced.evaluation.setups import RagSetup, parse_setups
from m6_advanced.hashing_embedder import BagOfWordsEmbedder
from roadmap_data import data_dir
from roadmap_data.runkit import RunConfig, require, require_at_least

CITATION = re.compile(r"\s*\[\d+\]")
"""A citation mark of month 4's chain, removed from an answer before it is judged."""
TINY_IDS = ("pydoc-f024", "none-001", "pydoc-t038", "none-n026")
"""The tiny preset's questions: two per split (one unanswerable each) on two short sections."""
Primary = Literal["faithfulness", "answer_relevancy", "context_precision", "context_recall"]


@dataclass(frozen=True, kw_only=True)
class EvalRagConfig(RunConfig):
    """Which golden set, which setups, which reader and judge, and the gate."""

    PRESETS: ClassVar = {
        "tiny": {"configs": ("bm25-k3", "dense-k3"), "ids": TINY_IDS, "only_sources": True,
                 "llm": "scripted", "judge": "embedding", "judge_embedder": "bag-of-words"},
        "cpu": {},
        "full": {"configs": ("dense-k3", "bm25-k3", "hybrid-k3", "hybrid-k5", "hybrid-k3-c400",
                             "hybrid-k3-rerank")},
    }  # fmt: skip

    golden: str = "pydoc"
    """Golden set: pydoc (Python's reference, month 4), contracts (Contract-QA) or a JSONL file."""
    corpus: Path | None = None
    """Folder of the documents a JSONL golden file asks about (shipped sets write their own)."""
    configs: tuple[str, ...] = ("dense-k3", "bm25-k3", "hybrid-k3", "hybrid-k5")
    """RAG setups to compare: example names, inline name:key=value,... or .json/.toml files."""
    split: Literal["held-out", "dev", "test"] = "held-out"
    """held-out: choose on dev, report on test; dev or test: run that split only (no held-out figure)."""
    limit: int | None = None
    """Questions per split (a seeded sample, keeping an unanswerable one); None: all."""
    primary: Primary = "context_recall"
    """Metric that chooses the setup on dev (context_recall: did retrieval bring what the reference answer needs)."""
    llm: Kind | None = "scripted"
    """Reader: scripted (extractive: copies source [1]'s first sentence; isolates retrieval, seconds), local (llama.cpp, offline, ≈10-60 s/answer), openai (a server)."""
    judge: Literal["llm", "embedding"] = "embedding"
    """Judge: llm (RAGAS proper, the --judge-llm model) or embedding (cosine fallback, labelled; not RAGAS)."""
    judge_llm: Kind | None = None
    """Chat model of the llm judge (None: local); --judge-model picks the catalogue model."""
    judge_model: str | None = None
    """Catalogue model of a local llm judge (None: the best installed)."""
    ids: tuple[str, ...] = ()
    """Only these golden ids (a tiny run, re-reading a miss); empty: every question of the split."""
    only_sources: bool = False
    """Index only the first source of each selected question (tiny runs); else the whole corpus."""
    judge_embedder: Literal["minilm", "bag-of-words"] = "minilm"
    """Embeddings of the embedding judge: minilm (all-MiniLM-L6-v2, the index's too), or bag-of-words (word overlap: smoke runs only, never for reported numbers)."""
    index_dir: Path | None = None
    """Where indexes are cached, one per golden set and chunk setting (None: data/indexes/eval-rag)."""
    baseline: Path | None = None
    """Regression gate: a previous metrics.json (or {"metrics": {...}}); exit 1 on a drop > tolerance."""
    tolerance: float = 0.05
    """Largest drop of a metric mean (absolute) the gate lets through."""

    def validate(self) -> None:
        require_at_least(1, limit=self.limit)
        require(0 <= self.tolerance < 1, f"tolerance must be in [0, 1), not {self.tolerance}")
        require(bool(self.configs), "give at least one --config")


def summarise(scores: list[dict[str, float]]) -> dict[str, dict[str, Any]]:
    """``aggregate`` (mean, n, n_nan per metric) plus a 95% bootstrap interval of each mean: with
    tens of questions per split, a difference inside the intervals may be noise."""
    summary: dict[str, dict[str, Any]] = aggregate(scores)
    for name, agg in summary.items():
        defined = [row[name] for row in scores if name in row and not math.isnan(row[name])]
        agg["ci"] = bootstrap_ci(defined) if defined else (math.nan, math.nan)
    return summary


def choose_setup(dev: dict[str, dict[str, dict[str, float]]], primary: str) -> str:
    """The setup with the best dev mean of ``primary`` (first listed on a tie; NaN loses)."""

    def key(name: str) -> float:
        mean = dev[name].get(primary, {}).get("mean", math.nan)
        return -math.inf if math.isnan(mean) else mean

    return max(dev, key=key)  # max keeps the first of equal keys


def build_index(
    config: EvalRagConfig, setup: RagSetup, items: list[GoldenItem], embedder: Embedder
) -> ChunkIndex:
    """The cached index for this golden set and chunk setting, brought up to date (incremental)."""
    root = config.index_dir or data_dir() / "indexes" / "eval-rag"
    name = Path(config.golden).stem + ("-subset" if config.only_sources else "")
    sources = {s for item in items for s in item.sources[:1]} if config.only_sources else None
    if config.corpus is not None:
        if not config.corpus.is_dir():
            raise GoldenFileError(f"corpus folder {config.corpus} not found")
        files = [p for p in iter_files([config.corpus]) if sources is None or p.name in sources]
        pairs = [(p, p.relative_to(config.corpus).as_posix()) for p in files]
    else:
        folder = root / f"corpus-{name}"
        pairs = [(p, p.name) for p in write_corpus(config.golden, folder, sources)]
    if not pairs:
        raise GoldenFileError(f"no documents to index for {config.golden}")
    index = ChunkIndex(root / f"{name}-{setup.index_key}", "documents", embedder=embedder)
    index_files(index, pairs, setup.chunk_size, setup.chunk_overlap, prune=True, progress=False)
    return index


def score_row(item: GoldenItem, text: str, contexts: list[str], judge: Judge, embedder: Any):
    """The four RAGAS metrics plus abstention. Unanswerable items have no reference to retrieve
    for, so they are scored without one (context metrics NaN: undefined, not zero)."""
    reference = item.reference if item.answerable else ""
    # Citation marks ("[1]") are not claims: a judge that splits sentences would count them.
    said = CITATION.sub("", text).strip()
    sample = Sample(item.question, said, tuple(contexts), reference)
    scores = score_sample(sample, judge, embedder, METRICS)
    answered = not is_noncommittal(said)
    scores[ABSTENTION] = 1.0 if answered == item.answerable else 0.0
    return scores


def run(
    config: EvalRagConfig,
    *,
    embedder: Embedder | None = None,
    reader: ChatModel | None = None,
    judge: Judge | None = None,
    llm_options: dict[str, Any] | None = None,
    progress: bool = True,
) -> EvalResult:
    """Evaluate every setup (``config.configs``) on the golden set; choose on dev, report on test.

    ``embedder``/``reader``/``judge`` replace the defaults (MiniLM, ``config.llm``, ``config.judge``)
    e.g. in tests; ``llm_options`` are passed to ``load_chat_model`` (model, threads, base_url...).
    """
    start = time.perf_counter()
    setups = parse_setups(config.configs)
    items = load_golden_file(config.golden)
    splits = ["dev", "test"] if config.split == "held-out" else [config.split]
    baseline = read_baseline(config.baseline) if config.baseline else None  # fail before the work
    if baseline is not None:
        check_run(baseline, [s.name for s in setups], splits, config.golden)
    if config.ids:
        unknown = sorted(set(config.ids) - {item.id for item in items})
        if unknown:
            raise GoldenFileError(f"{config.golden}: no question with id {', '.join(unknown)}")
        items = [item for item in items if item.id in config.ids]
    chosen_items = {s: select(items, s, config.limit, config.seed) for s in splits}
    for split, selected in chosen_items.items():
        if not selected:
            raise GoldenFileError(f"{config.golden}: no {split} questions")
    embedder = embedder or default_embedder()
    readers = ReaderCache(config, reader, llm_options or {})
    if judge is None:
        judge_embedder = (
            BagOfWordsEmbedder() if config.judge_embedder == "bag-of-words" else embedder
        )
        judge = make_run_judge(config, CachedEmbedder(judge_embedder), llm_options or {})
    every_item = [i for selected in chosen_items.values() for i in selected]
    indexes: dict[str, ChunkIndex] = {}
    rows: list[Row] = []
    total = sum(len(v) for v in chosen_items.values()) * len(setups)
    bar = tqdm(total=total, desc="eval-rag", unit="answer", disable=not progress)
    for split in splits:
        for setup in setups:
            if setup.index_key not in indexes:  # indexing embeds big batches: all threads
                indexes[setup.index_key] = build_index(config, setup, every_item, embedder)
            # Scoring embeds many small batches: one torch thread is faster on a shared CPU
            # (an embedder without torch, such as bag-of-words, needs no torch import at all).
            minilm = isinstance(embedder, SentenceTransformerEmbedder)
            with torch_threads(1) if minilm else contextlib.nullcontext():
                rows += answer_setup(split, setup, chosen_items[split], indexes[setup.index_key],
                                     readers.get(setup), judge, embedder, bar)  # fmt: skip
    bar.close()
    summaries = {
        split: {s.name: summarise([r.scores for r in rows if r.split == split and r.config == s.name])
                for s in setups}
        for split in splits
    }  # fmt: skip
    if "dev" in summaries:
        chosen, chosen_on = choose_setup(summaries["dev"], config.primary), "dev"
    else:
        chosen, chosen_on = setups[0].name, "no choice (dev not run): the first setup"
    result = EvalResult(
        config, setups, rows, summaries, chosen, chosen_on, readers.describe(),
        f"{judge.label} ({getattr(judge, 'name', type(judge).__name__)})",
        time.perf_counter() - start,
        index_chunks={key: index.count() for key, index in indexes.items()},
    )  # fmt: skip
    if baseline is not None:
        result.gate = check_gate(result, baseline)
    return result


def check_gate(result: EvalResult, baseline: Baseline) -> GateResult:
    """Compare the baseline's setup (the chosen one if the baseline names none) on the baseline's
    split (the headline split if it names none) with the baseline's metrics; ``check_run``
    refused, before the work, a baseline whose setup, split or golden set this run lacks."""
    check_run(
        baseline, [s.name for s in result.setups], list(result.summaries), result.config.golden
    )
    setup = baseline.config or result.chosen
    split = baseline.split or result.report_split
    same = replace(baseline, split=split)
    return compare(result.means(split, setup), same, setup, result.config.tolerance)


def answer_setup(split: str, setup: RagSetup, items: list[GoldenItem], index: ChunkIndex,
                 reader: ChatModel, judge: Judge, embedder: Any, bar: Any) -> list[Row]:  # fmt: skip
    """Every item of one split answered and scored with one setup."""
    searcher = make_searcher(index, setup.mode, setup.rerank, setup.candidates)
    rows = []
    for item in items:
        rows.append(answer_one(split, setup, item, searcher, reader, judge, embedder))
        bar.update(1)
    return rows


def answer_one(split: str, setup: RagSetup, item: GoldenItem, searcher: Searcher,
               reader: ChatModel, judge: Judge, embedder: Any) -> Row:  # fmt: skip
    """Month 4's chain answers ``item`` with this setup; the judge scores the answer."""
    started = time.perf_counter()
    rag = RagConfig(k=setup.k, mode=setup.mode, rerank=setup.rerank, candidates=setup.candidates)
    result = answer(item.question, searcher, reader, rag)
    contexts = [hit.chunk.text for hit in result.hits]
    # answer_relevancy embeds with the judge's embedder when it has one (the fallback's), else MiniLM
    scores = score_row(item, result.text, contexts, judge, getattr(judge, "embedder", embedder))
    sources = [hit.chunk.source for hit in result.hits]
    return Row(split, setup.name, item, result.text, sources, contexts, scores,
               time.perf_counter() - started)  # fmt: skip
