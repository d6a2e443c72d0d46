"""summarise: extractive (TextRank) and abstractive (a local LLM) summaries, scored with ROUGE.

The set: 16 sections of Python's language reference (offline, ``pydoc_data``), each with a
summary written by hand (``m4_genai/nlp/summaries.jsonl``): 6 dev, 10 test. For each method the
summary size (sentences kept, or asked of the model) is chosen on **dev**, then ROUGE-1/2/L F1 is
reported on **test** with a bootstrap 95 % interval (10 documents: read the interval).

Methods: ``lead`` (first k sentences, the baseline), ``textrank`` (PageRank over MiniLM sentence
similarities), ``textrank-position`` (the same with jumps biased to early sentences) and ``llm``
(the local instruct model through llama.cpp writes the summary).

    uv run summarise                                # all methods, best local model (minutes)
    uv run summarise --model qwen2.5-coder-0.5b     # a faster, weaker writer
    uv run summarise --methods lead textrank        # extractive only (seconds)
    uv run summarise --file notes.txt --size 3      # summarise your own text file
    uv run summarise --smoke                        # seconds: 2 + 2 documents, lead and word TextRank
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from tqdm import tqdm

from m4_genai.errors import GenAIError
from m4_genai.golden.scoring import bootstrap_ci
from m4_genai.llm import ChatModel, Kind, load_chat_model
from m4_genai.nlp.summarise import (
    WordEmbedder,
    abstractive,
    lead,
    prose_sentences,
    textrank,
    top_sentences,
)
from m4_genai.nlp.summarise import textrank_scores as centrality
from m4_genai.nlp.summary_eval import (
    Evaluation,
    Summariser,
    SummaryDoc,
    evaluate,
    load_summary_set,
    tune,
)
from m4_genai.retrieval.embedder import Embedder
from roadmap_data.console import console, friendly_errors, print_table, seed_everything
from roadmap_data.runkit import (
    RunConfig,
    RunParser,
    llm_server_options,
    require,
    require_at_least,
    save_metrics,
)

PROG = "summarise"
Method = Literal["lead", "textrank", "textrank-position", "llm"]


@dataclass(frozen=True, kw_only=True)
class SummariseConfig(RunConfig):
    """Which methods, which summary sizes to try on dev, which model writes."""

    PRESETS: ClassVar = {
        "tiny": {"methods": ("lead", "textrank"), "limit": 2, "sizes": (1, 2), "embedder": "words"},
        "cpu": {},
        "full": {"sizes": (1, 2, 3, 4, 5, 6), "llm_sizes": (2, 3, 4)},
    }

    methods: tuple[Method, ...] = ("lead", "textrank", "textrank-position", "llm")
    """Summarisers to compare."""
    sizes: tuple[int, ...] = (1, 2, 3, 4, 5)
    """Sentences to extract, tried on dev (the best is reported on test)."""
    llm_sizes: tuple[int, ...] = (2, 3)
    """Sentences to ask the model for, tried on dev."""
    position: float = 1.0
    """textrank-position: strength of the bias to early sentences (1 = PositionRank's 1/i)."""
    embedder: Literal["minilm", "words"] = "minilm"
    """TextRank's sentence similarity: minilm (cosine of MiniLM embeddings) or words (hashed word overlap, no model: what --smoke uses)."""
    damping: float = 0.85
    """PageRank's damping: the chance the walker follows an edge rather than jumping."""
    limit: int = 0
    """Documents per split (0: all 6 dev and 10 test)."""
    llm: Kind | None = None
    """Chat model for ``llm``: local (llama.cpp, best installed GGUF), openai, scripted; default $AI_ROADMAP_LLM, else local."""
    max_tokens: int = 160
    """Cap on the model's summary, in tokens."""
    file: Path | None = None
    """Summarise this text file instead of evaluating (prints each method's summary)."""
    size: int = 3
    """With --file: sentences per summary."""

    def validate(self) -> None:
        require(bool(self.methods), "choose at least one method")
        require(bool(self.sizes) and min(self.sizes) >= 1, "sizes must be at least 1")
        require(bool(self.llm_sizes) and min(self.llm_sizes) >= 1, "llm sizes must be at least 1")
        require(0 < self.damping < 1, "damping is a probability in (0, 1)")
        require_at_least(0, limit=self.limit, position=self.position)
        require_at_least(1, max_tokens=self.max_tokens, size=self.size)


@dataclass
class Result:
    """Per method: the size chosen on dev, dev means per size, test scores and summaries."""

    test: dict[str, Evaluation]
    chosen: dict[str, int]
    dev_means: dict[str, dict[int, float]]
    n_dev: int
    model: str = ""
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)

    def metrics(self) -> dict[str, Any]:
        return {
            "n_dev": self.n_dev,
            "n_test": len(next(iter(self.test.values())).scores) if self.test else 0,
            "model": self.model,
            "test": {
                method: {
                    "size": ev.size,
                    **{name: round(value, 4) for name, value in ev.mean.items()},
                    "rougeL_95ci": [round(v, 4) for v in self.intervals[method]],
                }
                for method, ev in self.test.items()
            },
            "dev_rougeL_by_size": {
                method: {str(size): round(value, 4) for size, value in means.items()}
                for method, means in self.dev_means.items()
            },
            "test_summaries": {method: ev.summaries for method, ev in self.test.items()},
        }


def sentence_embedder(config: SummariseConfig) -> Embedder | None:
    """TextRank's embedder: None (MiniLM, loaded on first use) or hashed word overlap."""
    return WordEmbedder() if config.embedder == "words" else None


def summarisers(config: SummariseConfig, model: ChatModel | None) -> dict[str, Summariser]:
    """``(document, size) -> summary`` per method. TextRank scores are computed once per
    document (embedding is the slow part) and reused for every size tried."""
    cache: dict[tuple[str, float], Any] = {}
    embedder = sentence_embedder(config)

    def ranked(position: float) -> Summariser:
        def summarise(doc: SummaryDoc, k: int) -> str:
            key = (doc.topic, position)
            if key not in cache:
                cache[key] = centrality(doc.sentences, embedder, config.damping, position)
            return " ".join(top_sentences(doc.sentences, cache[key], k))

        return summarise

    def llm(doc: SummaryDoc, k: int) -> str:
        if model is None:
            raise GenAIError("the llm method needs a chat model")
        return abstractive(doc.text, model, k, config.max_tokens)

    return {
        "lead": lambda doc, k: " ".join(lead(doc.sentences, k)),
        "textrank": ranked(0.0),
        "textrank-position": ranked(config.position),
        "llm": llm,
    }


def run(config: SummariseConfig, model: ChatModel | None = None) -> Result:
    """Tune each method's size on dev, score it on test; ``model`` overrides ``config.llm``."""
    dev = load_summary_set("dev", config.limit)
    test = load_summary_set("test", config.limit)
    if "llm" in config.methods and model is None:
        model = load_chat_model(config.llm, seed=config.seed, max_tokens=config.max_tokens)
    methods = summarisers(config, model)
    result = Result({}, {}, {}, len(dev), model.name if model else "")
    for method in tqdm(
        config.methods, desc="methods", unit="method", disable=len(config.methods) < 3
    ):
        sizes = config.llm_sizes if method == "llm" else config.sizes
        best, means = tune(method, methods[method], dev, sizes)
        evaluation = evaluate(method, methods[method], test, best)
        result.chosen[method], result.dev_means[method] = best, means
        result.test[method] = evaluation
        rouge_l = [row["rougeL"] for row in evaluation.scores]
        result.intervals[method] = bootstrap_ci(rouge_l, seed=config.seed)
    return result


def report(result: Result) -> None:
    n_test = len(next(iter(result.test.values())).scores)
    rows = [
        [
            method + (f" ({result.model})" if method == "llm" else ""),
            ev.size,
            f"{ev.mean['rouge1']:.3f}",
            f"{ev.mean['rouge2']:.3f}",
            f"{ev.mean['rougeL']:.3f}",
            "{:.3f}–{:.3f}".format(*result.intervals[method]),
        ]
        for method, ev in result.test.items()
    ]
    print_table(
        f"Summaries vs hand-written references: TEST, {n_test} documents (sizes chosen on "
        f"{result.n_dev} dev documents)",
        ["method", "sentences", "ROUGE-1", "ROUGE-2", "ROUGE-L", "ROUGE-L 95% CI"],
        rows,
    )


def summarise_file(config: SummariseConfig, model: ChatModel | None) -> dict[str, Any]:
    """Each method's summary of ``config.file`` (no reference, so no score)."""
    path = config.file
    if path is None or not path.is_file():
        raise GenAIError(f"{path}: no such file")
    text = path.read_text(encoding="utf-8", errors="replace")
    sentences = prose_sentences(text)
    if not sentences:
        raise GenAIError(f"{path}: no prose sentences found to summarise")
    summaries = {}
    for method in config.methods:
        if method == "llm":
            summaries[method] = abstractive(text, model or load_chat_model(config.llm), config.size)
        else:
            position = config.position if method == "textrank-position" else 0.0
            chosen = (
                lead(sentences, config.size)
                if method == "lead"
                else textrank(
                    sentences, config.size, sentence_embedder(config), config.damping, position
                )
            )
            summaries[method] = " ".join(chosen)
        console.print(f"[bold]{method}:[/bold] {summaries[method]}", markup=True, highlight=False)
    return {"file": str(path), "sentences": len(sentences), "summaries": summaries}


@dataclass
class FileResult:
    data: dict[str, Any]

    def metrics(self) -> dict[str, Any]:
        return self.data


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    flags = ["methods", "sizes", "llm_sizes", "position", "embedder", "damping", "limit", "llm",
             "max_tokens", "file", "size"]  # fmt: skip
    parser = RunParser(PROG, __doc__, SummariseConfig, flags=flags, llm=True)
    args = parser.parse_args(argv)
    config = parser.config(args)
    seed_everything(config.seed)
    model = None
    if "llm" in config.methods:
        options = {"seed": config.seed, "max_tokens": config.max_tokens}
        model = load_chat_model(config.llm, **options, **llm_server_options(args))
    if config.file is not None:
        outcome: Any = FileResult(summarise_file(config, model))
    else:
        outcome = run(config, model)
        report(outcome)
    print(f"wrote {save_metrics(outcome, config, config.out)}")
    return 0
