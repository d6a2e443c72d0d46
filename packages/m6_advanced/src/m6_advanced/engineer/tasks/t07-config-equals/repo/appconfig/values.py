"""Typed access to settings: the file holds text, the service wants ints, bools and lists."""

from __future__ import annotations

from appconfig.parser import ConfigError, Settings

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def get_str(settings: Settings, section: str, key: str, default: str | None = None) -> str:
    value = settings.get(section, {}).get(key, default)
    if value is None:
        raise ConfigError(f"[{section}] {key} is required")
    return value


def get_int(settings: Settings, section: str, key: str, default: int | None = None) -> int:
    text = get_str(settings, section, key, None if default is None else str(default))
    try:
        return int(text)
    except ValueError:
        raise ConfigError(f"[{section}] {key}: {text!r} is not a whole number") from None


def get_bool(settings: Settings, section: str, key: str, default: bool = False) -> bool:
    text = get_str(settings, section, key, "true" if default else "false").lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ConfigError(f"[{section}] {key}: {text!r} is not yes/no")


def get_list(settings: Settings, section: str, key: str) -> list[str]:
    text = get_str(settings, section, key, "")
    return [item.strip() for item in text.split(",") if item.strip()]
