"""Typed run configurations: one frozen dataclass per script, presets, checked values, field docs.

Every console script of the roadmap describes its settings the same way::

    @dataclass(frozen=True, kw_only=True)
    class TrainConfig(RunConfig):
        PRESETS: ClassVar = {"tiny": {"epochs": 1}, "cpu": {}, "full": {"epochs": 10}}

        epochs: int = 3
        \"\"\"Passes over the training images.\"\"\"
        model: Literal["cnn", "mlp"] = "cnn"
        \"\"\"Network to train.\"\"\"

- ``TrainConfig.preset("tiny", epochs=2)`` starts from a named preset and changes some fields;
  an unknown preset or key raises one ``ConfigError`` that lists the known ones (a typo such as
  ``{"epoch": 3}`` must never be silently ignored).
- Values are checked against the annotations when the object is built: ``Literal`` choices,
  ``int``/``float``/``str``/``bool``, ``Path`` (a ``str`` is converted), ``tuple[T, ...]``,
  ``X | None``. ``validate()`` adds the checks a type cannot say (``epochs >= 1``).
- The string under each field is its documentation: ``field_docs()`` reads it, and the command
  line turns it into ``--help`` (see ``runkit.parser``), so the docs are written once.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import inspect
import itertools
import os
import textwrap
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal, Self, Union, get_args, get_origin

from roadmap_data.errors import ConfigError

PRESET_NAMES = ("tiny", "cpu", "full")
"""``tiny`` = seconds (tests, ``--smoke``), ``cpu`` = the default on a laptop, ``full`` = the
README's figures. A script may add its own (``train-mnist --preset reference``)."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class Config:
    """Base of every configuration: presets, checked construction, docs. Subclass it as a dataclass."""

    PRESETS: ClassVar[Mapping[str, Mapping[str, Any]]] = {name: {} for name in PRESET_NAMES}
    """Preset name → the fields it changes from the class defaults."""
    DEFAULT_PRESET: ClassVar[str] = "cpu"

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = _checked(self, field.name, getattr(self, field.name))
            object.__setattr__(self, field.name, value)  # frozen: coercions (str → Path) go here
        self.validate()

    def validate(self) -> None:
        """Checks across fields or on ranges; raise ConfigError (see ``require``)."""

    @classmethod
    def preset(cls, name: str | None = None, /, **overrides: Any) -> Self:
        """The preset ``name`` (default ``DEFAULT_PRESET``) with ``overrides`` applied."""
        name = name or cls.DEFAULT_PRESET
        if name not in cls.PRESETS:
            raise ConfigError(
                f"unknown preset {name!r} for {cls.__name__}; choose from {', '.join(cls.PRESETS)}"
            )
        return cls.from_dict({**cls.PRESETS[name], **overrides})

    @classmethod
    def from_dict(cls, values: Mapping[str, Any], base: Self | None = None) -> Self:
        """Build from a plain dict (a JSON file, flags), on top of ``base`` when given."""
        cls.check_keys(values)
        if base is None:
            try:
                return cls(**values)
            except TypeError as error:  # e.g. a positional-only oddity; keep it one clear line
                raise ConfigError(f"{cls.__name__}: {error}") from error
        return dataclasses.replace(base, **values)

    @classmethod
    def check_keys(cls, values: Mapping[str, Any]) -> None:
        """ConfigError naming every key that is not a field, and the known fields."""
        known = [field.name for field in dataclasses.fields(cls)]
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ConfigError(
                f"unknown {cls.__name__} key(s): {', '.join(unknown)}; known: {', '.join(known)}"
            )

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed (checked like the original)."""
        return type(self).from_dict(changes, base=self)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (paths as strings, tuples as lists), e.g. for metrics.json."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def field_docs(cls) -> dict[str, str]:
        """The documentation string written under each field, by field name (inherited ones too)."""
        return dict(_field_docs(cls))


@dataclasses.dataclass(frozen=True, kw_only=True)
class RunConfig(Config):
    """A console script's configuration: its own fields plus a seed and an output folder."""

    seed: int = 0
    """Seed of every random choice (data split, initial weights, shuffling, sampling)."""
    out: Path | None = None
    """Folder for metrics.json and plots (None: data/runs/<command>)."""


def require(condition: bool, message: str) -> None:
    """Raise ConfigError(message) unless ``condition``: the one-liner of every ``validate``."""
    if not condition:
        raise ConfigError(message)


def require_at_least(minimum: float, **values: float | None) -> None:
    """ConfigError naming the first value below ``minimum`` (``None`` means "not set" and passes)."""
    for name, value in values.items():
        if value is not None and value < minimum:
            raise ConfigError(f"{name} must be at least {minimum}, not {value}")


# --- type checks -------------------------------------------------------------------------------


@functools.cache
def type_hints(cls: type) -> dict[str, Any]:
    """Resolved annotations of a config class (``from __future__ import annotations`` makes them strings)."""
    return typing.get_type_hints(cls)


def _checked(config: Config, name: str, value: Any) -> Any:
    hint = type_hints(type(config))[name]
    ok, coerced = conform(value, hint)
    if not ok:
        raise ConfigError(f"{type(config).__name__}.{name} must be {describe(hint)}, not {value!r}")
    return coerced


def conform(value: Any, hint: Any) -> tuple[bool, Any]:
    """Whether ``value`` fits ``hint``, and the value converted where that is lossless."""
    origin, args = get_origin(hint), get_args(hint)
    if hint is Any:
        return True, value
    if hint is type(None):
        return value is None, value
    if origin in (Union, types.UnionType):
        for option in args:
            ok, coerced = conform(value, option)
            if ok:
                return True, coerced
        return False, value
    if origin is Literal:
        return value in args, value
    if hint is bool:
        return isinstance(value, bool), value
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool), value
    if hint is float:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return number, float(value) if number else value
    if hint is Path:
        is_path = isinstance(value, str | os.PathLike)
        return is_path, Path(value) if is_path else value
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        if isinstance(value, str) or not isinstance(value, list | tuple):
            return False, value
        items = [conform(item, args[0]) for item in value]
        return all(ok for ok, _ in items), tuple(item for _, item in items)
    cls = origin or hint
    return (isinstance(value, cls), value) if isinstance(cls, type) else (True, value)


def describe(hint: Any) -> str:
    """``int``, ``one of 'cnn', 'mlp'``, ``a tuple of str``... for error messages."""
    origin, args = get_origin(hint), get_args(hint)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin in (Union, types.UnionType):
        return " or ".join(describe(a) for a in args)
    if origin is tuple:
        return f"a tuple of {describe(args[0])}"
    return "None" if hint is type(None) else getattr(hint, "__name__", str(hint))


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


@functools.cache
def _field_docs(cls: type) -> tuple[tuple[str, str], ...]:
    """Walk the class and its bases, oldest first, reading ``field: T = ...`` then a string."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if not dataclasses.is_dataclass(klass) or klass is object:
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError):  # defined in a REPL or generated: no source to read
            continue
        body = tree.body[0].body  # type: ignore[attr-defined]
        for node, following in itertools.pairwise(body):
            is_field = isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
            is_doc = isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
            if is_field and is_doc:
                docs[node.target.id] = " ".join(str(following.value.value).split())  # type: ignore[union-attr]
    return tuple(docs.items())
