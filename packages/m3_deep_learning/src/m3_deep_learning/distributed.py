"""Data-parallel training with DistributedDataParallel (DDP): the same script on N processes.

``torchrun --nproc-per-node N -m m3_deep_learning.mnist.train`` starts N copies of the script and
gives each the environment variables ``RANK``, ``LOCAL_RANK`` and ``WORLD_SIZE``. Each copy:

1. joins a *process group* (``gloo`` on CPU, ``nccl`` between GPUs) through which they talk;
2. wraps its model in ``DistributedDataParallel``, which copies rank 0's weights to everyone at
   start and, during ``loss.backward()``, *all-reduces* (averages) the gradients across ranks,
   so every optimizer step is identical and the weights stay identical;
3. reads only its own shard of each epoch's shuffled data (``DistributedSampler``), so N ranks
   cover the epoch N times faster.

All of it sits behind one object, ``World``, so a training script reads like the single-process
recipe it is::

    with World.start(device) as world:        # joins the group under torchrun, else a world of one
        ddp_model = world.wrap(model)
        for epoch in ...:
            indices = world.shard(n, epoch, seed)  # this rank's share of the shuffled epoch
            ...
            loss, seen = world.sum([loss, seen])   # whole-epoch numbers, identical on every rank
        if world.is_main: save(...)                # only rank 0 prints and writes files

Without torchrun every method is the identity (``shard`` returns the whole shuffled epoch), so the
numbers of a one-process run do not depend on any of this.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.distributed as dist
from torch import nn
from torch.utils.data import DistributedSampler


@dataclass(frozen=True)
class World:
    """Where this process sits: its rank among ``size`` processes, and the device it trains on."""

    rank: int = 0
    size: int = 1
    device: torch.device = field(default_factory=lambda: torch.device("cpu"))

    @classmethod
    @contextmanager
    def start(cls, device: torch.device) -> Iterator[World]:
        """Join the process group when launched by torchrun (``WORLD_SIZE`` > 1), leave it at the end.

        Every rank must leave, even after an error: the others would wait for it forever.
        """
        size = int(os.environ.get("WORLD_SIZE", "1"))
        if size == 1:
            yield cls(device=device)
            return
        if device.type == "cuda" and "LOCAL_RANK" in os.environ:
            device = torch.device("cuda", int(os.environ["LOCAL_RANK"]))  # one GPU per rank
        joined = not dist.is_initialized()
        if joined:  # torchrun exported MASTER_ADDR/MASTER_PORT/RANK/WORLD_SIZE: "env://" reads them
            dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
        try:
            yield cls(rank=dist.get_rank(), size=dist.get_world_size(), device=device)
        finally:
            if joined and dist.is_initialized():
                dist.destroy_process_group()

    @property
    def is_main(self) -> bool:
        """Rank 0: the one process that prints tables and writes files."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.size > 1

    def wrap(self, model: nn.Module) -> nn.Module:
        """DDP-wrap ``model`` in a distributed run (this also broadcasts rank 0's initial weights)."""
        if not self.distributed:
            return model
        ids = [self.device.index] if self.device.type == "cuda" else None
        return nn.parallel.DistributedDataParallel(model, device_ids=ids)

    def shard(self, n: int, epoch: int, seed: int, shuffle: bool = True) -> list[int]:
        """This rank's share of a shuffled ``range(n)`` for ``epoch``.

        ``DistributedSampler`` shuffles with ``seed + epoch`` (the same permutation on every rank),
        pads it so it divides evenly, and hands rank r every N-th index starting at r.
        """
        sampler = DistributedSampler(
            range(n), num_replicas=self.size, rank=self.rank, shuffle=shuffle, seed=seed
        )
        sampler.set_epoch(epoch)  # without this, every epoch would repeat the same order
        return list(sampler)

    def shard_size(self, n: int) -> int:
        """Indices per rank and epoch: ``n / size`` rounded up (the sampler pads to equal shares)."""
        return -(-n // self.size)

    def sum(self, values: list[float]) -> list[float]:
        """Element-wise sum of ``values`` over all ranks (e.g. correct counts), equal on every rank."""
        if not self.distributed:
            return values
        tensor = torch.tensor(values, dtype=torch.float64)
        dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
        return tensor.tolist()

    def gather(self, value: Any) -> list[Any]:
        """Every rank's ``value``, in rank order, on every rank."""
        if not self.distributed:
            return [value]
        values: list[Any] = [None] * self.size
        dist.all_gather_object(values, value)
        return values

    def sync_buffers(self, model: nn.Module) -> None:
        """Copy rank 0's buffers (BatchNorm running mean/variance) to every rank.

        DDP averages *gradients*, so parameters stay identical, but each rank updates its BatchNorm
        running statistics from its own batches. DDP broadcasts rank 0's buffers before each forward
        pass; after the last step of an epoch they have drifted again, so we broadcast once more to
        evaluate (and save) one and the same model on every rank.
        """
        if not self.distributed:
            return
        for buffer in unwrap(model).buffers():
            dist.broadcast(buffer.data, src=0)

    def barrier(self) -> None:
        """Wait until every rank gets here (e.g. until rank 0 has finished writing a file)."""
        if self.distributed:
            dist.barrier()


def unwrap(model: nn.Module) -> nn.Module:
    """The plain model inside a DistributedDataParallel wrapper (whose names start ``module.``)."""
    return model.module if hasattr(model, "module") else model


def weights_digest(model: nn.Module) -> str:
    """SHA-256 of all parameters and buffers: equal digests ⇔ bit-identical weights."""
    digest = hashlib.sha256()
    for name, tensor in unwrap(model).state_dict().items():
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()
