"""The run kit: how every console script of the roadmap is configured, run and reported.

A script is ``run(config) -> Result`` with a thin command line around it:

- ``config.py``: ``Config`` / ``RunConfig``, typed frozen dataclasses with presets
  (``tiny``/``cpu``/``full``), checked values, unknown keys rejected with one ``ConfigError``,
  and documentation strings under the fields;
- ``parser.py``: ``RunParser``, the shared flags (``--preset``, ``--smoke``, ``--seed``, ``--out``,
  the chat-model server where relevant) plus one flag per chosen field, its help from the field doc;
- here: the ``Result`` protocol (``metrics()`` is what metrics.json holds) and ``save_metrics``.

Tests call ``run(Config.preset("tiny", ...))`` directly; the CLI test runs ``--smoke`` in a
subprocess. Months 5 and 6 use the same kit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from roadmap_data.console import save_json
from roadmap_data.errors import ConfigError
from roadmap_data.runkit.config import (
    PRESET_NAMES,
    Config,
    RunConfig,
    require,
    require_at_least,
)
from roadmap_data.runkit.parser import RunParser, llm_server_options


class Result(Protocol):
    """What ``run(config)`` returns: anything with ``metrics()``, the JSON-ready measurements."""

    def metrics(self) -> dict[str, Any]: ...


def save_metrics(result: Result, config: Config, out: Path) -> Path:
    """Write ``{"config": ..., **result.metrics()}`` to ``out/metrics.json`` (atomically)."""
    return save_json(out / "metrics.json", {"config": config.to_dict(), **result.metrics()})


__all__ = [
    "PRESET_NAMES",
    "Config",
    "ConfigError",
    "Result",
    "RunConfig",
    "RunParser",
    "llm_server_options",
    "require",
    "require_at_least",
    "save_metrics",
]
