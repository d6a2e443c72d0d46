"""The Markdown tables of the serving benchmark for the README, from bench_serving.py's JSON.

    uv run scripts/bench_serving_tables.py data/runs/bench_serving/results.json

The figures are pasted, not retyped: MNIST batched vs unbatched per client count, then streamed
chat through the server against the same model called in-process.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def mnist_table(rows: list[dict[str, Any]]) -> str:
    """Batched (no wait) and unbatched side by side, one line per client count."""
    by_key = {(row["batching"], row["clients"]): row for row in rows if not row["max_wait_ms"]}
    clients = sorted({row["clients"] for row in rows})
    lines = [
        "| clients | batched req/s | p50 ms | p99 ms | unbatched req/s | p50 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n in clients:
        on, off = by_key[(True, n)], by_key[(False, n)]
        lines.append(
            f"| {n} | {on['requests_per_s']:.0f} | {on['p50_ms']:.1f} | {on['p99_ms']:.1f} | "
            f"{off['requests_per_s']:.0f} | {off['p50_ms']:.1f} | {off['p99_ms']:.1f} | "
            f"{on['errors'] + off['errors']} of {on['requests'] + off['requests']:,} |"
        )
    return "\n".join(lines)


def wait_table(rows: list[dict[str, Any]]) -> str:
    """The batcher's wait for company: 0 ms (the default) against the ablation's value."""
    waited = {row["clients"]: row for row in rows if row["batching"] and row["max_wait_ms"]}
    plain = {row["clients"]: row for row in rows if row["batching"] and not row["max_wait_ms"]}
    lines = [
        "| clients | wait 0 ms: req/s | p99 ms | wait | req/s | p99 ms |",
        "|---|---|---|---|---|---|",
    ]
    for n, row in sorted(waited.items()):
        lines.append(
            f"| {n} | {plain[n]['requests_per_s']:.0f} | {plain[n]['p99_ms']:.1f} | "
            f"{row['max_wait_ms']:g} ms | {row['requests_per_s']:.0f} | {row['p99_ms']:.1f} |"
        )
    return "\n".join(lines)


def chat_table(chat: dict[str, Any]) -> str:
    base = chat["in_process"]
    lines = [
        "| | runs | time to first token (range) | tokens/s (range) | TTFT vs in-process | tokens/s vs in-process |",
        "|---|---|---|---|---|---|",
        f"| in-process | {base['runs']} | {ms(base, 'ttft_s')} | {rate(base)} | 1 | 1 |",
    ]
    for row in chat["served"]:
        lines.append(
            f"| served, {row['clients']} client(s) | {row['runs']} | {ms(row, 'ttft_s')} | "
            f"{rate(row)} | {row['ttft_ratio']:.2f}× | {row['tokens_per_s_ratio']:.2f}× |"
        )
    return "\n".join(lines)


def ms(row: dict[str, Any], key: str) -> str:
    low, high = row[f"{key}_range"]
    return f"{row[key] * 1000:.0f} ms ({low * 1000:.0f}–{high * 1000:.0f})"


def rate(row: dict[str, Any]) -> str:
    low, high = row["tokens_per_s_range"]
    return f"{row['tokens_per_s']:.1f} ({low:.1f}–{high:.1f})"


def main(argv: list[str] | None = None) -> int:
    paths = argv if argv is not None else sys.argv[1:]
    results = json.loads(
        Path(paths[0] if paths else "data/runs/bench_serving/results.json").read_text()
    )
    print(mnist_table(results["mnist"]))
    print("\n" + wait_table(results["mnist"]))
    if results.get("chat"):
        print(f"\nchat model: {results['chat']['in_process']['model']}\n")
        print(chat_table(results["chat"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
