"""Benchmark ``serve``: MNIST under concurrency (batched vs not) and streamed chat vs in-process.

    uv run scripts/bench_serving.py              # ≈ 3 min: 1/8/32/64 clients × batched/unbatched, chat
    uv run scripts/bench_serving.py --quick      # seconds per point, no chat
    uv run scripts/bench_serving.py --checkpoint data/runs/train-mnist/best.pt --model qwen2.5-coder-0.5b

The server is the real ``serve`` command in its own process (one uvicorn worker), on loopback; the
clients (``serve/loadgen.py``) run in this process and check every answer against the model's own
offline prediction. Target: ≥ 300 requests/s at p99 ≤ 100 ms with 32 clients, 0 errors.
Writes ``data/runs/bench_serving/results.json`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from m4_genai.llm import load_chat_model
from m5_agents_mlops.serve.demo import build_demo_models, sample_digits
from m5_agents_mlops.serve.loadgen import encode_post, run_load
from m5_agents_mlops.serve.predictors import MnistPredictor
from m5_agents_mlops.serve.server import free_port
from roadmap_data import runs_dir
from roadmap_data.console import print_table, save_json

HOST = "127.0.0.1"
PROMPT = [{"role": "user", "content": "Explain in three sentences what a Python list is."}]


def start_serve(flags: list[str]) -> tuple[subprocess.Popen[bytes], int]:
    """``serve`` in a child process; returns once /readyz answers 200."""
    port = free_port()
    command = [sys.executable, "-m", "m5_agents_mlops.cli.serve", "--host", HOST,
               "--port", str(port), "--no-embedder", *flags]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"serve exited with {process.returncode}: {' '.join(command)}")
        try:
            if httpx.get(f"http://{HOST}:{port}/readyz", timeout=1).status_code == 200:
                return process, port
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("serve did not become ready in 3 minutes")


def bench_mnist(checkpoint: Path, clients: list[int], seconds: float) -> list[dict[str, Any]]:
    """Requests/s and latency per client count, batched and unbatched, each answer checked."""
    digits, _ = sample_digits(256)
    expected = MnistPredictor(checkpoint).predict(digits).argmax(axis=1).tolist()
    rows = []
    # (batching, max wait in ms, client counts): the third run is the ablation of the wait.
    settings = [(True, 0.0, clients), (False, 0.0, clients), (True, 2.0, [1, max(clients)])]
    for batching, wait_ms, counts in settings:
        process, port = start_serve(["--mnist", str(checkpoint), "--llm", "scripted",
                                     "--batching" if batching else "--no-batching",
                                     "--max-wait-ms", str(wait_ms), "--drain-s", "0"])  # fmt: skip
        requests = [encode_post(HOST, port, "/v1/predict/mnist",
                                json.dumps({"images": [d.tolist()]}).encode()) for d in digits]  # fmt: skip

        def check(which: int, status: int, body: bytes) -> bool:
            return status == 200 and json.loads(body)["predictions"][0]["digit"] == expected[which]

        try:
            for n in counts:
                run_load(HOST, port, requests, n, 0.5, check)  # warm-up: connections, threads
                result = run_load(HOST, port, requests, n, seconds, check)
                rows.append({"batching": batching, "max_wait_ms": wait_ms, **result.row()})
                print(f"  {rows[-1]}", file=sys.stderr)
        finally:
            process.terminate()
            process.wait(timeout=30)
    return rows


def timed_stream(pieces: Iterator[str]) -> dict[str, float]:
    """Time to first token and decoding tokens/s of one stream of text pieces (one per token)."""
    start = time.perf_counter()
    first, count = None, 0
    for piece in pieces:
        if piece:
            first = first or time.perf_counter()
            count += 1
    end = time.perf_counter()
    decoding = end - first if first else 0.0
    return {"ttft_s": (first or end) - start,
            "tokens_per_s": (count - 1) / decoding if count > 1 and decoding else 0.0}  # fmt: skip


def served_pieces(client: Any, model: str) -> Iterator[str]:
    """The streamed reply's text pieces through the server (the `openai` client, SSE)."""
    for chunk in client.chat.completions.create(model=model, messages=PROMPT, max_tokens=64,
                                                temperature=0, stream=True):  # fmt: skip
        if chunk.choices and chunk.choices[0].delta.content:
            yield chunk.choices[0].delta.content


def summarise(runs: list[dict[str, float]]) -> dict[str, Any]:
    """Median of each measure, and its range over the runs (the spread to read a ratio against)."""
    keys = runs[0]
    return {**{key: round(statistics.median(r[key] for r in runs), 4) for key in keys},
            **{f"{key}_range": [round(min(r[key] for r in runs), 4),
                                round(max(r[key] for r in runs), 4)] for key in keys},
            "runs": len(runs)}  # fmt: skip


def in_process(model_name: str | None, runs: int) -> dict[str, Any]:
    """The same request straight to the model in this process: the baseline."""
    model = load_chat_model("local", model=model_name, threads=1, max_tokens=64)
    timed_stream(model.stream(PROMPT, max_tokens=64, temperature=0))  # warm-up (loads the model)
    measured = [
        timed_stream(model.stream(PROMPT, max_tokens=64, temperature=0)) for _ in range(runs)
    ]
    return {"model": model.name, **summarise(measured)}


def bench_chat(model_name: str | None, concurrency: list[int], runs: int = 8) -> dict[str, Any]:
    """Streamed chat through the server (1 and 4 clients) against the in-process baseline, the
    same number of completions each way, each through ``timed_stream``."""
    from concurrent.futures import ThreadPoolExecutor

    import openai

    baseline = in_process(model_name, runs)
    model = baseline["model"]
    flags = ["--llm", "local", "--drain-s", "0", *(["--model", model_name] if model_name else [])]
    process, port = start_serve(flags)
    client = openai.OpenAI(base_url=f"http://{HOST}:{port}/v1", api_key="local")
    rows = []
    try:
        timed_stream(served_pieces(client, model))  # warm-up
        for n in concurrency:
            with ThreadPoolExecutor(n) as pool:
                measured = list(pool.map(lambda _: timed_stream(served_pieces(client, model)),
                                         range(max(runs, 2 * n))))  # fmt: skip
            row = {"clients": n, **summarise(measured)}
            row["ttft_ratio"] = round(row["ttft_s"] / baseline["ttft_s"], 2)
            row["tokens_per_s_ratio"] = round(row["tokens_per_s"] / baseline["tokens_per_s"], 2)
            rows.append(row)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return {"in_process": baseline, "served": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="1 s per point, 1/8/32 clients, no chat"
    )
    parser.add_argument(
        "--checkpoint", type=Path, help="MNIST model (default: a tiny one, trained now)"
    )
    parser.add_argument("--model", help="chat model of the catalogue (default: the best installed)")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds per measurement")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or runs_dir("bench_serving")
    seconds = 1.0 if args.quick else args.seconds
    clients = [1, 8, 32] if args.quick else [1, 8, 32, 64]
    with tempfile.TemporaryDirectory() as scratch:
        checkpoint = args.checkpoint or Path(build_demo_models(Path(scratch))["mnist"])
        trained = checkpoint.parent / "metrics.json"  # what train-mnist measured, if beside it
        accuracy = (
            json.loads(trained.read_text()).get("test_accuracy") if trained.is_file() else None
        )
        mnist = bench_mnist(checkpoint, clients, seconds)
    chat = None if args.quick else bench_chat(args.model, [1, 4])

    print_table("MNIST predict, one uvicorn worker, loopback (every answer checked)",
                ["batching", "wait ms", "clients", "req/s", "p50 ms", "p99 ms", "errors"],
                [("on" if r["batching"] else "off", r["max_wait_ms"], r["clients"],
                  r["requests_per_s"], r["p50_ms"], r["p99_ms"], r["errors"]) for r in mnist])  # fmt: skip
    if chat:
        base = chat["in_process"]
        print_table(f"streamed chat, {base['model']} (in-process: TTFT {base['ttft_s']} s, "
                    f"{base['tokens_per_s']} tok/s)",
                    ["clients", "TTFT s", "tok/s", "TTFT ×", "tok/s ×"],
                    [(r["clients"], r["ttft_s"], r["tokens_per_s"], r["ttft_ratio"],
                      r["tokens_per_s_ratio"]) for r in chat["served"]])  # fmt: skip
    results = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
               "seconds_per_point": seconds, "checkpoint": str(checkpoint),
               "checkpoint_test_accuracy": accuracy, "mnist": mnist,
               "chat": chat}  # fmt: skip
    print(f"results → {save_json(out / 'results.json', results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
