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

import argparse
import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from m4_genai.errors import GenAIError
from m4_genai.llm import ChatModel, load_chat_model
from m4_genai.prompting import (
    Question,
    arithmetic_questions,
    extract_answer,
    is_correct,
    load_templates,
    render,
    sentiment_questions,
)
from roadmap_data import runs_dir
from roadmap_data.console import friendly_errors, print_table, save_json, seed_everything

PROG = "prompting-demo"


@dataclass(frozen=True)
class Config:
    """What ``run`` asks, and of which model."""

    llm: str | None = None
    """Backend: local (SmolLM2), openai (any compatible server), scripted (smoke runs);
    None = ``$AI_ROADMAP_LLM``, else local."""
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
    seed: int = 0
    """Picks the questions; decoding is greedy, hence deterministic."""
    templates: Path | None = None
    """A templates.toml of your own (default: the packaged one)."""

    @classmethod
    def preset(cls, name: str, **overrides: Any) -> Config:
        """``full`` 20 + 20 questions, ``cpu`` 6 + 6 (default), ``tiny`` 2 + 2 with the scripted model."""
        presets: dict[str, dict[str, Any]] = {
            "full": {"n_arithmetic": 20, "n_sentiment": 20},
            "cpu": {},
            "tiny": {"llm": "scripted", "n_arithmetic": 2, "n_sentiment": 2},
        }
        if name not in presets:
            raise GenAIError(f"unknown preset {name!r}; choose from {sorted(presets)}")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise GenAIError(f"unknown Config key(s) {unknown}; known: {sorted(known)}")
        config = cls(**{**presets[name], **overrides})
        if config.n_arithmetic < 0 or config.n_sentiment < 0 or config.max_tokens < 1:
            raise GenAIError("question counts must be >= 0 and max_tokens >= 1")
        return config


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


def questions_for(config: Config) -> list[Question]:
    """The evaluation set: seeded arithmetic problems then seeded tweets."""
    return arithmetic_questions(config.n_arithmetic, config.seed) + sentiment_questions(
        config.n_sentiment, config.seed
    )


def run(config: Config, model: ChatModel | None = None) -> Result:
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


def report(result: Result, config: Config) -> None:
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


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--preset",
        choices=["full", "cpu", "tiny"],
        default="cpu",
        help="full = 20 + 20 questions, cpu = 6 + 6 (default), tiny = 2 + 2 scripted",
    )
    parser.add_argument("--smoke", action="store_true", help="seconds: the tiny preset")
    parser.add_argument(
        "--llm",
        choices=["local", "openai", "scripted"],
        help="model backend (default: $AI_ROADMAP_LLM, else local)",
    )
    parser.add_argument("--model", help="model name for --llm openai")
    parser.add_argument("--base-url", help="OpenAI-compatible server URL (or $OPENAI_BASE_URL)")
    parser.add_argument("--templates", type=Path, help="your own templates.toml")
    parser.add_argument("--seed", type=int, default=0, help="picks the questions (0)")
    parser.add_argument(
        "--out", type=Path, default=None, help=f"output folder (default {runs_dir(PROG)})"
    )
    return parser.parse_args(argv)


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    seed_everything(args.seed)
    overrides = {"llm": args.llm, "templates": args.templates, "seed": args.seed}
    config = Config.preset(
        "tiny" if args.smoke else args.preset,
        **{key: value for key, value in overrides.items() if value is not None},
    )
    model = None
    if args.model or args.base_url:  # server settings: only the openai backend takes them
        model = load_chat_model(config.llm, model=args.model, base_url=args.base_url)
    result = run(config, model)
    report(result, config)
    out = args.out or runs_dir(PROG)
    payload = {"config": json.loads(json.dumps(dataclasses.asdict(config), default=str))}
    path = save_json(out / "metrics.json", {**payload, **result.metrics()})
    print(f"wrote {path}")
    return 0
