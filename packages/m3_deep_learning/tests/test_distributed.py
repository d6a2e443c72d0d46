"""DDP: data shards per rank, and two real CPU processes ending with bit-identical weights."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from m3_deep_learning.distributed import World, epoch_indices, weights_digest
from m3_deep_learning.models import CNN


def test_ranks_split_each_epoch_without_overlap() -> None:
    shards = [epoch_indices(10, epoch=1, seed=0, world=World(rank, 2)) for rank in (0, 1)]
    assert len(shards[0]) == len(shards[1]) == 5
    assert sorted(shards[0] + shards[1]) == list(range(10))
    assert epoch_indices(10, epoch=2, seed=0, world=World(0, 2)) != shards[0]  # reshuffled
    assert sorted(epoch_indices(10, 1, 0, World())) == list(range(10))  # a world of one: all


def test_weights_digest_sees_any_change() -> None:
    model = CNN()
    before = weights_digest(model)
    assert weights_digest(model) == before
    model.features[0][0].weight.data[0, 0, 0, 0] += 1e-6
    assert weights_digest(model) != before


@pytest.mark.slow
def test_torchrun_two_cpu_processes_end_with_identical_weights(tmp_path: Path) -> None:
    out = tmp_path / "ddp"
    command = [
        sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
        "-m", "m3_deep_learning.train_mnist", "--smoke", "--train-size", "600",
        "--device", "cpu", "--out", str(out),
    ]  # fmt: skip
    env = {**os.environ, "AI_ROADMAP_DATA": str(tmp_path), "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["world_size"] == 2
    rank0, rank1 = metrics["weight_digests"]
    assert rank0 == rank1  # gradients were averaged: both ranks took the same steps
    assert done.stdout.count("train-mnist") == 1  # only rank 0 printed its table
