"""The run kit: presets, checked values, one ConfigError, field docs as --help, the shared flags."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

import pytest

from roadmap_data.runkit import (
    ConfigError,
    RunConfig,
    RunParser,
    llm_server_options,
    require_at_least,
    save_metrics,
)


@dataclass(frozen=True, kw_only=True)
class Demo(RunConfig):
    PRESETS: ClassVar = {"tiny": {"epochs": 1, "llm": "scripted"}, "cpu": {}, "full": {"epochs": 9}}

    epochs: int = 3
    """Passes over the data."""
    lr: float = 0.1
    """Learning rate, 100 % safe."""
    model: Literal["cnn", "mlp"] = "cnn"
    """Network to train."""
    models: tuple[str, ...] = ("a", "b")
    """Which ones to compare."""
    rows: int | None = None
    """Use only this many rows (None: all)."""
    progress: bool = True
    """Show a progress bar."""
    llm: Literal["local", "scripted"] | None = None
    """Chat backend."""

    def validate(self) -> None:
        require_at_least(1, epochs=self.epochs, rows=self.rows)


def test_presets_and_overrides() -> None:
    assert Demo.preset().epochs == 3
    assert Demo.preset("full").epochs == 9
    tiny = Demo.preset("tiny", lr=1)
    assert (tiny.epochs, tiny.llm, tiny.lr) == (1, "scripted", 1.0)
    assert isinstance(tiny.lr, float)  # an int is a lossless float
    assert tiny.replace(epochs=4).epochs == 4 and tiny.epochs == 1  # frozen: a copy


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"epoch": 3}, r"unknown Demo key\(s\): epoch; known: .*epochs"),
        ({"epochs": "3"}, r"Demo.epochs must be int, not '3'"),
        ({"epochs": True}, r"Demo.epochs must be int"),
        ({"model": "rnn"}, r"one of 'cnn', 'mlp'"),
        ({"models": "ab"}, r"a tuple of str"),
        ({"epochs": 0}, r"epochs must be at least 1, not 0"),
        ({"rows": 0}, r"rows must be at least 1"),
    ],
)
def test_bad_values_raise_one_config_error(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Demo.preset("cpu", **values)


def test_unknown_preset_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="choose from tiny, cpu, full"):
        Demo.preset("huge")


def test_paths_and_tuples_are_normalised_and_json_ready(tmp_path: Path) -> None:
    config = Demo.preset(out=str(tmp_path), models=["x"])
    assert config.out == tmp_path and config.models == ("x",)
    assert config.to_dict()["out"] == str(tmp_path) and config.to_dict()["models"] == ["x"]


def test_field_docs_include_inherited_fields() -> None:
    docs = Demo.field_docs()
    assert docs["epochs"] == "Passes over the data."
    assert docs["seed"].startswith("Seed of every random choice")


def test_parser_flags_come_from_the_fields(tmp_path: Path) -> None:
    parser = RunParser("demo", "Demo.", Demo, flags=["epochs", "lr", "model", "models", "progress"])
    help_text = parser.format_help()
    assert "Passes over the data. (default: 3)" in help_text
    assert "100 % safe" in help_text and "--no-progress" in help_text and "--smoke" in help_text
    args = parser.parse_args(["--epochs", "5", "--model", "mlp", "--models", "p", "q"])
    config = parser.config(args)
    assert (config.epochs, config.model, config.models, config.lr) == (5, "mlp", ("p", "q"), 0.1)
    assert config.out is not None and config.out.name == "demo"
    with pytest.raises(SystemExit):
        parser.parse_args(["--model", "rnn"])  # argparse's own choices check


def test_smoke_is_the_tiny_preset_in_its_own_folder() -> None:
    parser = RunParser("demo", None, Demo, flags=["epochs", "llm"])
    config = parser.config(parser.parse_args(["--smoke"]))
    assert (config.epochs, config.llm) == (1, "scripted")
    assert config.out.name == "demo-smoke"
    # a flag typed with --smoke still wins over the tiny preset
    assert parser.config(parser.parse_args(["--smoke", "--epochs", "2"])).epochs == 2


def test_llm_server_flags() -> None:
    parser = RunParser("demo", None, Demo, flags=["llm"], llm=True)
    args = parser.parse_args(["--llm", "local", "--base-url", "http://127.0.0.1:9/v1"])
    assert parser.config(args).llm == "local"
    assert llm_server_options(args) == {"base_url": "http://127.0.0.1:9/v1"}


def test_save_metrics_records_the_config(tmp_path: Path) -> None:
    class Result:
        def metrics(self) -> dict[str, Any]:
            return {"accuracy": 0.5}

    path = save_metrics(Result(), Demo.preset("tiny"), tmp_path)
    saved = json.loads(path.read_text())
    assert saved["accuracy"] == 0.5 and saved["config"]["epochs"] == 1
