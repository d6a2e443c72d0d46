"""Benchmark Contract-QA on its golden set: clause retrieval and "not found", on held-out questions.

    uv run scripts/bench_contract_qa.py              # ≈ 1.5 min on 2 cores: 4 PDFs, 60 questions
    uv run scripts/bench_contract_qa.py --quick      # the NDA, 3 questions per group (≈ 40 s)
    uv run scripts/bench_contract_qa.py --answers    # + the local model answers the 30 test ones

The four sample contracts (their PDFs) are uploaded for one user through the product's own
``Library``: parsing, clause splitting, MiniLM embeddings and the per-user index are the ones a
user gets. Every golden question is ``dev`` (choose on it) or ``test`` (report on it); the code
that measures is ``m5_agents_mlops.contracts.golden``:

- hit@1 / hit@3 by clause (the golden document *and* clause number, as a citation shows them),
  with 95 % bootstrap intervals, and MRR@10, for dense, BM25 and hybrid retrieval, both splits;
- the retrieval mode and the "not found" thresholds chosen on **dev** (month 4's ``choose_rule``:
  refuse the most near-topic unanswerable questions while answering ≥ 97 % of answerable ones),
  then the confusion table on **test**: answerable answered, near-topic and off-topic refused;
  also the rule configured in ``contracts/answering.py`` (``CONTRACT_RAG``) on test;
- ``--answers``: the whole chain (``Answerer``: retrieval, the rule, the local model, citations)
  answers every test question. A simple check per answer: do all the numbers of the reference
  answer (amounts, days, dates' day and year) occur in it, is the golden clause among the sources
  given to the model, and does the answer cite it as ``[n]``? The default local model is the
  best one installed (``uv run download-data --list``): ≈ 10 s an answer for SmolLM2-135M.

Writes ``data/bench/contract_qa.json`` (or ``--out FILE``); dev misses are listed, test ones never.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from m4_genai.golden.calibrate import gather
from m4_genai.llm import load_chat_model
from m4_genai.retrieval.embedder import default_embedder
from m5_agents_mlops.contracts.answering import CONTRACT_RAG, Answerer
from m5_agents_mlops.contracts.golden import (
    GROUPS,
    GoldenConfig,
    IndexedSamples,
    confusion_rows,
    evaluate,
    grade_answer,
    index_samples,
    load_contract_golden,
    of,
    select,
)
from m5_agents_mlops.contracts.tracing import Tracing
from roadmap_data import data_dir
from roadmap_data.console import console, print_table, save_json

ANSWER_CHECKS = ("answered", "numbers", "sources", "cites")
"""``golden.grade_answer``'s checks: answered at all, every number of the reference in the answer,
the golden clause among the sources, the golden clause cited as ``[n]``."""


def configured_rule(samples: IndexedSamples, questions: list, k: int) -> dict[str, Any]:
    """``CONTRACT_RAG``'s own mode and thresholds on the test questions."""
    searcher = samples.searcher(CONTRACT_RAG.mode)
    rule = CONTRACT_RAG.refusal_rule()
    asked = {g: [q.as_golden() for q in of(questions, "test", g)] for g in GROUPS}
    groups = {g: gather(searcher, asked[g], k) for g in GROUPS}
    return {"mode": CONTRACT_RAG.mode, "rule": asdict(rule), "test": confusion_rows(rule, groups)}


def answer_test(samples: IndexedSamples, questions: list, llm: str, name: str | None) -> dict:
    """Every test question through the real chain, each answer checked (``golden.grade_answer``);
    the summary counts ``[yes, applicable]`` per check."""
    model = load_chat_model(llm, model=name, context_window=CONTRACT_RAG.context_tokens)
    answerer = Answerer(samples.library, model, Tracing(), CONTRACT_RAG)
    rows = []
    for q in [q for q in questions if q.split == "test"]:
        start = time.perf_counter()
        row = grade_answer(q, answerer.ask(samples.user_id, q.question))
        rows.append(row | {"seconds": time.perf_counter() - start})
        console.print(f"  {q.id} {'answered' if row['answered'] else 'refused'}", highlight=False)

    def count(key: str, group: str, flip: bool = False) -> list[int]:
        values = [r[key] for r in rows if r["group"] == group and r[key] is not None]
        return [sum(bool(v) != flip for v in values), len(values)]

    summary = {f"answerable {key}": count(key, "answerable") for key in ANSWER_CHECKS}
    summary |= {f"{group} refused": count("answered", group, flip=True) for group in GROUPS[1:]}
    seconds = sum(r["seconds"] for r in rows) / max(len(rows), 1)
    return {
        "model": getattr(model, "name", llm),
        "summary": summary,
        "mean_s": seconds,
        "rows": rows,
    }


def ci(value: float, interval: list[float] | tuple[float, float]) -> str:
    return f"{value:.2f} [{interval[0]:.2f}, {interval[1]:.2f}]"


def confusion_table(rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [[r["group"], r["n"], f"{r['answered']:.2f}", ci(r["refused"], r["refused_ci"])]
            for r in rows]  # fmt: skip


def describe(rule: dict[str, float]) -> str:
    unknown = rule["max_unknown_share"]
    words = f" or ≥ {unknown:.0%} of its words are in no clause" if unknown < 1 else ""
    return f"best cosine < {rule['min_similarity']:.2f}{words}"


def report(results: dict[str, Any]) -> None:
    """The tables: retrieval per mode and split, the rule and its confusion, the answers."""
    index, a, mode = results["index"], results["abstention"], results["mode"]
    rows = [[name, split, r["n"], ci(r["hit@1"], r["hit@1_ci"]), ci(r["hit@3"], r["hit@3_ci"]),
             f"{r['mrr']:.2f}"]
            for name, by in results["retrieval"].items() for split, r in by.items()]  # fmt: skip
    print(f"{index['chunks']} chunks of {len(index['documents'])} contracts; a hit is a chunk of "
          f"the golden clause; 95 % bootstrap intervals")  # fmt: skip
    header = ["mode", "split", "n", "hit@1 [95 % CI]", "hit@3 [95 % CI]", "MRR"]
    print_table("Retrieval by clause", header, rows)
    print(f"Chosen on dev: mode {mode}, refuse when {describe(a['rule'])} (the unknown-word "
          f"test reads {a['vocabulary']} indexed words)")  # fmt: skip
    for option in a["dev_tradeoff"]:
        dev = {r["group"]: r for r in option["dev"]}
        print(f"  made to answer ≥ {option['min_answered']:.0%}: {describe(option['rule'])} "
              f"answers {dev['answerable']['answered']:.0%} of dev, refuses "
              f"{dev['near']['refused']:.0%} near, {dev['far']['refused']:.0%} far")  # fmt: skip
    header = ["questions", "n", "answered", "refused [95 % CI]"]
    print_table('"Not found" on TEST', header, confusion_table(a["test"]))
    print_table('"Not found" on dev', header, confusion_table(a["dev"]))
    c = results["configured"]
    shares = ", ".join(f"{r['group']} refused {r['refused']:.2f}" for r in c["test"])
    print(f"Configured CONTRACT_RAG ({c['mode']}, {describe(c['rule'])}) on test: {shares}")
    print(f"Dev misses at rank 3 ({mode}):")
    for miss in results["retrieval"][mode]["dev"]["misses@3"]:
        print(f"- {miss['id']} {miss['question']} (want {miss['want']}; got "
              f"{', '.join(miss['got'])})")  # fmt: skip
    print("Dev questions the rule gets wrong:")
    for w in a["dev_wrong"]:
        print(f"- {w['id']} ({w['group']}) {w['question']} (cosine {w['best_cosine']:.2f})")
    if "answers" in results:
        answers = results["answers"]
        rows = [[check, f"{yes}/{n}"] for check, (yes, n) in answers["summary"].items()]
        print(f"{answers['model']} answered the test questions, ≈ {answers['mean_s']:.1f} s each")
        print_table("Answers on TEST", ["check", "count"], rows)
    t = results["timings"]
    print(f"Timings: embedder {t['embedder_s']:.1f} s, indexing {index['seconds']:.1f} s, "
          f"evaluation {t['evaluate_s']:.1f} s, total {t['total_s']:.1f} s "
          f"({results['cpus']} cores, load average {results['load_average']:.1f})")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="the NDA, 3 questions per group")
    parser.add_argument("--answers", action="store_true", help="answer the test questions too")
    parser.add_argument("--llm", default="local", help="chat model kind for --answers")
    parser.add_argument(
        "--model", default=None, help="model name or GGUF (default: best installed)"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="default data/bench/contract_qa.json"
    )
    args = parser.parse_args(argv)
    out = args.out or data_dir() / "bench" / "contract_qa.json"
    config = GoldenConfig.preset("tiny" if args.quick else "cpu")
    start = time.perf_counter()
    embedder = default_embedder()
    embedder.embed(["load the weights now, so that indexing times only indexing"])
    results: dict[str, Any] = {
        "machine": platform.platform(), "cpus": os.cpu_count(), "config": config.to_dict(),
        "timings": {"embedder_s": time.perf_counter() - start},
    }  # fmt: skip
    questions = load_contract_golden()
    with tempfile.TemporaryDirectory() as scratch:
        samples = index_samples(Path(scratch), embedder, config, mode=CONTRACT_RAG.mode)
        results["index"] = {"documents": list(config.documents), "kind": config.kind,
                            "chunks": samples.chunks, "seconds": samples.seconds}  # fmt: skip
        evaluated = evaluate(samples, questions, config)
        results["timings"]["evaluate_s"] = evaluated.pop("seconds")
        results.update(evaluated)
        results["configured"] = configured_rule(samples, select(questions, config), config.k)
        if args.answers:
            results["answers"] = answer_test(
                samples, select(questions, config), args.llm, args.model
            )
    results["timings"]["total_s"] = time.perf_counter() - start
    results["load_average"] = os.getloadavg()[0]
    report(results)
    console.print(f"results → {save_json(out, results)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
