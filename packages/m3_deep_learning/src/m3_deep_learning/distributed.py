"""Data-parallel training with DistributedDataParallel (DDP): the same script on N processes.

``torchrun --nproc-per-node N -m m3_deep_learning.train_mnist`` starts N copies of the script and
gives each the environment variables ``RANK``, ``LOCAL_RANK`` and ``WORLD_SIZE``. Each copy:

1. joins a *process group* (``gloo`` on CPU, ``nccl`` between GPUs) through which they talk;
2. wraps its model in ``DistributedDataParallel``, which copies rank 0's weights to everyone at
   start and, during ``loss.backward()``, *all-reduces* (averages) the gradients across ranks,
   so every optimizer step is identical and the weights stay identical;
3. reads only its own shard of each epoch's shuffled data (``DistributedSampler``), so N ranks
   cover the epoch N times faster.

Without torchrun the same code runs as a world of one: the sampler then returns all indices.
Only rank 0 prints tables and writes files, else N processes would race on the same paths.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn
from torch.utils.data import DistributedSampler

from m3_deep_learning.checkpoint import unwrap


@dataclass(frozen=True)
class World:
    """Where this process sits: its rank among ``size`` processes (rank 0 is the main one)."""

    rank: int = 0
    size: int = 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.size > 1


def init_world(device: torch.device) -> World:
    """Join the process group when launched by torchrun (``WORLD_SIZE`` > 1), else a world of one."""
    size = int(os.environ.get("WORLD_SIZE", "1"))
    if size == 1:
        return World()
    if not dist.is_initialized():
        # torchrun exported MASTER_ADDR/MASTER_PORT/RANK/WORLD_SIZE: "env://" reads them.
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    return World(rank=dist.get_rank(), size=dist.get_world_size())


def close_world(world: World) -> None:
    """Leave the process group (every rank must call it, or the others wait forever)."""
    if world.distributed and dist.is_initialized():
        dist.destroy_process_group()


def local_device(device: torch.device) -> torch.device:
    """Under torchrun on GPUs, rank r of a node uses GPU ``LOCAL_RANK``; on CPU nothing changes."""
    if device.type == "cuda" and "LOCAL_RANK" in os.environ:
        return torch.device("cuda", int(os.environ["LOCAL_RANK"]))
    return device


def wrap(model: nn.Module, world: World, device: torch.device) -> nn.Module:
    """DDP-wrap the model in a distributed run (this also broadcasts rank 0's initial weights)."""
    if not world.distributed:
        return model
    ids = [device.index] if device.type == "cuda" else None
    return nn.parallel.DistributedDataParallel(model, device_ids=ids)


def epoch_indices(n: int, epoch: int, seed: int, world: World, shuffle: bool = True) -> list[int]:
    """This rank's share of a shuffled ``range(n)`` for ``epoch``.

    ``DistributedSampler`` shuffles with ``seed + epoch`` (the same permutation on every rank),
    pads it so it divides evenly, and hands rank r every N-th index starting at r.
    """
    sampler = DistributedSampler(
        range(n), num_replicas=world.size, rank=world.rank, shuffle=shuffle, seed=seed
    )
    sampler.set_epoch(epoch)  # without this, every epoch would repeat the same order
    return list(sampler)


def sum_across(values: list[float], world: World) -> list[float]:
    """Element-wise sum of ``values`` over all ranks (e.g. correct counts), identical on every rank."""
    if not world.distributed:
        return values
    tensor = torch.tensor(values, dtype=torch.float64)
    dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
    return tensor.tolist()


def gather(value: object, world: World) -> list[object]:
    """Every rank's ``value``, in rank order, on every rank."""
    if not world.distributed:
        return [value]
    values: list[object] = [None] * world.size
    dist.all_gather_object(values, value)
    return values


def sync_buffers(model: nn.Module, world: World) -> None:
    """Copy rank 0's buffers (BatchNorm running mean/variance) to every rank.

    DDP averages *gradients*, so parameters stay identical, but each rank updates its BatchNorm
    running statistics from its own batches. DDP broadcasts rank 0's buffers before each forward
    pass; after the last step of an epoch they have drifted again, so we broadcast once more to
    evaluate (and save) one and the same model on every rank.
    """
    if not world.distributed:
        return
    for buffer in unwrap(model).buffers():
        dist.broadcast(buffer.data, src=0)


def weights_digest(model: nn.Module) -> str:
    """SHA-256 of all parameters and buffers: equal digests ⇔ bit-identical weights."""
    digest = hashlib.sha256()
    for name, tensor in unwrap(model).state_dict().items():
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()
