"""Do our RAGAS metrics agree with the ``ragas`` package, and with hand labels?

    uv run scripts/bench_ragas_agreement.py                       # scripted judge + fallback (≈ 1 min)
    uv run scripts/bench_ragas_agreement.py --llm local --model qwen2.5-coder-0.5b --limit 6

Three measurements over ``m6_advanced/evaluation/cases.jsonl`` (hand-labelled RAG cases; every
figure reported is on the ``test`` split, thresholds are chosen on ``dev``):

1. Scripted judge. A ``ScriptedChatModel`` answers every judge prompt (ours *and* ragas') with the
   hand labels. Our metrics vs the hand-computed values, and ours vs ragas' on the same verdicts
   and the same MiniLM embedder: any gap is a difference in the metric code, not the judge.
2. Embedding fallback (not RAGAS). Cosine thresholds chosen on dev (claim support accuracy, chunk
   relevance accuracy), then the fallback's metrics vs the hand values on test.
3. ``--llm``: one real local judge drives both ours (structured JSON prompts) and ragas (its own
   prompts, free-text JSON). Agreement then includes the effect of the prompts. Slow on a CPU.

Writes ``data/runs/bench_ragas_agreement/metrics.json`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path
from typing import Any

import numpy as np

from m4_genai.golden.scoring import bootstrap_ci
from m4_genai.retrieval.embedder import default_embedder
from m6_advanced.evaluation.judges import EmbeddingJudge, LLMJudge
from m6_advanced.evaluation.labelled import LabelledCase, LabelOracle, load_cases
from m6_advanced.evaluation.metrics import METRICS, score_sample
from m6_advanced.evaluation.ragas_compare import RagasScorer, agreement
from roadmap_data import runs_dir
from roadmap_data.console import console, print_table, save_json

EXACT = ("faithfulness", "context_recall", "context_precision")
GRID = np.round(np.arange(0.30, 0.951, 0.025), 3)


def matches_hand(case: LabelledCase, name: str, value: float, tolerance: float = 1e-6) -> bool:
    """Is ``value`` the hand value (NaN = NaN; a band for answer relevancy)?"""
    expected = case.expected[name]
    if isinstance(expected, tuple):
        return expected[0] <= value <= expected[1]
    if math.isnan(expected) or math.isnan(value):
        return math.isnan(expected) and math.isnan(value)
    return abs(expected - value) <= tolerance


def agreement_rows(table: dict[str, dict[str, float]]) -> list[list[Any]]:
    return [
        [name, row["n_both"], row["mad"], row["within"], row["nan_agree"], row["nan_disagree"]]
        for name, row in table.items()
    ]


AGREEMENT_COLUMNS = ["metric", "n both defined", "mean |Δ|", "share |Δ|≤0.1", "both NaN", "one NaN"]


def scripted_section(cases: tuple[LabelledCase, ...], embedder: Any) -> dict[str, Any]:
    """Ours and ragas' metrics driven by the hand labels, vs each other and the hand values."""
    ours, theirs, errors = [], [], []
    for case in cases:
        ours.append(score_sample(case.sample, LLMJudge(LabelOracle(case).model()), embedder))
        scorer = RagasScorer(LabelOracle(case).model(), embedder)
        theirs.append(scorer.score(case.sample))
        errors += [f"{case.id}/{name}: {error}" for name, error in scorer.errors.items()]
    hand = {
        name: [matches_hand(c, name, row[name]) for c, row in zip(cases, ours, strict=True)]
        for name in METRICS
    }
    ragas_hand = {
        name: [matches_hand(c, name, row[name], 1e-3) for c, row in zip(cases, theirs, strict=True)]
        for name in METRICS
    }
    table = agreement(ours, theirs)
    print_table(
        f"Hand values reproduced (scripted judge, test split, n={len(cases)})",
        ["metric", "ours", "ragas 0.4.3"],
        [
            [n, f"{sum(hand[n])}/{len(cases)}", f"{sum(ragas_hand[n])}/{len(cases)}"]
            for n in METRICS
        ],
    )
    print_table("Ours vs ragas, same scripted verdicts", AGREEMENT_COLUMNS, agreement_rows(table))
    differ = [
        f"{c.id} {n}: ours {a[n]:.3f} ragas {b[n]:.3f} hand {c.expected[n]}"
        for c, a, b in zip(cases, ours, theirs, strict=True)
        for n in METRICS
        if not (math.isnan(a[n]) and math.isnan(b[n])) and not abs(a[n] - b[n]) <= 1e-3
    ]
    for line in differ:
        console.print(f"  differs: {line}")
    return {
        "n": len(cases),
        "hand_reproduced": {n: sum(v) for n, v in hand.items()},
        "ragas_hand_reproduced": {n: sum(v) for n, v in ragas_hand.items()},
        "agreement": table,
        "differences": differ,
        "ragas_errors": errors,
        "ours": ours,
        "ragas": theirs,
    }


def labelled_claims(cases: tuple[LabelledCase, ...]) -> list[tuple[str, list[str], bool]]:
    """(claim, contexts, hand label) for every claim with non-blank contexts."""
    items = []
    for case in cases:
        contexts = [c for c in case.sample.contexts if c.strip()]
        if contexts:
            items += [(claim, contexts, label) for claim, label in case.answer_claims]
            items += [(claim, contexts, label) for claim, label in case.reference_claims]
    return items


def fallback_section(dev: tuple, test: tuple, embedder: Any) -> dict[str, Any]:
    """Tune the fallback's thresholds on dev, report its verdicts and metrics on test."""
    probe = EmbeddingJudge(embedder)

    def claim_scores(cases):
        items = labelled_claims(cases)
        sims = [probe.best_support([claim], ctx)[0] for claim, ctx, _ in items]
        return np.array(sims), np.array([label for *_, label in items])

    def chunk_scores(cases):
        pairs = [
            (case.sample.reference, chunk, label)
            for case in cases
            if case.sample.reference
            for chunk, label in zip(case.sample.contexts, case.chunk_relevance, strict=True)
            if chunk.strip()
        ]
        vectors = [embedder.embed([ref, chunk]) for ref, chunk, _ in pairs]
        return np.array([float(v[0] @ v[1]) for v in vectors]), np.array([p[2] for p in pairs])

    def best(sims, labels):
        accuracy = [float(((sims >= t) == labels).mean()) for t in GRID]
        return float(GRID[int(np.argmax(accuracy))]), max(accuracy)

    dev_claims, dev_chunks = claim_scores(dev), chunk_scores(dev)
    threshold, dev_claim_acc = best(*dev_claims)
    chunk_threshold, dev_chunk_acc = best(*dev_chunks)
    test_claims, test_chunks = claim_scores(test), chunk_scores(test)
    claim_hits = ((test_claims[0] >= threshold) == test_claims[1]).astype(float)
    chunk_hits = ((test_chunks[0] >= chunk_threshold) == test_chunks[1]).astype(float)
    judge = EmbeddingJudge(embedder, threshold=threshold, chunk_threshold=chunk_threshold)
    scores = [score_sample(case.sample, judge, embedder) for case in test]
    errors = {}
    for name in METRICS:
        pairs = [
            (row[name], case.expected[name])
            for case, row in zip(test, scores, strict=True)
            if not isinstance(case.expected[name], tuple)
            and not (math.isnan(row[name]) or math.isnan(case.expected[name]))
        ]
        errors[name] = {
            "mae_vs_hand": float(np.mean([abs(a - b) for a, b in pairs])) if pairs else math.nan,
            "n": len(pairs),
            "hand_matched": sum(
                matches_hand(c, name, r[name], 0.1) for c, r in zip(test, scores, strict=True)
            ),
        }
    print_table(
        f"Embedding fallback, NOT RAGAS (thresholds from dev: claim {threshold}, chunk {chunk_threshold})",
        ["verdict", "dev acc", "test acc", "test n", "95% CI"],
        [
            [
                "claim supported",
                dev_claim_acc,
                claim_hits.mean(),
                len(claim_hits),
                "{:.2f}–{:.2f}".format(*bootstrap_ci(claim_hits)),
            ],
            [
                "chunk relevant",
                dev_chunk_acc,
                chunk_hits.mean(),
                len(chunk_hits),
                "{:.2f}–{:.2f}".format(*bootstrap_ci(chunk_hits)),
            ],
        ],
    )
    print_table(
        f"Embedding fallback metrics vs hand values (test, n={len(test)})",
        ["metric", "mean |Δ| (both defined)", "n", "within 0.1 / band"],
        [
            [n, e["mae_vs_hand"], e["n"], f"{e['hand_matched']}/{len(test)}"]
            for n, e in errors.items()
        ],
    )
    return {
        "label": judge.label,
        "threshold": threshold,
        "chunk_threshold": chunk_threshold,
        "claim_accuracy": {
            "dev": dev_claim_acc,
            "test": float(claim_hits.mean()),
            "test_n": len(claim_hits),
            "test_ci": bootstrap_ci(claim_hits),
        },
        "chunk_accuracy": {
            "dev": dev_chunk_acc,
            "test": float(chunk_hits.mean()),
            "test_n": len(chunk_hits),
            "test_ci": bootstrap_ci(chunk_hits),
        },
        "metrics_vs_hand": errors,
    }


def real_judge_section(cases: tuple, embedder: Any, args: argparse.Namespace) -> dict[str, Any]:
    """One local model judges for both ours and ragas (prompts differ)."""
    from m4_genai.llm import load_chat_model

    model = load_chat_model(args.llm, model=args.model, threads=args.threads, max_tokens=384)
    ours, theirs, errors, seconds = [], [], [], {"ours": 0.0, "ragas": 0.0}
    partial: dict[str, Any] = {}
    for case in cases:
        start = time.perf_counter()
        ours.append(score_sample(case.sample, LLMJudge(model, max_tokens=384), embedder))
        seconds["ours"] += time.perf_counter() - start
        start = time.perf_counter()
        scorer = RagasScorer(model, embedder)
        theirs.append(scorer.score(case.sample))
        seconds["ragas"] += time.perf_counter() - start
        errors += [f"{case.id}/{name}: {error}" for name, error in scorer.errors.items()]
        console.print(f"  {case.id}: ours {ours[-1]} ragas {theirs[-1]}")
        partial = {"ours": ours, "ragas": theirs, "seconds": seconds, "errors": errors}
        save_json(args.out / "real_judge_partial.json", partial)  # a slow run keeps its evidence
    table = agreement(ours, theirs)
    hand = {
        n: sum(matches_hand(c, n, r[n], 0.1) for c, r in zip(cases, ours, strict=True))
        for n in METRICS
    }
    ragas_hand = {
        n: sum(matches_hand(c, n, r[n], 0.1) for c, r in zip(cases, theirs, strict=True))
        for n in METRICS
    }
    print_table(
        f"Ours vs ragas, same real judge {model.name} (test, n={len(cases)})",
        AGREEMENT_COLUMNS,
        agreement_rows(table),
    )
    print_table(
        "Within 0.1 of the hand value (or in the band)",
        ["metric", "ours", "ragas"],
        [[n, f"{hand[n]}/{len(cases)}", f"{ragas_hand[n]}/{len(cases)}"] for n in METRICS],
    )
    summary = {"model": model.name, "n": len(cases), "agreement": table, "ours_hand": hand}
    return summary | {"ragas_hand": ragas_hand, **partial}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="default data/runs/bench_ragas_agreement"
    )
    parser.add_argument("--llm", default=None, help="also compare with a real judge: local|openai")
    parser.add_argument("--model", default="qwen2.5-coder-0.5b")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--limit", type=int, default=6, help="test cases for the real judge")
    parser.add_argument("--skip-scripted", action="store_true", help="only the real-judge part")
    args = parser.parse_args(argv)
    out = args.out = args.out or runs_dir("bench_ragas_agreement")
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    dev, test = load_cases("dev"), load_cases("test")
    embedder = default_embedder()
    results: dict[str, Any] = {"cases": {"dev": len(dev), "test": len(test)}}
    results["embedder"] = embedder.name
    if not args.skip_scripted:
        results["scripted"] = scripted_section(test, embedder)
        results["embedding_fallback"] = fallback_section(dev, test, embedder)
    if args.llm:
        results["real_judge"] = real_judge_section(test[: args.limit], embedder, args)
    results["wall_s"] = round(time.perf_counter() - started, 1)
    save_json(out / "metrics.json", results)
    console.print(f"wrote {out / 'metrics.json'} in {results['wall_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
