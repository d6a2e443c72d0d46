"""Benchmark the local chat models: speed per runtime, and quality on the LLM suite.

    uv run scripts/bench_llm.py                  # every installed catalogue model, all runtimes
    uv run scripts/bench_llm.py --quick          # one repetition, one test item per kind
    uv run scripts/bench_llm.py --models smollm2-135m --runtimes llamacpp-1t transformers
    uv run scripts/bench_llm_tables.py           # the README's Markdown tables from the JSON

Runtimes: ``llamacpp-1t`` and ``llamacpp-2t`` (llama.cpp on the quantised GGUF, 1 or 2 threads)
and ``transformers`` (the same GGUF de-quantised to float32, run by PyTorch with its default
threads). Each (model, runtime) is measured in a fresh process, so load time and memory are real:

- load: seconds to open the model (transformers' very first load also converts the GGUF and
  caches the result; that run is reported as ``first load`` and the measurement is repeated);
- prompt tokens/s: reading a fixed ≈ 300-token prompt (llama.cpp reports the time itself; for
  transformers it is the time of a 1-token generation);
- decode tokens/s: writing 64 tokens greedily after it (medians over ``--repetitions``);
- peak memory: the child's peak resident set (``ru_maxrss``), imports included.

Quality: the test part of ``m4_genai.golden.llm_suite`` (20 items: tool calls, citing, abstaining,
code, arithmetic; scored exactly) per model with llama.cpp on one thread, and with transformers
for SmolLM2, the path the roadmap used before llama.cpp. A model that is not installed is skipped
with the command that installs it. Writes ``data/runs/bench_llm/metrics.json`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench_llm_tables import markdown  # scripts/ is on sys.path when run as a script

from roadmap_data import models, runs_dir
from roadmap_data.console import friendly_errors, save_json

RUNTIMES = ("llamacpp-1t", "llamacpp-2t", "transformers")
QUALITY_BASELINE = "smollm2-135m"
"""The model also run through transformers in the quality part (the pre-llama.cpp default)."""
NEW_TOKENS = 64
PASSAGE = (
    "A hash table stores values under keys so that a lookup takes about the same time however "
    "many entries it holds. It keeps an array of slots. To store a key, it computes a hash of the "
    "key, a large integer that depends only on the key's contents, and reduces it modulo the "
    "number of slots to choose one. Two different keys can land in the same slot: a collision. "
    "Python's dictionaries resolve collisions by open addressing: when the chosen slot is taken, a "
    "fixed probing sequence visits other slots until it finds a free one, and a lookup follows the "
    "same sequence until it finds the key or an empty slot. As the table fills, probing sequences "
    "grow longer, so the table is resized, usually doubled, when it is about two thirds full; "
    "every entry is then inserted again into the larger array. A resize is slow, but it happens "
    "rarely enough that the average cost of an insertion stays constant. Keys must be hashable: "
    "their hash may never change while they are in the table, which is why lists cannot be "
    "dictionary keys while tuples of immutable values can. Equal keys must have equal hashes, so "
    "a class that defines its own equality must define a matching hash. Since Python 3.7, "
    "dictionaries also remember the order in which keys were inserted, because entries are stored "
    "in a compact array and the slots only hold indexes into it, which saves memory as well."
)


def speed_prompt(repetition: int) -> list[dict[str, str]]:
    """The fixed prompt; the repetition number comes first so llama.cpp's prompt cache (which
    reuses the longest common prefix of the previous request) cannot skip reading it."""
    return [
        {"role": "system", "content": f"Run {repetition}. You are a helpful assistant."},
        {"role": "user", "content": f"{PASSAGE}\n\nRewrite this text as a numbered list of at "
                                    "least twelve short points."},
    ]  # fmt: skip


def make_model(name: str, runtime: str, max_tokens: int = NEW_TOKENS) -> Any:
    """Catalogue model ``name`` loaded by one runtime."""
    if runtime == "transformers":
        from m4_genai.llm.transformers_backend import TransformersChatModel

        return TransformersChatModel(name, max_tokens=max_tokens).load()
    from m4_genai.llm.llamacpp_backend import LlamaCppChatModel

    threads = int(runtime.removeprefix("llamacpp-").removesuffix("t"))
    model = LlamaCppChatModel(name, threads=threads, max_tokens=max_tokens)
    model.load_seconds  # noqa: B018  (loads the GGUF now, not inside the first timing)
    return model


def measure_speed(name: str, runtime: str, repetitions: int) -> dict[str, Any]:
    """Load time, prompt and decode speed, peak memory: in this (fresh) process."""
    model = make_model(name, runtime)
    model.chat([{"role": "user", "content": "Hi"}], max_tokens=1)  # warm-up: first-call costs
    prompt_speeds, decode_speeds, prompt_tokens = [], [], 0
    for repetition in range(1, repetitions + 1):
        messages = speed_prompt(repetition)
        if runtime == "transformers":  # no prompt timing of its own: time a 1-token answer
            first = model.chat(messages, max_tokens=1)
            full = model.chat(messages, max_tokens=NEW_TOKENS)
            prompt_seconds, decode_tokens = first.seconds, full.completion_tokens - 1
            decode_seconds = full.seconds - first.seconds
        else:
            full = model.chat(messages, max_tokens=NEW_TOKENS)
            prompt_seconds, decode_tokens = full.prompt_seconds, full.completion_tokens
            decode_seconds = full.seconds - full.prompt_seconds
        prompt_tokens = full.prompt_tokens
        prompt_speeds.append(full.prompt_tokens / prompt_seconds)
        decode_speeds.append(decode_tokens / decode_seconds)
    return {
        "runtime": runtime,
        "threads": _threads(runtime),
        "load_s": model.load_seconds,
        "loaded_from": getattr(model, "loaded_from", "gguf"),
        "prompt_tokens": prompt_tokens,
        "new_tokens": full.completion_tokens,
        "prompt_tokens_per_s": statistics.median(prompt_speeds),
        "decode_tokens_per_s": statistics.median(decode_speeds),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure_quality(name: str, runtime: str, quick: bool) -> dict[str, Any]:
    """The suite's test part (one item per kind with ``quick``), progress on stderr."""
    from m4_genai.golden.llm_suite import load_suite, run_suite

    model = make_model(name, runtime)
    items = load_suite("test", per_kind=1 if quick else None)

    def progress(result: Any) -> None:
        mark = "right" if result.right else "wrong"
        print(f"  {result.id:<11} {mark}  {result.seconds:5.1f} s  {result.why[:70]}",
              file=sys.stderr, flush=True)  # fmt: skip

    metrics = run_suite(model, items, on_item=progress).metrics()
    return {"runtime": runtime, "threads": _threads(runtime), **metrics}


def _threads(runtime: str) -> int:
    if runtime == "transformers":
        import torch

        return torch.get_num_threads()
    return int(runtime.removeprefix("llamacpp-").removesuffix("t"))


def in_child(*args: str) -> dict[str, Any]:
    """Run this script's ``--child`` mode in a fresh interpreter; its last stdout line is JSON."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], stdout=subprocess.PIPE, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"bench_llm: {' '.join(args[:3])} failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def installed(names: list[str]) -> tuple[dict[str, Path], list[dict[str, str]]]:
    """``(name → GGUF path of the installed models, skipped models with how to install them)``."""
    present, skipped = {}, []
    for name in names:
        card = models.chat_model(name)
        path = models.model_file(card)
        if path is None:
            skipped.append({"model": card.name, "install": models.availability(card)})
        else:
            present[card.name] = path
    return present, skipped


def run_bench(args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement, each in its own child process, as one JSON-ready dict."""
    present, skipped = installed(args.models)
    for skip in skipped:
        print(f"skipping {skip['model']}: {skip['install']}", flush=True)
    load_before = os.getloadavg()[0]
    speed, quality = [], []
    repetitions = "1" if args.quick else str(args.repetitions)
    for name in present:
        for runtime in args.runtimes if "speed" in args.parts else ():
            print(f"speed: {name} on {runtime} ...", flush=True)
            row = in_child("speed", name, runtime, repetitions)
            if row["loaded_from"] == "gguf" and runtime == "transformers":
                first_load = row["load_s"]  # converted and cached: measure the usual load too
                row = {
                    **in_child("speed", name, runtime, repetitions),
                    "first_load_s": first_load,
                }
            speed.append({"model": name, **row})
        quality_runtimes = ["llamacpp-1t"] + (["transformers"] if name == QUALITY_BASELINE else [])
        for runtime in quality_runtimes if "quality" in args.parts else ():
            if runtime in args.runtimes:
                print(f"quality: {name} on {runtime} ...", flush=True)
                quality.append(
                    {**in_child("quality", name, runtime, str(args.quick)), "model": name}
                )
    return {
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": load_before,
        "load_average_end": os.getloadavg()[0],
        "quick": args.quick,
        "repetitions": int(repetitions),
        "speed": speed,
        "quality": quality,
        "files": {name: str(path) for name, path in present.items()},
        "skipped": skipped,
    }


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    names = [card.name for card in models.CHAT_MODELS]
    parser.add_argument(
        "--models",
        nargs="+",
        default=names,
        choices=names,
        metavar="MODEL",
        help=f"catalogue models (default: all of {', '.join(names)})",
    )
    parser.add_argument(
        "--runtimes",
        nargs="+",
        default=list(RUNTIMES),
        choices=RUNTIMES,
        metavar="RUNTIME",
        help=f"default: all of {', '.join(RUNTIMES)}",
    )
    parser.add_argument(
        "--parts",
        nargs="+",
        default=["speed", "quality"],
        choices=["speed", "quality"],
        help="what to measure (default: both)",
    )
    parser.add_argument("--repetitions", type=int, default=3, help="speed runs per row (median)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one repetition, one quality item per kind (a minute or two)",
    )
    parser.add_argument("--out", type=Path, help="default data/runs/bench_llm")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args(argv)
    if args.child:  # the child process: one measurement, JSON on stdout
        part, name, runtime, option = args.child
        if part == "speed":
            print(json.dumps(measure_speed(name, runtime, int(option))))
        else:
            print(json.dumps(measure_quality(name, runtime, option == "True")))
        return 0
    results = run_bench(args)
    print(markdown(results))
    out = args.out or runs_dir("bench_llm")
    print(f"results → {save_json(out / 'metrics.json', results)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
