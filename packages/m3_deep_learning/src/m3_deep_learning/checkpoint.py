"""Saving and loading models: the ``state_dict`` and the few facts needed to use it again.

``model.state_dict()`` is an ordered dict ``{parameter or buffer name: tensor}``: the weights,
plus buffers such as BatchNorm's running mean and variance. It holds no code, so loading needs
the same class built first: ``model = CNN(); model.load_state_dict(sd)``. That is why the
checkpoint also stores the model's name (``load_checkpoint`` hands it to a ``build`` function such
as ``mnist.models.build_model``) and the input normalisation it was trained with.

We load with ``torch.load(..., weights_only=True)``: a checkpoint is a pickle, and the default
unpickler could run arbitrary code from a file someone sent you; ``weights_only`` accepts only
tensors and plain containers.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from torch import nn

from m3_deep_learning.distributed import unwrap
from m3_deep_learning.errors import CheckpointError


def save_checkpoint(path: Path, model_name: str, model: nn.Module, **meta: Any) -> Path:
    """Write ``{model, state_dict, **meta}`` atomically: a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"model": model_name, "state_dict": unwrap(model).state_dict(), **meta}
    tmp = path.with_name(f".{path.name}.part")
    torch.save(payload, tmp)
    os.replace(tmp, path)
    return path


def load_checkpoint(
    path: Path, build: Callable[[str], nn.Module], hint: str
) -> tuple[nn.Module, dict[str, Any]]:
    """Rebuild the model named in the checkpoint with ``build``, load its weights, switch to eval.

    ``hint`` ends the error message of a missing or unusable file: how to make a good one.
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"no checkpoint at {path}: {hint}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
        model = build(payload["model"])
        model.load_state_dict(payload["state_dict"])
    except (RuntimeError, KeyError, TypeError, EOFError, OSError, pickle.UnpicklingError) as error:
        raise CheckpointError(f"{path} is not a usable checkpoint ({error}); {hint}") from None
    meta = {key: value for key, value in payload.items() if key != "state_dict"}
    return model.eval(), meta
