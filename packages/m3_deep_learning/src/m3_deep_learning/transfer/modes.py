"""Three ways to train one architecture on a few labelled images, and how they differ.

==========  ===========================  ==========================================================
mode        trainable                    what runs each epoch
==========  ===========================  ==========================================================
head        the new nn.Linear only       nothing but the head: the frozen backbone's pooled
            (12.8 k parameters)          features are computed ONCE, then reused every epoch
finetune    last block + head (1 M)      the last block and head, on the frozen stem's outputs
                                         (computed once and shared with "head": ``cache_stem``)
scratch     everything (4 M, random)     the whole network, on images, every epoch
==========  ===========================  ==========================================================

Freezing is one line, ``param.requires_grad_(False)``: autograd then computes no gradient for
those weights and the optimizer (given only the trainable ones) never changes them. Because a
frozen module's output never changes, computing it once and caching it is exact, and turns an
hour of CPU work into seconds: that is why "head" costs almost nothing.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import torch
from torch import nn
from tqdm.auto import tqdm

from m3_deep_learning.training import evaluate, train_one_epoch
from m3_deep_learning.transfer.backbones import Backbone
from m3_deep_learning.transfer.data import FewShotDigits, Transform, batches, digits_to_rgb


@dataclass
class ModeResult:
    """How one training mode did on the held-out digits."""

    mode: str
    trainable_params: int
    epochs: int
    train_accuracy: float
    test_accuracy: float
    seconds: float
    train_loss: list[float] = field(default_factory=list)  # one value per epoch


def freeze(module: nn.Module) -> nn.Module:
    """Stop gradients for every parameter of ``module`` and put it in eval mode (BN stats fixed)."""
    for param in module.parameters():
        param.requires_grad_(False)
    return module.eval()


def count_trainable(module: nn.Module) -> int:
    """Number of parameters the optimizer will update."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


@torch.no_grad()
def extract(
    module: nn.Module,
    x: torch.Tensor,
    transform: Transform | None,
    batch_size: int,
    device: torch.device,
    desc: str,
) -> torch.Tensor:
    """Run a frozen ``module`` over ``x`` once, batch by batch; the outputs stay on the CPU."""
    module.eval().to(device)
    outputs = []
    for xb, _ in tqdm(
        batches(x, torch.zeros(len(x)), batch_size, transform=transform),
        total=-(-len(x) // batch_size),
        desc=desc,
        leave=False,
    ):
        outputs.append(module(xb.to(device)).cpu())
    return torch.cat(outputs)


@torch.no_grad()
def recalibrate_batchnorm(
    model: nn.Module, batches_: Iterable[tuple[torch.Tensor, torch.Tensor]], device: torch.device
) -> None:
    """Re-estimate every BatchNorm's running mean/variance with the final weights.

    During training BN normalises with each batch's statistics and keeps an exponential moving
    average (momentum 0.1) for eval mode. When the weights move fast, as when training from
    scratch for a few epochs, that average still describes the *earlier* weights, and eval-mode
    accuracy collapses (we measured 0.98 train-mode vs 0.17 eval-mode accuracy on the same
    training digits). One no-grad pass with a cumulative average (momentum=None) fixes it.
    """
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    saved = [bn.momentum for bn in norms]
    for bn in norms:
        bn.reset_running_stats()
        bn.momentum = None  # running stats = plain average over all batches seen
    model.train()
    for x, _ in batches_:
        model(x.to(device))
    for bn, momentum in zip(norms, saved, strict=True):
        bn.momentum = momentum


def fit(
    model: nn.Module,
    train: tuple[torch.Tensor, torch.Tensor],
    test: tuple[torch.Tensor, torch.Tensor],
    *,
    epochs: int,
    lr: float,
    batch_size: int,
    seed: int,
    device: torch.device,
    transform: Transform | None = None,
    desc: str = "train",
) -> tuple[float, float, list[float]]:
    """Adam on the trainable parameters; returns (train accuracy, test accuracy, loss per epoch)."""
    model.to(device)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=1e-4)
    generator = torch.Generator().manual_seed(seed)  # same shuffles for every mode
    losses, stats = [], None
    for _ in tqdm(range(epochs), desc=desc, leave=False):
        stats = train_one_epoch(
            model, batches(*train, batch_size, generator, transform), optimizer, device=device
        )
        losses.append(stats.loss)
    recalibrate_batchnorm(model, batches(*train, batch_size, transform=transform), device)
    test_stats = evaluate(model, batches(*test, 4 * batch_size, transform=transform), device=device)
    return (stats.accuracy if stats else 0.0), test_stats.accuracy, losses


def _result(mode: str, model: nn.Module, epochs: int, fitted: tuple, start: float) -> ModeResult:
    train_acc, test_acc, losses = fitted
    return ModeResult(
        mode,
        count_trainable(model),
        epochs,
        train_acc,
        test_acc,
        time.perf_counter() - start,
        losses,
    )


def image_transform(backbone: Backbone, size: int) -> Transform:
    """uint8 digits → the normalised RGB images this backbone's weights expect."""
    return lambda digits: digits_to_rgb(digits, size, backbone.mean, backbone.std)


@dataclass
class StemCache:
    """The frozen stem's outputs for every digit, computed once and shared by head and finetune."""

    train: torch.Tensor  # (N, C, h, w)
    test: torch.Tensor  # (M, C, h, w)
    seconds: float


def cache_stem(
    backbone: Backbone, data: FewShotDigits, *, size: int, batch_size: int, device: torch.device
) -> StemCache:
    """Run the frozen stem over all train and test digits once (the expensive part on a CPU)."""
    start = time.perf_counter()
    stem, to_rgb = freeze(backbone.stem), image_transform(backbone, size)
    train = extract(stem, data.x_train, to_rgb, batch_size, device, "stem (train)")
    test = extract(stem, data.x_test, to_rgb, batch_size, device, "stem (test)")
    return StemCache(train, test, time.perf_counter() - start)


def train_head(
    backbone: Backbone, data: FewShotDigits, cache: StemCache, *, epochs: int, lr: float,
    batch_size: int, seed: int, device: torch.device, num_classes: int = 10,
) -> ModeResult:  # fmt: skip
    """Frozen backbone, new linear head: a linear classifier on ImageNet features."""
    start = time.perf_counter()
    last = freeze(backbone.last_block)  # (B, C, h, w) → (B, F), pretrained and frozen
    f_train = extract(last, cache.train, None, batch_size, device, "features (train)")  # (N, F)
    f_test = extract(last, cache.test, None, batch_size, device, "features (test)")
    torch.manual_seed(seed)
    head = nn.Linear(backbone.num_features, num_classes)  # (B, F) → (B, classes)
    fitted = fit(
        head, (f_train, data.y_train), (f_test, data.y_test), epochs=epochs, lr=lr,
        batch_size=batch_size, seed=seed, device=device, desc="head",
    )  # fmt: skip
    return _result("head", head, epochs, fitted, start)


def train_finetune(
    backbone: Backbone, data: FewShotDigits, cache: StemCache, *, epochs: int, lr: float,
    batch_size: int, seed: int, device: torch.device, num_classes: int = 10,
) -> ModeResult:  # fmt: skip
    """Frozen stem (its cached outputs), a trainable copy of the last block, a new head."""
    start = time.perf_counter()
    last = copy.deepcopy(backbone.last_block)  # a copy: the caller's backbone stays pretrained
    for param in last.parameters():
        param.requires_grad_(True)
    torch.manual_seed(seed)
    model = nn.Sequential(last, nn.Linear(backbone.num_features, num_classes))
    fitted = fit(
        model, (cache.train, data.y_train), (cache.test, data.y_test), epochs=epochs, lr=lr,
        batch_size=batch_size, seed=seed, device=device, desc="finetune",
    )  # fmt: skip
    return _result("finetune", model, epochs, fitted, start)


def train_scratch(
    fresh: Backbone, data: FewShotDigits, *, size: int, epochs: int, lr: float,
    batch_size: int, seed: int, device: torch.device, num_classes: int = 10,
) -> ModeResult:  # fmt: skip
    """The same architecture from random weights, every layer trained on the images."""
    start = time.perf_counter()
    torch.manual_seed(seed)
    model = nn.Sequential(fresh.stem, fresh.last_block, nn.Linear(fresh.num_features, num_classes))
    fitted = fit(
        model, (data.x_train, data.y_train), (data.x_test, data.y_test), epochs=epochs, lr=lr,
        batch_size=batch_size, seed=seed, device=device, transform=image_transform(fresh, size),
        desc="scratch",
    )  # fmt: skip
    return _result("scratch", model, epochs, fitted, start)
