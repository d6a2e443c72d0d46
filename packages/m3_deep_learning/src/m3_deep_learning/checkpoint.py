"""Saving and loading models: the ``state_dict`` and the few facts needed to use it again.

``model.state_dict()`` is an ordered dict ``{parameter or buffer name: tensor}``: the weights,
plus buffers such as BatchNorm's running mean and variance. It holds no code, so loading needs
the same class built first: ``model = CNN(); model.load_state_dict(sd)``. That is why the
checkpoint also stores the model's name and the input normalisation it was trained with.

We load with ``torch.load(..., weights_only=True)``: a checkpoint is a pickle, and the default
unpickler could run arbitrary code from a file someone sent you; ``weights_only`` accepts only
tensors and plain containers.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import torch
from torch import nn

from m3_deep_learning.errors import CheckpointError
from m3_deep_learning.models import build_model

TRAIN_HINT = "train one first with `uv run train-mnist` (or pass --checkpoint PATH)"


def unwrap(model: nn.Module) -> nn.Module:
    """The plain model inside a DistributedDataParallel wrapper (whose names start ``module.``)."""
    return model.module if hasattr(model, "module") else model


def save_checkpoint(path: Path, model_name: str, model: nn.Module, **meta: Any) -> Path:
    """Write ``{model, state_dict, **meta}`` atomically: a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"model": model_name, "state_dict": unwrap(model).state_dict(), **meta}
    tmp = path.with_name(f".{path.name}.part")
    torch.save(payload, tmp)
    os.replace(tmp, path)
    return path


def load_checkpoint(path: Path) -> tuple[nn.Module, dict[str, Any]]:
    """Rebuild the model named in the checkpoint, load its weights, switch to eval mode."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"no checkpoint at {path}: {TRAIN_HINT}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
        model = build_model(payload["model"])
        model.load_state_dict(payload["state_dict"])
    except (RuntimeError, KeyError, TypeError, EOFError, OSError, pickle.UnpicklingError) as error:
        raise CheckpointError(
            f"{path} is not a usable checkpoint ({error}); {TRAIN_HINT}"
        ) from None
    meta = {key: value for key, value in payload.items() if key != "state_dict"}
    return model.eval(), meta
