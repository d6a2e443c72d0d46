from versions.ordering import compare, latest, sort_versions
from versions.version import parse


def test_prereleases_parse_and_print_back():
    for text in ("2.0.0-rc.1", "2.0.0-alpha", "1.0.0-beta.2", "2.0.0"):
        assert str(parse(text)) == text


def test_a_prerelease_comes_before_its_release():
    assert compare("2.0.0-rc.1", "2.0.0") == -1
    assert compare("2.0.0", "2.0.0-rc.2") == 1
    assert compare("2.0.0-rc.1", "2.0.0-rc.2") == -1
    assert compare("1.9.9", "2.0.0-alpha") == -1


def test_sorting_and_latest():
    texts = ["2.0.0", "2.0.0-rc.2", "1.9.9", "2.0.0-rc.1", "2.0.0-beta", "2.0.0-alpha"]
    assert sort_versions(texts) == [
        "1.9.9",
        "2.0.0-alpha",
        "2.0.0-beta",
        "2.0.0-rc.1",
        "2.0.0-rc.2",
        "2.0.0",
    ]
    assert latest(texts) == "2.0.0"
    assert latest(["1.9.9", "2.0.0-rc.1"]) == "2.0.0-rc.1"
