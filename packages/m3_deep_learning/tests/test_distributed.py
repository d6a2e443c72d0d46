"""DDP: data shards per rank, and two real CPU processes ending with bit-identical weights."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from m3_deep_learning.distributed import World, weights_digest
from m3_deep_learning.mnist.models import CNN


def test_ranks_split_each_epoch_without_overlap() -> None:
    shards = [World(rank=rank, size=2).shard(10, epoch=1, seed=0) for rank in (0, 1)]
    assert len(shards[0]) == len(shards[1]) == 5 == World(size=2).shard_size(10)
    assert sorted(shards[0] + shards[1]) == list(range(10))
    assert World(rank=0, size=2).shard(10, epoch=2, seed=0) != shards[0]  # reshuffled
    assert sorted(World().shard(10, 1, 0)) == list(range(10))  # a world of one: all
    odd = [World(rank=rank, size=2).shard(11, epoch=1, seed=0) for rank in (0, 1)]
    assert len(odd[0]) == len(odd[1]) == 6 == World(size=2).shard_size(11)  # padded to equal


def test_a_world_of_one_changes_nothing() -> None:
    """Outside torchrun every collective is the identity, so one-process numbers are unchanged."""
    with World.start(torch.device("cpu")) as world:
        model = CNN()
        assert (world.rank, world.size, world.is_main) == (0, 1, True)
        assert world.wrap(model) is model
        assert world.sum([1.5, 2.0]) == [1.5, 2.0] and world.gather("x") == ["x"]
        world.sync_buffers(model)
        world.barrier()


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
        "-m", "m3_deep_learning.mnist.train", "--smoke", "--train-size", "600",
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
