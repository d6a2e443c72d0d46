"""``eval-rag``: compare RAG setups on a golden set with RAGAS metrics; guard quality in CI.

    uv run eval-rag --smoke                                  # 4 questions, tiny index, seconds
    uv run eval-rag --golden pydoc                           # 4 example setups, extractive reader
    uv run eval-rag --golden contracts --config dense-k3 --config hybrid-k5
    uv run eval-rag --config "wide:mode=hybrid,k=5,chunk_size=400,chunk_overlap=60"
    uv run eval-rag --config setups.toml --llm local --model qwen2.5-coder-0.5b --limit 10
    uv run eval-rag --judge llm --judge-model qwen2.5-coder-1.5b --limit 5   # RAGAS proper, slow
    uv run eval-rag --config hybrid-k5 --split test --baseline data/runs/eval-rag/metrics.json

Each setup (``--config``, repeatable: a shipped example such as dense-k3, bm25-k3, hybrid-k3,
hybrid-k5, hybrid-k3-c400, hybrid-k3-rerank; an inline ``name:key=value,...``; or a JSON/TOML
file) is run through month 4's RAG chain on every golden question. Keys: chunk_size,
chunk_overlap, k, mode (dense|bm25|hybrid), rerank, candidates, llm, model. Indexes are cached per
chunk setting under data/indexes/eval-rag and reused.

Held-out discipline: every setup answers the **dev** questions, the best by ``--primary`` is
chosen, then every setup answers the **test** questions, which only report (the chosen one is
marked ★). The metrics (``m6_advanced.evaluation.metrics``) are RAGAS's faithfulness, answer
relevancy, context precision and context recall, judged by an LLM (``--judge llm``) or by the
cheaper, labelled embedding fallback (the default). The reader defaults to the extractive
scripted model (copies the first sentence of source [1]): deterministic and fast, it isolates
retrieval differences; ``--llm local`` answers with a real model (≈ 10-60 s per answer on CPU).

Writes report.md, report.html (self-contained: inline CSS, the chart inline), chart.png,
rows.jsonl (every answer) and metrics.json into ``--out``. With ``--baseline`` (a previous
metrics.json: the last example gates the setup a default pydoc run chose, on its test split),
exits 1 when a metric of the compared setup drops by more than ``--tolerance``; input errors
exit 2, among them a baseline whose setup or split this run lacks or whose golden set differs.
"""

from __future__ import annotations

from m6_advanced.evaluation.report import COLUMNS, fmt, gate_markdown, write_reports
from m6_advanced.evaluation.results import EvalResult
from m6_advanced.evaluation.runner import EvalRagConfig, run
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.runkit import RunParser, llm_server_options, save_metrics

FLAGS = ["golden", "corpus", "split", "limit", "ids", "primary", "llm", "judge", "judge_llm",
         "judge_model", "only_sources", "judge_embedder", "index_dir", "baseline", "tolerance"]  # fmt: skip


def print_summary(result: EvalResult) -> None:
    """The headline split's means, one row per setup (the chosen one marked)."""
    split = result.report_split
    rows = []
    for setup in result.setups:
        summary = result.summaries[split][setup.name]
        mark = " ★" if setup.name == result.chosen else ""
        rows.append([setup.name + mark, *(fmt(summary[m]["mean"]) for m in COLUMNS),
                     summary[COLUMNS[0]]["n"] + summary[COLUMNS[0]]["n_nan"]])  # fmt: skip
    chosen = "chosen on dev" if result.chosen_on == "dev" else "no held-out choice"
    print_table(f"eval-rag: {result.config.golden}, {split} split ({chosen})",
                ["setup", *COLUMNS, "questions"], rows)  # fmt: skip
    console.print(f"[dim]reader: {result.reader}; judge: {result.judge}[/dim]")


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser("eval-rag", __doc__, EvalRagConfig, flags=FLAGS)
    parser.add_field("configs", "--config", action="append", nargs=None,
                     help="a RAG setup to compare (repeatable): example name, "
                          "name:key=value,... or a .json/.toml file")  # fmt: skip
    parser.add_llm_server_flags()
    args = parser.parse_args(argv)
    if args.configs is not None:
        args.configs = tuple(args.configs)
    config = parser.config(args)
    result = run(config, llm_options=llm_server_options(args))
    paths = write_reports(result, config.out)
    print_summary(result)
    console.print(f"report → {paths['md']} and {paths['html']}")
    console.print(f"metrics → {save_metrics(result, config, config.out)}")
    if result.gate is not None:
        console.print(gate_markdown(result), markup=False)
        if result.gate.failed:
            return 1
    return 0
