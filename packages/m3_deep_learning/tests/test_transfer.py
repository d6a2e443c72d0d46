"""Transfer learning: the offline ImageNet weights load and see, freezing freezes, caching is exact."""

from __future__ import annotations

import copy
import json
from collections import OrderedDict
from pathlib import Path

import pytest
import torch
from sklearn.datasets import load_sample_image
from torch import nn

from m3_deep_learning.errors import DeepLearningError
from m3_deep_learning.transfer.backbones import (
    Backbone,
    classify_photo,
    load_efficientnet_lite0,
    map_state_dict,
    split_backbone,
)
from m3_deep_learning.transfer.config import TransferConfig
from m3_deep_learning.transfer.data import digits_to_rgb, few_shot_mnist
from m3_deep_learning.transfer.learn import main, run
from m3_deep_learning.transfer.modes import (
    cache_stem,
    extract,
    freeze,
    recalibrate_batchnorm,
    train_finetune,
    train_head,
)
from roadmap_data.runkit import ConfigError

CPU = torch.device("cpu")


@pytest.fixture(autouse=True)
def _one_thread() -> None:
    """Two cores shared by parallel test workers: one thread each avoids oversubscription."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def imagenet_net() -> nn.Module:
    return load_efficientnet_lite0()


@pytest.fixture(scope="module")
def pretrained(imagenet_net: nn.Module) -> Backbone:
    return split_backbone("efficientnet-lite0", imagenet_net)


@pytest.fixture(scope="module")
def digits():
    return few_shot_mnist(n_train=100, n_test=200, seed=0)


def stem_cache(backbone, data):
    return cache_stem(backbone, data, size=32, batch_size=100, device=CPU)


def test_map_state_dict_checks_every_shape() -> None:
    target = OrderedDict(w=torch.zeros(2, 3), b=torch.zeros(2))
    mapped = map_state_dict(OrderedDict(_w=torch.ones(2, 3), _b=torch.ones(2)), target)
    assert list(mapped) == ["w", "b"] and mapped["w"].sum() == 6
    with pytest.raises(DeepLearningError, match=r"_b has shape \(3,\) but model parameter b"):
        map_state_dict(OrderedDict(_w=torch.ones(2, 3), _b=torch.ones(3)), target)
    with pytest.raises(DeepLearningError, match="1 tensors but the model expects 2"):
        map_state_dict(OrderedDict(_w=torch.ones(2, 3)), target)


def test_weights_file_fills_every_parameter(imagenet_net: nn.Module) -> None:
    fresh = load_efficientnet_lite0(pretrained=False).state_dict()
    loaded = imagenet_net.state_dict()
    assert loaded.keys() == fresh.keys()
    changed = [k for k in loaded if "num_batches" not in k and not torch.equal(loaded[k], fresh[k])]
    assert len(changed) == len([k for k in loaded if "num_batches" not in k])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("photo", "plausible"),
    [("china.jpg", {"palace", "bell cote", "monastery", "church"}), ("flower.jpg", {"daisy"})],
)
def test_pretrained_network_recognises_real_photos(
    imagenet_net: nn.Module, photo: str, plausible: set[str]
) -> None:
    """The sanity check of the weights: sklearn's two photos get a sensible top-5."""
    top5 = classify_photo(load_sample_image(photo), model=imagenet_net)
    assert plausible & {name for name, _ in top5}, top5
    assert top5[0][1] > 0.3  # confident, not a flat distribution


def test_digits_become_normalised_rgb_images() -> None:
    digits = torch.tensor([[[0, 255], [255, 0]]], dtype=torch.uint8).expand(2, 2, 2)  # (2, 2, 2)
    images = digits_to_rgb(digits, size=4, mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5))
    assert images.shape == (2, 3, 4, 4)
    assert images.min() >= -1 and images.max() <= 1
    torch.testing.assert_close(images[:, 0], images[:, 2])  # grey: all channels equal


def test_few_shot_sample_is_stratified_and_seeded() -> None:
    data = few_shot_mnist(n_train=50, n_test=20, seed=1)
    assert torch.bincount(data.y_train).tolist() == [5] * 10
    assert torch.equal(data.x_train, few_shot_mnist(n_train=50, n_test=20, seed=1).x_train)


def test_cached_features_equal_the_full_forward_pass(pretrained, digits) -> None:
    """Computing a frozen module's output once is exact: head(cache) == head(backbone(image))."""
    to_rgb = lambda x: digits_to_rgb(x, 32, pretrained.mean, pretrained.std)  # noqa: E731
    features = nn.Sequential(freeze(pretrained.stem), freeze(pretrained.last_block))
    cached = extract(features, digits.x_test[:8], to_rgb, 3, CPU, "cache")  # batches of 3, 3, 2
    assert cached.shape == (8, pretrained.num_features)
    head = nn.Linear(pretrained.num_features, 10)
    with torch.no_grad():
        torch.testing.assert_close(head(cached), head(features(to_rgb(digits.x_test[:8]))))


def test_head_mode_changes_only_the_head(pretrained, digits) -> None:
    before = copy.deepcopy(pretrained.last_block.state_dict())
    result = train_head(
        pretrained, digits, stem_cache(pretrained, digits), epochs=5, lr=1e-3, batch_size=50,
        seed=0, device=CPU,
    )  # fmt: skip
    assert result.trainable_params == pretrained.num_features * 10 + 10  # weights + biases
    assert all(not p.requires_grad for p in pretrained.stem.parameters())
    for key, value in pretrained.last_block.state_dict().items():
        assert torch.equal(value, before[key]), key


def test_finetune_trains_a_copy_of_the_last_block(pretrained, digits) -> None:
    before = copy.deepcopy(pretrained.last_block.state_dict())
    result = train_finetune(
        pretrained, digits, stem_cache(pretrained, digits), epochs=1, lr=1e-3, batch_size=50,
        seed=0, device=CPU,
    )  # fmt: skip
    last_block_params = sum(p.numel() for p in pretrained.last_block.parameters())
    assert result.trainable_params == last_block_params + pretrained.num_features * 10 + 10
    for key, value in pretrained.last_block.state_dict().items():  # the caller's copy is intact
        assert torch.equal(value, before[key]), key


@pytest.mark.slow
def test_pretrained_features_beat_training_from_scratch(tmp_path: Path) -> None:
    """The month's claim on real digits: 100 labelled images, ImageNet features win clearly."""
    config = TransferConfig.preset("tiny", n_test=100, image_size=48, head_epochs=60)
    result = run(config)
    assert result.accuracy("head") >= 0.6  # 10 classes: chance is 0.1
    assert result.accuracy("head") >= result.accuracy("scratch") + 0.2
    assert result.sanity_top5[0][0] == "palace"


def test_resnet18_without_internet_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))  # no cached weights
    assert main(["--smoke", "--backbone", "resnet18", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: resnet18 ImageNet weights could not be downloaded")
    assert "--backbone efficientnet-lite0" in err
    assert not (tmp_path / "out").exists()


def test_resnet18_from_scratch_needs_no_download(tmp_path: Path) -> None:
    out = tmp_path / "out"
    argv = ["--smoke", "--backbone", "resnet18", "--mode", "scratch", "--epochs", "1"]
    assert main([*argv, "--n-train", "20", "--n-test", "20", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert list(metrics["test_accuracy"]) == ["scratch"]
    assert (out / "transfer.png").stat().st_size > 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--n-train", "15"], "n_train must be a positive multiple of 10"),
        (["--n-test", "0"], "n_test must be at least 1, not 0"),
        (["--n-test", "10001"], "1 ≤ n_test ≤ 10000"),
        (["--image-size", "16"], "image_size must be at least 32, not 16"),
    ],
)
def test_cli_rejects_bad_settings(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--smoke", *argv, "--out", str(tmp_path / "out")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_config_rejects_unknown_keys_and_modes() -> None:
    with pytest.raises(ConfigError, match="n_trian"):
        TransferConfig.preset("tiny", n_trian=3)
    with pytest.raises(ConfigError, match="one of 'head', 'finetune', 'scratch'"):
        TransferConfig.preset("tiny", modes=("linear",))


def test_recalibrated_batchnorm_stores_the_data_statistics() -> None:
    """After recalibration, eval mode normalises with the mean/variance of the data just seen."""
    torch.manual_seed(0)
    data = torch.randn(40, 3) * torch.tensor([1.0, 2.0, 3.0]) + torch.tensor([5.0, -1.0, 0.0])
    bn = nn.BatchNorm1d(3)
    recalibrate_batchnorm(bn, [(data[i : i + 10], None) for i in range(0, 40, 10)], CPU)
    torch.testing.assert_close(bn.running_mean, data.mean(dim=0))
    batch_vars = torch.stack([data[i : i + 10].var(dim=0) for i in range(0, 40, 10)])
    torch.testing.assert_close(bn.running_var, batch_vars.mean(dim=0))  # average of batch variances
    assert bn.momentum == 0.1  # restored for any further training
