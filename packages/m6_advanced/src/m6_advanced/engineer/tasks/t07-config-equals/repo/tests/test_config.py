import pytest
from appconfig.loader import load_config
from appconfig.parser import ConfigError, parse
from appconfig.values import get_bool, get_int, get_list

SAMPLE = """
# service settings
debug = no

[Database]
host = db.internal
pool_size = 5

[features]
enabled = search, export ,
"""


def test_sections_and_keys():
    settings = parse(SAMPLE)
    assert settings["main"] == {"debug": "no"}
    assert settings["database"] == {"host": "db.internal", "pool_size": "5"}


def test_typed_values():
    settings = parse(SAMPLE)
    assert get_int(settings, "database", "pool_size") == 5
    assert get_bool(settings, "main", "debug") is False
    assert get_list(settings, "features", "enabled") == ["search", "export"]
    with pytest.raises(ConfigError):
        get_int(settings, "database", "host")


def test_errors_name_the_line():
    with pytest.raises(ConfigError, match="line 2"):
        parse("[a]\njust words\n")


def test_environment_overrides(tmp_path):
    path = tmp_path / "app.ini"
    path.write_text(SAMPLE)
    settings = load_config(path, {"APP_DATABASE__POOL_SIZE": "10", "HOME": "/root"})
    assert settings["database"]["pool_size"] == "10"
