"""Typed run configurations: dataclasses with presets, built from plain dicts that are checked.

A config is a frozen dataclass whose fields carry their own documentation (a string literal under
each field, shown by ``--help``). ``from_dict`` refuses keys it does not know, so a typo such as
``{"epoch": 3}`` is an error instead of a silently ignored setting.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import itertools
from typing import Any, TypeVar

from m3_deep_learning.errors import DeepLearningError

C = TypeVar("C")


class ConfigError(DeepLearningError):
    """An unknown key or a value of the wrong kind in a run configuration."""


def from_dict(cls: type[C], values: dict[str, Any], base: C | None = None) -> C:
    """Build ``cls`` from ``values`` (on top of ``base`` when given); unknown keys are an error."""
    known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(
            f"unknown {cls.__name__} key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    if base is None:
        return cls(**values)
    return dataclasses.replace(base, **values)  # type: ignore[type-var]


def field_docs(cls: type) -> dict[str, str]:
    """The string literal written under each dataclass field (its documentation), by field name."""
    tree = ast.parse(inspect.getsource(cls))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs: dict[str, str] = {}
    for node, following in itertools.pairwise(body):
        is_field = isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
        is_doc = isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
        if is_field and is_doc:
            docs[node.target.id] = " ".join(str(following.value.value).split())  # type: ignore[union-attr]
    return docs
