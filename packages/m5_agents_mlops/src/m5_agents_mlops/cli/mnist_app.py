"""``mnist-app``: a Streamlit page for the MNIST classifier, or (--smoke) that page tested headless.

    uv run mnist-app                                   # serve the page on http://localhost:8501
    uv run mnist-app --model models:/mnist@champion    # the registry's champion
    uv run mnist-app --port 8600 --address 0.0.0.0     # reachable from other machines
    uv run mnist-app --smoke                           # no browser: drive the page with AppTest

Serving runs `streamlit run mnist_app.py` with the model passed in $AI_ROADMAP_MNIST_MODEL and
Streamlit's usage statistics off. --smoke (and --check) never opens a port: Streamlit's testing
API (`streamlit.testing.v1.AppTest`) runs the page script in this process, sets its widgets as a
user would (a test-digit number, an uploaded PNG) and reads back what the page shows. It checks
--digits test digits one by one and one upload (--smoke: without train-mnist's best.pt, it first
fits a CNN for two passes over 500 digits, seconds) and writes metrics.json: the page's accuracy
on those digits and the seconds per rerun.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from PIL import Image

from m5_agents_mlops.mlops import MNIST_MODEL_ENV, UPLOAD
from roadmap_data import load_mnist
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.errors import RoadmapError
from roadmap_data.paths import runs_dir
from roadmap_data.runkit import RunConfig, RunParser, require_at_least, save_metrics

PROG = "mnist-app"
APP = Path(__file__).resolve().parents[1] / "mlops" / "mnist_app.py"
"""The page script, which Streamlit runs (we never import it: it would need a Streamlit runtime)."""


_CONTEXT_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"
FIRST_RUN_TIMEOUT = 300.0
"""Seconds AppTest waits for the page's first run (imports and cache fills; ≈ 3 s when idle)."""


class PageError(RoadmapError):
    """The page showed an error, or not what it should."""


@dataclass(frozen=True, kw_only=True)
class AppConfig(RunConfig):
    """Serve the page, or check it headless."""

    PRESETS: ClassVar = {"tiny": {"check": True, "digits": 5}, "cpu": {}, "full": {}}

    model: str | None = None
    """best.pt path or models:/mnist@champion (None: data/runs/train-mnist/best.pt)."""
    check: bool = False
    """Do not serve: drive the page with Streamlit's AppTest and report what it showed."""
    digits: int = 50
    """With --check: how many MNIST test digits to show the page, one rerun each."""
    port: int = 8501
    """Port to serve the page on."""
    address: str = "localhost"
    """Address to listen on (0.0.0.0: every interface)."""

    def validate(self) -> None:
        super().validate()
        require_at_least(1, digits=self.digits, port=self.port)


@dataclass
class CheckResult:
    """What the page showed for each digit, and the upload's answer."""

    model: str
    predictions: list[int]
    labels: list[int]
    upload_prediction: int
    upload_label: int
    seconds_per_rerun: float
    errors: list[str] = field(default_factory=list)

    def metrics(self) -> dict[str, Any]:
        hits = np.array(self.predictions) == np.array(self.labels)
        return {
            "model": self.model,
            "digits_checked": len(self.labels),
            "page_accuracy": float(hits.mean()),
            "upload_prediction": self.upload_prediction,
            "upload_label": self.upload_label,
            "seconds_per_rerun": self.seconds_per_rerun,
        }


def png_of(image: np.ndarray) -> bytes:
    """A test digit as a user would photograph it: dark ink on white, 4× larger."""
    buffer = io.BytesIO()
    Image.fromarray(255 - image).resize((112, 112)).save(buffer, format="PNG")
    return buffer.getvalue()


def shown_prediction(at: Any) -> int:
    """The digit in the page's "prediction" metric; a page error becomes a PageError."""
    if at.exception:
        raise PageError(f"the page raised: {at.exception[0].message}")
    if at.error:
        raise PageError(f"the page shows an error: {at.error[0].value}")
    return int(at.metric[0].value)


def check_page(
    model: str, digits: int, timeout: float = 60.0, mnist: dict[str, np.ndarray] | None = None
) -> CheckResult:
    """Open the page headless on ``model``, show it ``digits`` test digits and one upload.

    ``mnist``: ``load_mnist()`` if the caller has it already (reading it takes seconds).
    """
    from streamlit.testing.v1 import AppTest

    # AppTest runs the page in this thread: Streamlit's "missing ScriptRunContext" is expected.
    logging.getLogger(_CONTEXT_LOGGER).setLevel(logging.ERROR)
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    at.query_params["model"] = model
    try:  # the first run imports torch and loads the model and the test set: give it longer
        at.run(timeout=max(timeout, FIRST_RUN_TIMEOUT))
    except RuntimeError as error:  # AppTest's "script run timed out"
        raise PageError(f"the page did not finish its first run: {error}") from None
    mnist = load_mnist() if mnist is None else mnist
    predictions, labels = [], []
    start = time.perf_counter()
    for index in range(digits):
        at.number_input(key="index").set_value(index).run()
        predictions.append(shown_prediction(at))
        labels.append(int(mnist["y_test"][index]))
    seconds = (time.perf_counter() - start) / digits
    upload_index = digits  # a digit the loop did not show
    at.radio(key="source").set_value(UPLOAD).run()
    at.file_uploader[0].upload("digit.png", png_of(mnist["x_test"][upload_index]), "image/png")
    at.run()
    upload = shown_prediction(at)
    return CheckResult(model, predictions, labels, upload, int(mnist["y_test"][upload_index]),
                       seconds)  # fmt: skip


def quick_model(path: Path, mnist: dict[str, np.ndarray], seed: int = 0, digits: int = 500,
                epochs: int = 2) -> Path:  # fmt: skip
    """Month 3's ``cnn`` fitted in seconds on the first ``digits`` training digits, saved as a
    train-mnist checkpoint (``save_checkpoint``: same keys, so ``load_trained`` reads it).

    Enough to prove the page shows a real model's answers (≈ 90 % on 500 test digits after two
    passes over 500 digits), not a good model: ``train-mnist`` makes those (99 %). The step is
    SGD with momentum written out (``torch.optim``'s first optimizer imports ``torch._dynamo``,
    two seconds, longer than this training), on one thread: on a busy machine more threads only
    fight over batches this small.
    """
    import torch
    from torch.nn import functional as F

    from m3_deep_learning.checkpoint import save_checkpoint
    from m3_deep_learning.mnist.data import MEAN, STD
    from m3_deep_learning.mnist.models import build_model
    from m3_deep_learning.tensors import images_to_batch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(seed)
        model = build_model("cnn").train()
        x = images_to_batch(mnist["x_train"][:digits], MEAN, STD)  # (N, 1, 28, 28)
        y = torch.as_tensor(mnist["y_train"][:digits], dtype=torch.long)
        params = list(model.parameters())
        velocity = [torch.zeros_like(p) for p in params]
        for _ in range(epochs):
            for start in range(0, digits, 32):
                F.cross_entropy(model(x[start : start + 32]), y[start : start + 32]).backward()
                with torch.no_grad():
                    for p, v in zip(params, velocity, strict=True):
                        v.mul_(0.9).add_(p.grad)  # momentum 0.9
                        p.sub_(0.02 * v)  # learning rate 0.02
                        p.grad = None
    finally:
        torch.set_num_threads(threads)
    return save_checkpoint(path, "cnn", model.eval(), epoch=epochs, mean=MEAN, std=STD)


def smoke_model(out: Path, seed: int, mnist: dict[str, np.ndarray]) -> str:
    """train-mnist's best.pt if there is one, else ``quick_model`` (two passes over 500 digits)."""
    default = runs_dir("train-mnist") / "best.pt"
    if default.is_file():
        return str(default)
    return str(quick_model(out / "model" / "best.pt", mnist, seed))


def serve(config: AppConfig) -> int:
    """`streamlit run` the page (until Ctrl+C); the model travels in an environment variable."""
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    if config.model:
        env[MNIST_MODEL_ENV] = config.model
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port",
               str(config.port), "--server.address", config.address]  # fmt: skip
    console.print(f"serving {APP.name} on http://{config.address}:{config.port} (Ctrl+C stops)")
    return subprocess.call(command, env=env)


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser(PROG, __doc__, AppConfig,
                       flags=["model", "check", "digits", "port", "address"])  # fmt: skip
    config = parser.config(parser.parse_args(argv))
    if not config.check:
        return serve(config)
    out = config.out or runs_dir(PROG)
    mnist = load_mnist()
    model = config.model or smoke_model(out, config.seed, mnist)
    result = check_page(model, config.digits, mnist=mnist)
    path = save_metrics(result, config, out)
    m = result.metrics()
    print_table("mnist-app, driven headless by AppTest", ["", "value"], [
        ("model", model),
        ("test digits shown", m["digits_checked"]),
        ("accuracy of what the page showed", f"{m['page_accuracy']:.1%}"),
        ("uploaded PNG", f"true {m['upload_label']}, page says {m['upload_prediction']}"),
        ("seconds per rerun", f"{m['seconds_per_rerun']:.3f}"),
    ])  # fmt: skip
    console.print(f"saved {path}")
    return 0
