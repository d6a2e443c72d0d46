"""Typed run configurations: a frozen dataclass per script, presets, unknown keys rejected.

Each script's config is a dataclass whose fields carry a docstring (the string under the field).
``make_config`` starts from a named preset (``full`` = the reported figures, ``cpu`` = the default,
``tiny`` = seconds, for tests and ``--smoke``) and applies overrides. A typo such as ``{"fold": 3}``
raises ConfigError instead of being silently ignored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

from m2_classical_ml.errors import ConfigError

C = TypeVar("C")


def make_config(
    cls: type[C], presets: Mapping[str, Mapping[str, Any]], preset: str = "cpu", **overrides: Any
) -> C:
    """``cls`` built from ``presets[preset]`` updated with ``overrides``; unknown names are errors."""
    if preset not in presets:
        raise ConfigError(f"unknown preset {preset!r}; choose from {', '.join(sorted(presets))}")
    known = {field.name for field in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ConfigError(
            f"unknown {cls.__name__} key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    values = {**presets[preset], **{k: v for k, v in overrides.items() if v is not None}}
    return cls(**values)


def check_minimum(minimum: int, **values: int | None) -> None:
    """Raise ConfigError naming the first value below ``minimum`` (e.g. ``folds=1``); None passes."""
    for name, value in values.items():
        if value is not None and value < minimum:
            raise ConfigError(f"{name} must be >= {minimum}, got {value}")
