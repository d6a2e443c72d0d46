"""``run(config) -> FinetuneResult``: measure, tune with LoRA, measure again, save the adapter.

    test answers + answer loss (base)  →  add LoRA, train on the train split  →
    test answers + answer loss (tuned) →  adapter/, answers.jsonl, loss.png, MLflow run

The base model is month 4's SmolLM2-135M-Instruct (``load_gguf_model``: converted from the GGUF
once, then read from the safetensors cache under the data dir). ``model="tiny"`` swaps in a
random-initialised model of the same architecture with a BPE trained on the set (``lora.tiny_*``):
seconds instead of minutes, for tests and ``--smoke``; its numbers measure nothing.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

import torch

from m6_advanced.finetune import evaluate, lora
from m6_advanced.finetune.backend import AdapterChatModel
from m6_advanced.finetune.data import Example, build_examples, split_examples
from roadmap_data.paths import runs_dir
from roadmap_data.runkit import RunConfig, require, require_at_least
from roadmap_data.runkit.tracking import Tracker, TrackingConfig, make_tracker


@dataclass(frozen=True, kw_only=True)
class FinetuneConfig(TrackingConfig, RunConfig):
    """One ``finetune`` run (``TrackingConfig``: --mlflow, --mlflow-uri)."""

    PRESETS: ClassVar = {
        "tiny": {"model": "tiny", "steps": 2, "train_limit": 4, "eval_limit": 2, "dev_limit": 2,
                 "max_tokens": 12, "judge": "bow"},
        "cpu": {},
        "full": {"last_layers": 0, "steps": 120, "eval_limit": None, "dev_limit": None},
    }  # fmt: skip

    model: Literal["smollm2", "tiny"] = "smollm2"
    """smollm2: SmolLM2-135M-Instruct (real); tiny: a random model of the same architecture (smoke)."""
    r: int = 8
    """LoRA rank: the adapters' inner dimension."""
    alpha: int = 16
    """LoRA scale numerator: the update is (alpha / r) · B A x."""
    last_layers: int = 10
    """Adapt only the top N transformer blocks (0: all 30): backprop stops below them, 2x faster on a CPU."""
    steps: int = 90
    """Optimiser steps (each one batch of --batch-size training examples)."""
    batch_size: int = 1
    """Examples per step (1 on a CPU: no padding, the step time is the examples' length)."""
    lr: float = 3e-3
    """Peak learning rate of AdamW (warm-up over 10% of steps, cosine decay to 0)."""
    train_limit: int | None = None
    """Use only the first N training examples (None: all 30)."""
    eval_limit: int | None = 12
    """Answer only the first N test examples before and after (None: all 50; each answer costs 15-30 s on a CPU)."""
    dev_limit: int | None = 6
    """Dev examples whose answer loss is reported (tune lr/steps/r on it, never on test)."""
    max_tokens: int = 56
    """Longest answer generated, in tokens."""
    repeat_penalty: float = 1.0
    """Repetition penalty for both models; month 4's 1.2 also penalises every prompt token: the source numbers and passage words an answer should copy."""
    threads: int = 1
    """CPU threads for PyTorch (1 is steadier, and often faster, when other work shares the cores)."""
    judge: Literal["embedding", "bow"] = "embedding"
    """Faithfulness judge: embedding (MiniLM fallback, not RAGAS) or bow (bag of words, smoke only)."""

    def validate(self) -> None:
        super().validate()
        require_at_least(1, r=self.r, alpha=self.alpha, steps=self.steps, batch_size=self.batch_size,
                         max_tokens=self.max_tokens)  # fmt: skip
        require_at_least(0, last_layers=self.last_layers)
        require_at_least(1, threads=self.threads)
        require_at_least(1, train_limit=self.train_limit, eval_limit=self.eval_limit)
        require_at_least(0, dev_limit=self.dev_limit)
        require(self.lr > 0, "lr must be positive")
        require(self.register is None, "finetune saves an adapter folder, it registers no model")


@dataclass
class FinetuneResult:
    """What one run measured, and where its files are."""

    sizes: dict[str, int]
    params: dict[str, int]
    before: dict[str, Any]
    after: dict[str, Any]
    dev_loss: dict[str, float]
    losses: list[float]
    seconds: dict[str, float]
    adapter: Path
    judge: str
    model: str
    answers: list[dict[str, Any]] = field(default_factory=list)

    def metrics(self) -> dict[str, Any]:
        return {
            "model": self.model, "judge": self.judge, "split_sizes": self.sizes,
            "parameters": self.params, "test_before": self.before, "test_after": self.after,
            "dev_answer_loss": self.dev_loss, "train_loss": self.losses,
            "seconds": self.seconds, "adapter": str(self.adapter),
        }  # fmt: skip


def load_base(config: FinetuneConfig, examples: list[Example]) -> tuple[Any, Any]:
    """``(model, tokenizer)``: SmolLM2 from month 4's cache, or the tiny stand-in."""
    if config.model == "tiny":
        texts = [m["content"] for e in examples for m in e.messages()] + [
            e.answer for e in examples
        ]
        tokenizer = lora.tiny_tokenizer(texts)
        return lora.tiny_model(tokenizer, seed=config.seed), tokenizer
    from m4_genai.llm.transformers_backend import load_gguf_model

    model, tokenizer, _ = load_gguf_model()
    return model, tokenizer


def make_judge(kind: str) -> Any:
    from m6_advanced.evaluation.judges import EmbeddingJudge

    if kind == "bow":
        from m6_advanced.hashing_embedder import BagOfWordsEmbedder

        return EmbeddingJudge(BagOfWordsEmbedder())
    return EmbeddingJudge()  # MiniLM, thresholds 0.5 (month 6's dev-chosen defaults)


def measure(chat: AdapterChatModel, tokenizer: Any, examples: list[Example], encoded: list,
            config: FinetuneConfig, judge: Any, label: str) -> tuple[dict[str, Any], list]:  # fmt: skip
    """Answer, score and compute the answer loss of ``examples`` with ``chat``'s model."""
    answers = evaluate.answer_all(chat, examples, config.max_tokens, label)
    rows = [evaluate.score_answer(e, a, judge) for e, a in zip(examples, answers, strict=True)]
    loss = lora.answer_loss(chat.model, encoded, tokenizer.pad_token_id)
    return evaluate.summarise(rows, loss), rows


def plot_losses(losses: list[float], before: float, after: float, path: Path) -> Path:
    """Training loss per step (and its running mean) with the test answer loss before/after."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    steps = range(1, len(losses) + 1)
    ax.plot(steps, losses, alpha=0.35, label="train loss (one step)")
    window = max(1, len(losses) // 10)
    smooth = [sum(losses[max(0, i - window + 1) : i + 1]) / len(losses[max(0, i - window + 1) : i + 1])
              for i in range(len(losses))]  # fmt: skip
    ax.plot(steps, smooth, label=f"running mean ({window} steps)")
    ax.axhline(before, color="grey", linestyle="--", label=f"test answer loss, base {before:.2f}")
    ax.axhline(after, color="green", linestyle="--", label=f"test answer loss, LoRA {after:.2f}")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy per answer token")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def run(config: FinetuneConfig) -> FinetuneResult:
    """The whole experiment; the MLflow run (if any) ends FAILED when something raises."""
    with make_tracker(config.tracking, config.mlflow_uri, "finetune") as tracker:
        return _run(config, tracker)


def _run(config: FinetuneConfig, tracker: Tracker) -> FinetuneResult:
    out = Path(config.out or runs_dir("finetune"))
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    examples = build_examples()
    splits = split_examples(examples)
    train_set = splits["train"][: config.train_limit]
    test_set = splits["test"][: config.eval_limit]
    dev_set = splits["dev"][: config.dev_limit]
    tracker.log_params(config.to_dict())
    clock = {"start": time.perf_counter()}
    model, tokenizer = load_base(config, examples)
    clock["load"] = time.perf_counter()

    def enc(items: list[Example]) -> list[lora.Encoded]:
        return [lora.encode(tokenizer, e.messages(), e.answer) for e in items]

    train_enc, test_enc, dev_enc = enc(train_set), enc(test_set), enc(dev_set)
    judge = make_judge(config.judge)
    opts = {"max_tokens": config.max_tokens, "repeat_penalty": config.repeat_penalty}
    before, before_rows = measure(AdapterChatModel.wrap(model, tokenizer, "base", **opts),
                                  tokenizer, test_set, test_enc, config, judge, "base answers")  # fmt: skip
    dev_before = lora.answer_loss(model, dev_enc, tokenizer.pad_token_id) if dev_enc else math.nan
    clock["before"] = time.perf_counter()

    tuned = lora.add_lora(model, r=config.r, alpha=config.alpha, last_layers=config.last_layers)
    losses = lora.train(tuned, train_enc, pad_id=tokenizer.pad_token_id, steps=config.steps,
                        batch_size=config.batch_size, lr=config.lr, seed=config.seed,
                        on_step=lambda step, loss: tracker.log_metrics({"train_loss": loss}, step))  # fmt: skip
    clock["train"] = time.perf_counter()
    adapter = out / "adapter"
    tuned.save_pretrained(str(adapter))  # adapter_config.json + adapter_model.safetensors only

    after, after_rows = measure(AdapterChatModel.wrap(tuned, tokenizer, "lora", **opts),
                                tokenizer, test_set, test_enc, config, judge, "LoRA answers")  # fmt: skip
    dev_after = lora.answer_loss(tuned, dev_enc, tokenizer.pad_token_id) if dev_enc else math.nan
    clock["after"] = time.perf_counter()

    answers = [
        {"id": e.id, "gold": e.gold, "question": e.question, "reference": e.answer,
         "before": asdict(b), "after": asdict(a)}
        for e, b, a in zip(test_set, before_rows, after_rows, strict=True)
    ]  # fmt: skip
    (out / "answers.jsonl").write_text("".join(json.dumps(row) + "\n" for row in answers))
    plot = plot_losses(losses, before["answer_loss"]["mean"], after["answer_loss"]["mean"],
                       out / "loss.png")  # fmt: skip
    seconds = {
        "load": clock["load"] - clock["start"],
        "before": clock["before"] - clock["load"],
        "train": clock["train"] - clock["before"],
        "after": clock["after"] - clock["train"],
    }
    result = FinetuneResult(
        sizes={"train": len(train_set), "dev": len(dev_set), "test": len(test_set),
               **{f"{name}_total": len(items) for name, items in splits.items()}},
        params=lora.parameter_counts(tuned),
        before=before, after=after,
        dev_loss={"before": dev_before, "after": dev_after},
        losses=losses, seconds=seconds, adapter=adapter, judge=judge.label,
        model="SmolLM2-135M-Instruct" if config.model == "smollm2" else "tiny random (smoke)",
        answers=answers,
    )  # fmt: skip
    flat = {f"{when}_{name}": float(summary[name]["mean"])
            for when, summary in (("before", before), ("after", after))
            for name in (*evaluate.METRICS, "answer_loss")}  # fmt: skip
    tracker.log_metrics(flat | {"dev_loss_before": dev_before, "dev_loss_after": dev_after})
    for path in (plot, out / "answers.jsonl", *sorted(adapter.iterdir())):
        tracker.log_artifact(path)
    return result
