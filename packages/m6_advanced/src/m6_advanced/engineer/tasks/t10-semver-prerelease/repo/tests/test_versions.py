import pytest
from versions.constraints import satisfies
from versions.ordering import compare, latest, sort_versions
from versions.version import InvalidVersion, Version, parse


def test_parse():
    assert parse("v1.4.2") == Version(1, 4, 2)
    assert str(parse("10.0.1")) == "10.0.1"
    for bad in ("1.2", "01.2.3", "1.2.3.4", "one.two.three"):
        with pytest.raises(InvalidVersion):
            parse(bad)


def test_bump():
    assert parse("1.4.2").bump("minor") == Version(1, 5, 0)


def test_ordering_is_numeric():
    assert sort_versions(["1.10.0", "1.2.0", "1.9.3"]) == ["1.2.0", "1.9.3", "1.10.0"]
    assert latest(["0.9.0", "1.0.0", "0.10.0"]) == "1.0.0"
    assert compare("1.0.0", "v1.0.0") == 0


def test_constraints():
    assert satisfies("1.4.2", ">=1.2.0, <2.0.0")
    assert not satisfies("2.0.0", ">=1.2.0, <2.0.0")
    with pytest.raises(ValueError):
        satisfies("1.0.0", "~1.0")
