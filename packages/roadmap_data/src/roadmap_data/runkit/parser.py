"""One command line for every console script: ``--preset``, ``--smoke``, ``--seed``, ``--out``...

A script hands its config class to ``RunParser`` and names the fields a user may set; each becomes
a flag whose type, choices and help come from the field itself::

    parser = RunParser("train-mnist", __doc__, TrainConfig, flags=["model", "epochs", "lr"])
    args = parser.parse_args(argv)
    config = parser.config(args)          # preset (tiny under --smoke) + the flags given

Flags a user did not type stay ``None`` and leave the preset's value alone. ``llm=True`` adds the
flags that choose the chat model (``--model``, ``--threads``) and reach a server (``--base-url``,
``--api-key``); the backend itself (``--llm``) is an ordinary config field, so a preset can choose
it (``tiny`` → scripted).
"""

from __future__ import annotations

import argparse
import dataclasses
import types
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from roadmap_data.paths import runs_dir
from roadmap_data.runkit.config import Config, type_hints

SMOKE_HELP = "seconds-long run on tiny data (the tiny preset); writes to data/runs/<command>-smoke"


class RunParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that builds a ``Config`` from a preset and flags."""

    def __init__(
        self,
        prog: str,
        doc: str | None,
        config: type[Config],
        *,
        flags: Iterable[str] = (),
        llm: bool = False,
        preset_help: str | None = None,
    ) -> None:
        super().__init__(
            prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        self.config_class = config
        self.field_flags: list[str] = []
        names = [field.name for field in dataclasses.fields(config)]
        presets = ", ".join(config.PRESETS)
        self.add_argument(
            "--preset",
            choices=list(config.PRESETS),
            default=config.DEFAULT_PRESET,
            help=preset_help or f"starting values: {presets} (default {config.DEFAULT_PRESET})",
        )
        self.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
        for name in ("seed", "out", *flags):
            if name in names:
                self.add_field(name)
        if llm:
            self.add_llm_server_flags()

    def add_field(self, name: str, *flags: str, **kwargs: Any) -> None:
        """A flag for config field ``name`` (default ``--field-name``); kwargs override the derived ones."""
        hint = type_hints(self.config_class)[name]
        default = self.config_class.PRESETS.get(self.config_class.DEFAULT_PRESET, {}).get(
            name, _field_default(self.config_class, name)
        )
        doc = self.config_class.field_docs().get(name, "")
        shown = " ".join(map(str, default)) if isinstance(default, tuple) else default
        if shown not in (None, ""):  # a None default is explained by the field's own doc
            doc = f"{doc} (default: {shown})"
        flags = flags or (f"--{name.replace('_', '-')}",)
        derived: dict[str, Any] = {
            "dest": name,
            "default": None,
            "help": doc.replace("%", "%%"),  # argparse formats %
            **argument_kind(hint),
        }
        if "choices" not in derived and derived.get("action") is None:
            derived["metavar"] = flags[-1].lstrip("-").replace("-", "_").upper()
        self.add_argument(*flags, **{**derived, **kwargs})
        self.field_flags.append(name)

    def add_llm_server_flags(self) -> None:
        """Which model a chat backend runs, and where an ``openai`` backend finds its server."""
        group = self.add_argument_group("chat model")
        group.add_argument("--model", help="local/transformers: a catalogue model (qwen2.5-coder-"
                           "1.5b, qwen2.5-coder-0.5b, smollm2-135m; default: the best installed); "
                           "openai: the server's model name (default $AI_ROADMAP_OPENAI_MODEL)")  # fmt: skip
        group.add_argument("--threads", type=int, help="local: CPU threads for llama.cpp (default "
                           "1: steadier when other work shares the cores)")  # fmt: skip
        group.add_argument("--base-url", help="openai: server URL, e.g. http://localhost:11434/v1 "
                           "(default $OPENAI_BASE_URL)")  # fmt: skip
        group.add_argument("--api-key", help="openai: API key (default $OPENAI_API_KEY)")

    def preset_name(self, args: argparse.Namespace) -> str:
        """``tiny`` under ``--smoke``, else the ``--preset`` chosen."""
        return "tiny" if args.smoke else args.preset

    def config(self, args: argparse.Namespace, **extra: Any) -> Any:
        """The preset with every flag the user typed (and ``extra`` fields) applied.

        ``out`` defaults to ``data/runs/<prog>`` (``<prog>-smoke`` under ``--smoke``, so a smoke
        run never overwrites a real run's artefacts); a sub-command's ``rag ask`` is ``rag-ask``.
        """
        given = {name: getattr(args, name) for name in self.field_flags}
        overrides = {k: v for k, v in {**given, **extra}.items() if v is not None}
        names = {field.name for field in dataclasses.fields(self.config_class)}
        if "out" in names and overrides.get("out") is None:
            name = self.prog.replace(" ", "-")
            overrides["out"] = runs_dir(f"{name}-smoke" if args.smoke else name)
        return self.config_class.preset(self.preset_name(args), **overrides)


def llm_server_options(args: argparse.Namespace) -> dict[str, Any]:
    """``model`` / ``threads`` / ``base_url`` / ``api_key`` as typed (absent ones left out)."""
    keys = ("model", "threads", "base_url", "api_key")
    return {key: getattr(args, key) for key in keys if getattr(args, key, None) is not None}


def argument_kind(hint: Any) -> dict[str, Any]:
    """``type``/``choices``/``nargs``/``action`` for an annotation (``X | None`` reads as ``X``)."""
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return argument_kind(options[0]) if len(options) == 1 else {}
    if origin is Literal:
        return {"choices": list(args), "type": type(args[0])}
    if hint is bool:
        return {"action": argparse.BooleanOptionalAction}
    if origin is tuple:
        return {"nargs": "+", **argument_kind(args[0])}
    if hint in (int, float, str, Path):
        return {"type": hint}
    return {}


def _field_default(cls: type[Config], name: str) -> Any:
    field = next(f for f in dataclasses.fields(cls) if f.name == name)
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return None
