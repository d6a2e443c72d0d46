"""The eval-rag reports: Markdown for the repository, self-contained HTML for a browser.

Both show the same three things, each table labelled with its split:

1. the summary: setup × metric, the mean with ``n`` (scored answers) and ``nan`` (answers where
   the metric is undefined, e.g. faithfulness of "I don't know.");
   and the 95% bootstrap interval of the mean in brackets;
2. a bar chart of the reported split's means (``chart.png``; inside the HTML as base64, so the
   file opens anywhere, offline, with no external URL);
3. per-question rows: question, setup, an excerpt of the answer, every metric.

``rows.jsonl`` keeps every row in full (answer, sources, scores) for reading misses, on dev.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
from pathlib import Path

from m6_advanced.evaluation.metrics import METRICS
from m6_advanced.evaluation.results import ABSTENTION, EvalResult

COLUMNS = (*METRICS, ABSTENTION)
SHORT = {"faithfulness": "faithful", "answer_relevancy": "ans. relev.",
         "context_precision": "ctx prec.", "context_recall": "ctx recall",
         ABSTENTION: "abstention"}  # fmt: skip
CSS = """body{font-family:system-ui,sans-serif;margin:2em auto;max-width:72em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{border:1px solid #ccc;
padding:.3em .6em;text-align:left;vertical-align:top}th{background:#f3f3f3}
tr.chosen{background:#eef7ee;font-weight:600}.note{color:#555}img{max-width:100%}"""


def fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def split_title(result: EvalResult, split: str) -> str:
    """What a split's table is for: choosing (dev) or reporting (test, held out)."""
    if split == "dev" and result.chosen_on == "dev":
        return f"dev split: used to choose the setup (by {result.config.primary})"
    if split == "test" and result.chosen_on == "dev":
        return "test split: held out, reported (the choice never read it)"
    return f"{split} split: no held-out choice ({result.chosen_on})"


def summary_rows(result: EvalResult, split: str) -> list[list[str]]:
    """Setup, then ``mean (n, nan)`` per metric; the chosen setup marked with ★."""
    rows = []
    for setup in result.setups:
        summary = result.summaries[split][setup.name]
        cells = [f"{setup.name} ★" if setup.name == result.chosen else setup.name]
        for metric in COLUMNS:
            agg = summary.get(metric, {"mean": math.nan, "n": 0, "n_nan": 0})
            low, high = agg.get("ci", (math.nan, math.nan))
            interval = "" if math.isnan(low) else f" [{low:.2f}, {high:.2f}]"
            cells.append(f"{fmt(agg['mean'])}{interval} (n={agg['n']}, nan={agg['n_nan']})")
        rows.append(cells)
    return rows


def question_rows(result: EvalResult, split: str, excerpt: int = 140) -> list[list[str]]:
    rows = []
    for row in (r for r in result.rows if r.split == split):
        text = " ".join(row.answer.split())
        text = text if len(text) <= excerpt else text[: excerpt - 1] + "…"
        cells = [row.item.id, row.item.question, row.config, text]
        rows.append(cells + [fmt(row.scores.get(m), 2) for m in COLUMNS])
    return rows


def header_lines(result: EvalResult) -> list[str]:
    config = result.config
    counts = ", ".join(f"{split} {n}" for split, n in result.metrics()["questions"].items())
    return [
        f"Golden set: {config.golden} (questions: {counts}"
        + (f", limit {config.limit} per split" if config.limit else "")
        + ")",
        f"Reader (answering model): {result.reader}",
        f"Judge: {result.judge}",
        f"Chosen setup: {result.chosen} ★, chosen on {result.chosen_on} by {config.primary}; "
        f"headline split: {result.report_split}",
        f"{ABSTENTION} is not a RAGAS metric: 1 when the chain answered an answerable question "
        'or said "I don\'t know" to an unanswerable one.',
        f"Wall time: {result.seconds:.1f} s",
    ]


def chart_png(result: EvalResult) -> bytes:
    """Grouped bars: one group per metric, one bar per setup, on the headline split."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    split = result.report_split
    figure, axis = plt.subplots(figsize=(9, 4))
    width = 0.8 / len(result.setups)
    for n, setup in enumerate(result.setups):
        means = [result.summaries[split][setup.name].get(m, {}).get("mean", math.nan)
                 for m in COLUMNS]  # fmt: skip
        heights = [0.0 if math.isnan(v) else v for v in means]
        label = f"{setup.name} ★" if setup.name == result.chosen else setup.name
        axis.bar([i + n * width for i in range(len(COLUMNS))], heights, width, label=label)
    axis.set_xticks([i + 0.4 - width / 2 for i in range(len(COLUMNS))])
    axis.set_xticklabels([SHORT[m] for m in COLUMNS])
    axis.set_ylim(0, 1.05)
    axis.set_ylabel("mean")
    axis.set_title(f"{result.config.golden}: {split} split ({result.reader}; judge: "
                   f"{result.judge.split(' (')[0]})", fontsize=9)  # fmt: skip
    axis.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1, 1))
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    return buffer.getvalue()


def markdown_table(columns: list[str], rows: list[list[str]]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def html_table(columns: list[str], rows: list[list[str]], chosen: str | None = None) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for row in rows:
        marked = chosen is not None and row[0].startswith(f"{chosen} ★")
        cells = "".join(f"<td>{html.escape(c)}</td>" for c in row)
        body.append(f'<tr class="chosen">{cells}</tr>' if marked else f"<tr>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def write_reports(result: EvalResult, out: Path) -> dict[str, Path]:
    """Write report.md, report.html, chart.png and rows.jsonl into ``out``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    png = chart_png(result)
    paths = {"md": out / "report.md", "html": out / "report.html", "chart": out / "chart.png",
             "rows": out / "rows.jsonl"}  # fmt: skip
    paths["chart"].write_bytes(png)
    paths["rows"].write_text(
        "".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in result.rows),
        encoding="utf-8",
    )
    summary_columns = ["setup", *COLUMNS]
    question_columns = ["id", "question", "setup", "answer (excerpt)", *(SHORT[m] for m in COLUMNS)]
    setup_rows = [[s.name, s.describe()] for s in result.setups]
    splits = list(result.summaries)
    md = ["# eval-rag report", "", *(f"- {line}" for line in header_lines(result)), "",
          "## Setups", "", markdown_table(["setup", "what it is"], setup_rows), ""]  # fmt: skip
    for split in splits:
        md += [f"## Summary, {split_title(result, split)}", "",
               markdown_table(summary_columns, summary_rows(result, split)), ""]  # fmt: skip
    md += [
        f"## Chart ({result.report_split} split)",
        "",
        "![metric means per setup](chart.png)",
        "",
    ]
    for split in splits:
        md += [f"## Per question, {split} split", "",
               markdown_table(question_columns, question_rows(result, split)), ""]  # fmt: skip
    if result.gate is not None:
        md += ["## Regression gate", "", gate_markdown(result), ""]
    paths["md"].write_text("\n".join(md), encoding="utf-8")

    image = base64.b64encode(png).decode("ascii")
    parts = [f"<h1>eval-rag report</h1><ul>{''.join(f'<li>{html.escape(x)}</li>' for x in header_lines(result))}</ul>",
             "<h2>Setups</h2>", html_table(["setup", "what it is"], setup_rows)]  # fmt: skip
    for split in splits:
        parts += [f"<h2>Summary, {html.escape(split_title(result, split))}</h2>",
                  html_table(summary_columns, summary_rows(result, split), result.chosen)]  # fmt: skip
    parts += [f"<h2>Chart ({result.report_split} split)</h2>",
              f'<img alt="metric means per setup" src="data:image/png;base64,{image}">']  # fmt: skip
    for split in splits:
        parts += [f"<h2>Per question, {split} split</h2>",
                  html_table(question_columns, question_rows(result, split))]  # fmt: skip
    if result.gate is not None:
        parts += ["<h2>Regression gate</h2>", f"<pre>{html.escape(gate_markdown(result))}</pre>"]
    page = (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>eval-rag "
            f"report</title><style>{CSS}</style></head><body>{''.join(parts)}</body></html>")  # fmt: skip
    paths["html"].write_text(page, encoding="utf-8")
    return paths


def gate_markdown(result: EvalResult) -> str:
    gate = result.gate
    assert gate is not None
    verdict = "FAILED" if gate.failed else "passed"
    rows = [[r["metric"], fmt(r["baseline"]), fmt(r["now"]), f"{r['change']:+.3f}",
             "REGRESSED" if r["regressed"] else "ok"] for r in gate.rows]  # fmt: skip
    title = f"Gate {verdict}: {gate.config} on {gate.split}, tolerance {gate.tolerance}"
    return title + "\n\n" + markdown_table(["metric", "baseline", "now", "change", ""], rows)
