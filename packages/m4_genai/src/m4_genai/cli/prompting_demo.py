"""prompting-demo: the same questions asked zero-shot, few-shot and chain-of-thought; scored by code.

Two tasks with answers a program can check: two-step arithmetic (``What is 6 * 3 + 24?``) and the
sentiment of real tweets labelled by people (positive/negative, label confidence ≥ 0.9). Each
question is asked in each style from ``prompts/templates.toml``; the answer is extracted from the
reply and compared with the truth. Expect a 135M-parameter model to be weak (and chain-of-thought
not to help it much): the point is the method, which a better model (``--llm openai``) makes shine.

    uv run prompting-demo                          # local SmolLM2, 6 + 6 questions (~minutes)
    uv run prompting-demo --preset full            # 20 + 20 questions
    uv run prompting-demo --llm openai --model qwen2.5:0.5b  # e.g. Ollama on OPENAI_BASE_URL
    uv run prompting-demo --smoke                  # seconds: --llm scripted, 2 + 2 questions
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from tqdm import tqdm

from m4_genai.errors import GenAIError
from m4_genai.lessons.prompting import (
    Question,
    arithmetic_questions,
    extract_answer,
    is_correct,
    load_templates,
    render,
    sentiment_questions,
)
from m4_genai.llm import ChatModel, Kind, load_chat_model
from roadmap_data.console import friendly_errors, print_table, seed_everything
from roadmap_data.runkit import (
    RunConfig,
    RunParser,
    llm_server_options,
    require_at_least,
    save_metrics,
)

PROG = "prompting-demo"


@dataclass(frozen=True, kw_only=True)
class PromptingConfig(RunConfig):
    """What ``run`` asks, and of which model."""

    PRESETS: ClassVar = {
        "tiny": {"llm": "scripted", "n_arithmetic": 2, "n_sentiment": 2},
        "cpu": {},
        "full": {"n_arithmetic": 20, "n_sentiment": 20},
    }

    llm: Kind | None = None
    """Chat model: local (SmolLM2), openai (any compatible server), scripted (smoke runs); default $AI_ROADMAP_LLM, else local."""
    n_arithmetic: int = 6
    """Arithmetic questions (seeded)."""
    n_sentiment: int = 6
    """Tweets to classify, half positive, half negative (seeded)."""
    styles: tuple[str, ...] = ("zero_shot", "few_shot", "chain_of_thought")
    """Template styles compared, from prompts/templates.toml."""
    max_tokens: int = 16
    """Answer length cap for the direct styles (the answer is one line)."""
    cot_max_tokens: int = 64
    """Answer length cap for chain-of-thought (it reasons first)."""
    templates: Path | None = None
    """A templates.toml of your own (default: the packaged one)."""

    def validate(self) -> None:
        require_at_least(0, n_arithmetic=self.n_arithmetic, n_sentiment=self.n_sentiment)
        require_at_least(1, max_tokens=self.max_tokens, cot_max_tokens=self.cot_max_tokens)


@dataclass
class Result:
    """Per-style accuracy (per task and overall) and every answer, for reading."""

    accuracy: dict[str, dict[str, float]]
    answers: list[dict[str, Any]]
    model: str
    completion_tokens: int
    seconds: float
    load: dict[str, Any] = field(default_factory=dict)
    """For the local model: where it loaded from (gguf/cache) and how long that took."""

    def metrics(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "accuracy": self.accuracy,
            "completion_tokens": self.completion_tokens,
            "generation_seconds": self.seconds,
            "tokens_per_second": self.completion_tokens / self.seconds if self.seconds else 0.0,
            "load": self.load,
            "answers": self.answers,
        }


def questions_for(config: PromptingConfig) -> list[Question]:
    """The evaluation set: seeded arithmetic problems then seeded tweets."""
    return arithmetic_questions(config.n_arithmetic, config.seed) + sentiment_questions(
        config.n_sentiment, config.seed
    )


def run(config: PromptingConfig, model: ChatModel | None = None) -> Result:
    """Ask every question in every style; ``model`` overrides ``config.llm`` (tests inject one)."""
    tasks, styles = load_templates(config.templates)
    missing = [style for style in config.styles if style not in styles]
    if missing:
        raise GenAIError(f"unknown style(s) {missing}; the templates define {sorted(styles)}")
    model = model or load_chat_model(config.llm)
    questions = questions_for(config)
    answers, tokens, seconds = [], 0, 0.0
    jobs = [(style, q) for style in config.styles for q in questions]
    for style_name, question in tqdm(jobs, desc="asking", unit="question", disable=len(jobs) < 8):
        task, style = tasks[question.task], styles[style_name]
        cap = config.cot_max_tokens if style_name == "chain_of_thought" else config.max_tokens
        reply = model.chat(render(style, task, question.text), max_tokens=cap)
        tokens, seconds = tokens + reply.completion_tokens, seconds + reply.seconds
        answers.append(
            {
                "style": style_name,
                "task": question.task,
                "question": question.text,
                "truth": question.answer,
                "reply": reply.text,
                "extracted": extract_answer(reply.text, task),
                "correct": is_correct(reply.text, task, question.answer),
            }
        )
    load = {
        "from": getattr(model, "loaded_from", ""),
        "seconds": getattr(model, "load_seconds", 0.0),
    }
    return Result(_accuracy(answers, config.styles), answers, model.name, tokens, seconds, load)


def _accuracy(
    answers: list[dict[str, Any]], styles: tuple[str, ...]
) -> dict[str, dict[str, float]]:
    """``{style: {task: accuracy, ..., "all": accuracy}}``."""
    table: dict[str, dict[str, float]] = {}
    for style in styles:
        mine = [a for a in answers if a["style"] == style]
        groups = {
            task: [a for a in mine if a["task"] == task]
            for task in sorted({a["task"] for a in mine})
        }
        groups["all"] = mine
        table[style] = {
            task: sum(a["correct"] for a in group) / len(group)
            for task, group in groups.items()
            if group
        }
    return table


def report(result: Result, config: PromptingConfig) -> None:
    tasks = sorted({task for scores in result.accuracy.values() for task in scores} - {"all"})
    rows = [
        [
            style,
            *(scores.get(task, float("nan")) for task in tasks),
            scores.get("all", float("nan")),
        ]
        for style, scores in result.accuracy.items()
    ]
    print_table(
        f"Accuracy per prompt style ({result.model}, {config.n_arithmetic} arithmetic + "
        f"{config.n_sentiment} tweets)",
        ["style", *tasks, "all"],
        rows,
    )
    speed = result.completion_tokens / result.seconds if result.seconds else 0.0
    loaded = (
        f"; loaded from {result.load['from']} in {result.load['seconds']:.1f} s"
        if result.load.get("from")
        else ""
    )
    print(
        f"{result.completion_tokens} tokens generated in {result.seconds:.1f} s ({speed:.1f} tokens/s){loaded}"
    )
    examples = [a for a in result.answers if a["question"] == result.answers[0]["question"]]
    print_table(
        f"One question, three ways: {examples[0]['question']} (truth {examples[0]['truth']})",
        ["style", "reply", "extracted", "correct"],
        [[a["style"], a["reply"][:120], a["extracted"], a["correct"]] for a in examples],
    )


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser(
        PROG, __doc__, PromptingConfig, flags=["llm", "templates", "styles"], llm=True
    )
    args = parser.parse_args(argv)
    config = parser.config(args)
    seed_everything(config.seed)
    model = load_chat_model(config.llm, **llm_server_options(args))
    result = run(config, model)
    report(result, config)
    print(f"wrote {save_metrics(result, config, config.out)}")
    return 0
