"""Loading the settings file, then letting the environment override single values.

``APP_DATABASE__POOL_SIZE=10`` overrides ``pool_size`` in ``[database]``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from appconfig.parser import Settings, parse

PREFIX = "APP_"


def apply_environment(settings: Settings, environ: Mapping[str, str]) -> Settings:
    for name, value in environ.items():
        if not name.startswith(PREFIX) or "__" not in name:
            continue
        section, _, key = name[len(PREFIX) :].lower().partition("__")
        settings.setdefault(section, {})[key] = value
    return settings


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> Settings:
    settings = parse(path.read_text(encoding="utf-8"))
    return apply_environment(settings, os.environ if environ is None else environ)
