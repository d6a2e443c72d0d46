"""The month's models as ``nn.Module`` classes: an MLP, our fast CNN and the pytorch/examples net.

An ``nn.Module`` declares its layers in ``__init__`` (which registers their parameters, so
``model.parameters()`` and ``model.state_dict()`` find them) and says how data flows in
``forward``. Calling ``model(x)`` runs ``forward`` plus any hooks.

**Convolutions.** A ``Conv2d(C_in, C_out, k)`` slides ``C_out`` filters of shape ``(C_in, k, k)``
over the image; each filter is a small pattern detector (an edge, a stroke end, a curve) shared by
every position, which is why a CNN needs far fewer weights than an MLP and is not fooled by a digit
moving a few pixels. For an input of size ``n`` the output size is

    out = ⌊(n + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1

(``conv_output_size`` below; a test checks it against real layers). ``padding=1`` with a 3×3 kernel
keeps the size ("same" padding); ``stride=2`` halves it. **Max pooling** ``MaxPool2d(2)`` keeps the
largest value of each 2×2 window: it halves height and width, cheaply summarising "the pattern is
somewhere around here", so later filters see a wider area of the digit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from m3_deep_learning.checkpoint import load_checkpoint
from m3_deep_learning.errors import DeepLearningError

TRAIN_HINT = "train one first with `uv run train-mnist` (or pass --checkpoint PATH)"


def conv_output_size(
    size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> int:
    """Height (or width) after a convolution or pooling layer with these settings."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


class MLP(nn.Module):
    """Flatten the 28×28 image to 784 numbers, then two hidden ReLU layers: the dense baseline.

    It has no idea that neighbouring pixels are related: 97.4 % after the 3-epoch default recipe.
    """

    def __init__(self, hidden: int = 256, dropout: float = 0.2, num_classes: int = 10) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(),  # (B, 1, 28, 28) → (B, 784)
            nn.Linear(28 * 28, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, num_classes),  # logits: cross_entropy applies the softmax
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)  # (B, num_classes)


def conv_block(c_in: int, c_out: int) -> nn.Sequential:
    """3×3 conv ("same" padding) → BatchNorm → ReLU → 2×2 max pool: halves H and W.

    The conv has no bias because BatchNorm right after it subtracts the mean anyway (its own
    shift β plays the bias's role). BatchNorm keeps each channel's activations standardised
    during training, which tolerates large learning rates and so converges in few epochs.
    """
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel_size=3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
    )


class CNN(nn.Module):
    """Our fast MNIST CNN: three conv blocks (28 → 14 → 7 → 3 pixels), then one linear layer.

    Pooling *early* is the speed trick: the expensive 3×3 convolutions with many channels run on
    14×14 and 7×7 maps instead of 28×28, so one image costs about a sixth of the multiply-adds of
    the pytorch/examples network, while BatchNorm lets it learn in a few epochs.
    """

    def __init__(self, channels: tuple[int, int, int] = (16, 32, 64), num_classes: int = 10):
        super().__init__()
        c1, c2, c3 = channels
        self.features = nn.Sequential(
            conv_block(1, c1),  # (B, c1, 14, 14)
            conv_block(c1, c2),  # (B, c2, 7, 7)
            conv_block(c2, c3),  # (B, c3, 3, 3)
        )
        self.classifier = nn.Linear(c3 * 3 * 3, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)  # (B, c3, 3, 3)
        return self.classifier(x.flatten(1))  # (B, num_classes)


class ReferenceNet(nn.Module):
    """The pytorch/examples MNIST network (examples/mnist/main.py), rebuilt from its published code.

    conv 1→32 (3×3) → ReLU → conv 32→64 (3×3) → ReLU → max pool → dropout 0.25 → fc 9216→128 →
    ReLU → dropout 0.5 → fc 128→10. Trained there with Adadelta (lr 1.0), StepLR (γ 0.7), batch 64.
    It ends in ``log_softmax`` + ``nll_loss``; we return logits and use ``cross_entropy``, which
    is the same loss (cross_entropy = nll_loss ∘ log_softmax).
    """

    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.conv1(x))  # (B, 32, 26, 26): no padding, each 3×3 conv loses 2 pixels
        x = F.relu(self.conv2(x))  # (B, 64, 24, 24): the costly layer, 64×32×9 MACs per pixel
        x = self.dropout1(F.max_pool2d(x, 2))  # (B, 64, 12, 12)
        x = self.dropout2(F.relu(self.fc1(x.flatten(1))))  # (B, 128)
        return self.fc2(x)  # (B, num_classes)


MODELS = {"cnn": CNN, "mlp": MLP, "reference": ReferenceNet}


def build_model(name: str) -> nn.Module:
    """A fresh model by name: ``cnn``, ``mlp`` or ``reference``."""
    if name not in MODELS:
        raise DeepLearningError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")
    return MODELS[name]()


def count_parameters(model: nn.Module) -> int:
    """Number of trainable numbers in the model."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def load_trained(path: Path) -> tuple[nn.Module, dict[str, Any]]:
    """A ``train-mnist`` checkpoint as a model in eval mode, plus what was saved beside the weights."""
    return load_checkpoint(path, build_model, TRAIN_HINT)
