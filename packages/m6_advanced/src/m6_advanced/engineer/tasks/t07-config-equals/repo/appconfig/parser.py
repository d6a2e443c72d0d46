"""The settings file: ``[section]`` headers and ``key = value`` lines, '#' or ';' comments."""

from __future__ import annotations

Settings = dict[str, dict[str, str]]


class ConfigError(ValueError):
    """A settings file that cannot be read; the message names the line."""


def parse(text: str) -> Settings:
    """``text`` as {section: {key: value}}; keys before any header go to section 'main'.

    Keys are lowercased; values keep their case and lose surrounding blanks.
    """
    settings: Settings = {"main": {}}
    section = "main"
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip().lower()
            if not section:
                raise ConfigError(f"line {number}: empty section name")
            settings.setdefault(section, {})
            continue
        if "=" not in line:
            raise ConfigError(f"line {number}: expected 'key = value', got {line!r}")
        key, value = line.split("=")
        key = key.strip().lower()
        if not key:
            raise ConfigError(f"line {number}: a value without a key")
        settings[section][key] = value.strip()
    return settings
