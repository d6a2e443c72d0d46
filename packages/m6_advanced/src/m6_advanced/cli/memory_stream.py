"""``memory-stream``: replay a developer's day through the memory stream of Generative Agents.

    uv run memory-stream --smoke                      # stand-ins, no model: seconds
    uv run memory-stream --llm local --model qwen2.5-coder-0.5b --threads 1
    uv run memory-stream --importance hand            # the day's hand labels, model reflects
    uv run memory-stream --weights 0.5 2 3            # the authors' code's α (recency importance relevance)
    uv run memory-stream --llm local --no-reflect     # importance ratings only

Maya, a backend developer, lives one Tuesday (45 observations in ``memory/day.json``: stand-up,
a customer's bug, lunch, a production incident, a birthday, a promotion...). Each observation is
rated for importance (1-10, the paper's prompt) and stored with a MiniLM embedding. Whenever the
observations' importance adds up to 150 the agent *reflects*: the model asks itself 3 questions
about its last 100 memories and writes insights citing the memories they rest on, stored as new
memories. At eight moments Maya asks her memory a question; for each, the top-k memories are
printed with their three normalised scores (recency = 0.995 ** hours since last access,
importance, relevance = cosine similarity) and the weighted total. Watch the same question rank
different memories at different times.

Writes ``metrics.json`` (every answer, the reflections and their citations, and how the model's
importance ratings agree with the hand labels: Spearman's rho on the labels' test split) and
``memory_day.png`` (each question's competing memories' scores through the day).
``--smoke`` uses labelled stand-ins: keyword importance, a hashing embedder (MiniLM takes ~13 s
to load) and a word-counting reflection model.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from rich.markup import escape
from rich.progress import Progress

from m4_genai.llm import ChatModel, Kind, load_chat_model
from m4_genai.retrieval.embedder import Embedder, default_embedder
from m6_advanced.memory import (
    AgentMemory,
    HashingEmbedder,
    HeuristicImportanceRater,
    LLMImportanceRater,
    MemoryStream,
    Observed,
    Reflector,
    RetrievalWeights,
)
from m6_advanced.memory.day import Day, DayReplay, agreement, load_day, replay_day
from m6_advanced.memory.importance import ImportanceRater
from m6_advanced.memory.plot import plot_day
from m6_advanced.memory.scripted import KeywordReflectionModel
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.runkit import RunConfig, RunParser, llm_server_options, require, save_metrics
from roadmap_data.runkit import require_at_least as at_least

REPLY_TOKENS = 400
"""Most tokens one model reply may use (five insights with citations fit)."""


@dataclass(frozen=True, kw_only=True)
class MemoryStreamConfig(RunConfig):
    """A simulated day replayed through a Generative Agents memory stream."""

    PRESETS: ClassVar = {
        "tiny": {"llm": "scripted", "importance": "heuristic", "embedder": "hashing"},
        "cpu": {},
        "full": {},
    }

    llm: Kind | None = None
    """Chat model that rates importance and reflects: local (llama.cpp, offline), openai (a server), scripted (a word-counting stand-in; needs --importance heuristic or hand); default $AI_ROADMAP_LLM, else local."""
    importance: Literal["llm", "heuristic", "hand"] = "llm"
    """Who rates each observation 1-10: llm (the paper's prompt), heuristic (keyword stand-in), hand (the day file's labels)."""
    embedder: Literal["minilm", "hashing"] = "minilm"
    """Relevance embeddings: minilm (all-MiniLM-L6-v2) or hashing (lexical stand-in, instant)."""
    weights: tuple[float, ...] = (1.0, 1.0, 1.0)
    """The α of recency, importance and relevance in the retrieval score (the paper: 1 1 1)."""
    decay: float = 0.995
    """Recency decay per hour since a memory was last accessed (the paper: 0.995)."""
    threshold: int = 150
    """Reflect when the observations' importance since the last reflection adds up to this (the paper: 150)."""
    reflect: bool = True
    """Run reflection at all (--no-reflect: importance and retrieval only)."""
    k: int = 5
    """Memories each question retrieves (and prints)."""
    insights_per_question: int = 5
    """Insights asked for per reflection question (the paper: 5)."""
    evidence_k: int = 10
    """Memories retrieved per reflection question as the insight prompt's statements."""
    probe_minutes: int = 30
    """Minutes between the plot's score probes (they refresh nothing)."""

    def validate(self) -> None:
        require(len(self.weights) == 3, f"weights are 3 numbers (recency importance relevance), not {self.weights}")  # fmt: skip
        require(min(self.weights) >= 0 and sum(self.weights) > 0,
                f"weights must be >= 0 and not all 0, not {self.weights}")  # fmt: skip
        require(0 < self.decay <= 1, f"decay must be in (0, 1], not {self.decay}")
        at_least(1, threshold=self.threshold, k=self.k, evidence_k=self.evidence_k,
                 insights_per_question=self.insights_per_question, probe_minutes=self.probe_minutes)  # fmt: skip
        require(not (self.llm == "scripted" and self.importance == "llm"),
                "--llm scripted cannot rate importance: add --importance heuristic or hand")  # fmt: skip


@dataclass
class MemoryRun:
    """One replayed day and what it cost."""

    day: Day
    replay: DayReplay
    memory: AgentMemory
    model_name: str
    seconds: float

    @functools.cached_property
    def agreement(self) -> dict[str, Any] | None:
        """Rater vs hand labels on each split (None when the hand labels were the ratings)."""
        if self.memory.rater.name == "hand labels":
            return None
        ratings = self.replay.ratings
        return {split: agreement(self.day, ratings, None if split == "all" else split)
                for split in ("test", "dev", "all")}  # fmt: skip

    def metrics(self) -> dict[str, Any]:
        return {
            "model": self.model_name,
            "importance_rater": self.memory.rater.name,
            "embedder": self.memory.stream.embedder.name,
            "observations": len(self.day.observations),
            "memories": len(self.memory.stream),
            "reflections": sum(len(r.reflections) for r in self.memory.rounds),
            "importance_agreement": self.agreement,
            "ratings": [
                {"time": o.time.strftime("%H:%M"), "text": o.text, "hand": o.hand_importance,
                 "rated": rating, "split": o.split}
                for o, rating in zip(self.day.observations, self.replay.ratings, strict=True)
            ],
            "reflection_rounds": [r.summary() for r in self.memory.rounds],
            "queries": [r.summary() for r in self.replay.results],
            "seconds": round(self.seconds, 2),
        }  # fmt: skip


class HandLabels:
    """A 'rater' that marks the replay to store the day file's labels (see ``replay_day``)."""

    name = "hand labels"

    def rate(self, text: str) -> int:  # only reflections get here: give them a neutral rating
        return 5


def build_memory(config: MemoryStreamConfig, model: ChatModel, embedder: Embedder) -> AgentMemory:
    """The agent's memory as configured: rater, reflector (or none), stream with its weights."""
    raters: dict[str, ImportanceRater] = {
        "llm": LLMImportanceRater(model) if config.importance == "llm" else HandLabels(),
        "heuristic": HeuristicImportanceRater(),
        "hand": HandLabels(),
    }
    rater = raters[config.importance]
    reflector = None
    if config.reflect:
        reflector = Reflector(model, rater, agent="Maya", insights_per_question=config.insights_per_question,
                              evidence_k=config.evidence_k, max_tokens=REPLY_TOKENS)  # fmt: skip
    stream = MemoryStream(embedder, RetrievalWeights(*config.weights), config.decay)
    return AgentMemory(stream, rater, reflector, config.threshold)


def run(
    config: MemoryStreamConfig, model: ChatModel | None = None, embedder: Embedder | None = None
) -> MemoryRun:
    """Replay the day; ``model``/``embedder`` default to what the config names (loaded here)."""
    if model is None:
        model = (
            KeywordReflectionModel()
            if config.llm == "scripted"
            else load_chat_model(config.llm, seed=config.seed, max_tokens=REPLY_TOKENS)
        )
    if embedder is None:
        embedder = HashingEmbedder() if config.embedder == "hashing" else default_embedder()
    memory = build_memory(config, model, embedder)
    day = load_day()
    started = time.perf_counter()
    with Progress(transient=True, console=console) as progress:
        task = progress.add_task("living the day", total=len(day.observations))

        def on_observed(observed: Observed) -> None:
            progress.advance(task)
            if observed.reflection is not None:
                show_reflection(observed)

        replay = replay_day(day, memory, config.k, config.probe_minutes,
                            use_hand_labels=config.importance == "hand", on_observed=on_observed)  # fmt: skip
    return MemoryRun(day, replay, memory, model.name, time.perf_counter() - started)


def show_reflection(observed: Observed) -> None:
    """Print a reflection round as it happens: its questions and the insights it stored."""
    round_ = observed.reflection
    assert round_ is not None
    console.print(f"[bold]{round_.time:%H:%M} reflection[/bold] (importance reached the threshold)")
    for question in round_.questions:
        console.print(f"  [dim]asked:[/dim] {escape(question)}")
    for memory in round_.reflections:
        console.print(f"  [green]#{memory.id}[/green] {escape(memory.text)} [dim](because of "
                      f"{', '.join(map(str, memory.evidence))})[/dim]")  # fmt: skip
    if round_.dropped_insights or round_.failures:
        console.print(f"  [yellow]{round_.dropped_insights} insight(s) dropped, "
                      f"{len(round_.failures)} unreadable repl(ies)[/yellow]")  # fmt: skip


def print_run(run_: MemoryRun) -> None:
    """One table per question asked (rec/imp/rel: the normalised components; R: a reflection),
    then the importance agreement."""
    for result in run_.replay.results:
        rows = [[f"{s.memory.id}{' R' if s.memory.kind == 'reflection' else ''}",
                 f"{s.memory.created:%H:%M}", f"{s.recency:.2f}", f"{s.importance:.2f}",
                 f"{s.relevance:.2f}", f"{s.score:.2f}", s.memory.text[:60]] for s in result.top]  # fmt: skip
        print_table(f"{result.query.time:%H:%M}  {result.query.text}",
                    ["id", "made", "rec", "imp", "rel", "score", "memory"], rows)  # fmt: skip
    agreement_ = run_.agreement
    if agreement_ is not None:
        print_table(
            f"importance: {run_.memory.rater.name} vs hand labels",
            ["split", "n", "spearman", "95% CI", "mean rated", "mean hand"],
            [[split, a["n"], a["spearman"], f"[{a['ci95'][0]:.2f}, {a['ci95'][1]:.2f}]",
              a["mean_rating"], a["mean_hand"]] for split, a in agreement_.items()],
        )  # fmt: skip
    reflections = sum(len(r.reflections) for r in run_.memory.rounds)
    console.print(f"{len(run_.memory.rounds)} reflection round(s), {reflections} reflection(s); "
                  f"{len(run_.memory.stream)} memories; {run_.seconds:.1f} s")  # fmt: skip


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser(
        "memory-stream", __doc__, MemoryStreamConfig,
        flags=["llm", "importance", "embedder", "weights", "decay", "threshold", "reflect", "k",
               "insights_per_question", "evidence_k", "probe_minutes"],
    )  # fmt: skip
    parser.add_llm_server_flags()
    args = parser.parse_args(argv)
    config = parser.config(args)
    model = None
    if config.llm != "scripted":
        model = load_chat_model(config.llm, seed=config.seed, max_tokens=REPLY_TOKENS,
                                **llm_server_options(args))  # fmt: skip
    run_ = run(config, model)
    print_run(run_)
    save_metrics(run_, config, config.out)
    plot = plot_day(run_.replay, run_.memory, config.out / "memory_day.png")
    console.print(f"[dim]metrics: {config.out / 'metrics.json'}  plot: {plot}[/dim]")
    return 0
