from appconfig.loader import load_config
from appconfig.parser import parse
from appconfig.values import get_int

PRODUCTION = """
[database]
url = postgres://app:secret@db.internal/app?sslmode=require
pool_size = 5

[auth]
token = c2VjcmV0LXRva2Vu==
"""


def test_the_reported_file(tmp_path):
    path = tmp_path / "production.ini"
    path.write_text(PRODUCTION)
    settings = load_config(path, {})
    assert settings["database"]["url"] == "postgres://app:secret@db.internal/app?sslmode=require"
    assert settings["auth"]["token"] == "c2VjcmV0LXRva2Vu=="
    assert get_int(settings, "database", "pool_size") == 5


def test_everything_after_the_first_equals_is_the_value():
    assert parse("formula = a = b + c\n")["main"] == {"formula": "a = b + c"}
    assert parse("query=x=1&y=2\n")["main"] == {"query": "x=1&y=2"}
