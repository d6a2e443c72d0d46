"""``finetune``: LoRA-tune SmolLM2-135M-Instruct to answer from numbered passages, citing [n].

    uv run finetune                     # 90 steps on 30 examples, 12 test answers before/after (5-25 min)
    uv run finetune --preset full       # all 30 blocks, 120 steps, all 50 test examples (not measured; ≈ 1 h on a CPU)
    uv run finetune --r 16 --lr 1e-3 --steps 60 --mlflow
    uv run finetune --smoke             # tiny random model of the same architecture, seconds

The instruction set (month 6's pydoc golden questions, distractor passages from
pydoc_data.topics, month 4's RAG prompt) is split train / dev / test; training sees only train,
the loss is computed on the answer tokens only. The base model and the tuned one answer the same
test prompts through month 4's chat interface and are scored alike: citation rate, correct
citation, faithfulness (month 6's metric; embedding judge, not RAGAS), ROUGE-L and the answer
loss. Writes adapter/ (load it with m6_advanced.finetune.backend.AdapterChatModel), answers.jsonl,
loss.png and metrics.json into --out (default data/runs/finetune); --mlflow records the run in
data/mlruns.
"""

from __future__ import annotations

from m6_advanced.finetune.run import FinetuneConfig, FinetuneResult, run
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.runkit import RunParser, save_metrics

FLAGS = ["model", "r", "alpha", "last_layers", "steps", "batch_size", "lr", "train_limit",
         "eval_limit", "dev_limit", "max_tokens", "repeat_penalty", "threads", "judge", "mlflow", "mlflow_uri"]  # fmt: skip
ROWS = [
    ("citation rate", "citation_rate"),
    ("correct citation", "correct_citation_rate"),
    ("faithfulness", "faithfulness"),
    ("ROUGE-L F1", "rouge_l"),
]


def _cell(summary: dict) -> str:
    low, high = summary.get("ci95", (float("nan"), float("nan")))
    return f"{summary['mean']:.3f} [{low:.2f}, {high:.2f}]"


def print_summary(result: FinetuneResult) -> None:
    """Base vs LoRA on the test examples, one row per metric."""
    before, after = result.before, result.after
    rows = [[label, _cell(before[key]), _cell(after[key]),
             f"{after[key]['mean'] - before[key]['mean']:+.3f}"] for label, key in ROWS]  # fmt: skip
    loss_b, loss_a = before["answer_loss"]["mean"], after["answer_loss"]["mean"]
    rows.append(
        ["answer loss (nats/token)", f"{loss_b:.3f}", f"{loss_a:.3f}", f"{loss_a - loss_b:+.3f}"]
    )
    print_table(f"finetune: {result.model}, test split (n = {before['n']})",
                ["metric", "base", "LoRA", "change"], rows)  # fmt: skip
    params = result.params
    console.print(
        f"[dim]trainable {params['trainable']:,} of {params['total']:,} parameters; "
        f"faithfulness judge: {result.judge}; train {result.seconds['train']:.0f} s[/dim]"
    )


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser("finetune", __doc__, FinetuneConfig, flags=FLAGS)
    args = parser.parse_args(argv)
    config = parser.config(args)
    result = run(config)
    print_summary(result)
    console.print(f"adapter → {result.adapter}")
    console.print(f"metrics → {save_metrics(result, config, config.out)}")
    return 0
