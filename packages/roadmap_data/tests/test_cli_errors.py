"""What fails outside our code (the network, the disk) ends a command in one line and exit 2.

``download-data NAME --online`` offline used to end in a URLError traceback. Every network and OS
error at the command-line boundary now names its cause in one line; a real bug keeps its traceback.
"""

from __future__ import annotations

import socket
import tempfile
import urllib.error
from pathlib import Path

import pytest

from roadmap_data import cli, registry
from roadmap_data.console import friendly_errors
from roadmap_data.testing import FakeHTTP

URL = registry.get("titanic").url


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """stderr, checked to be exactly one ``error: ...`` line (no traceback)."""
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err.strip()


@pytest.mark.parametrize(
    ("page", "cause"),
    [
        (
            urllib.error.URLError(socket.gaierror(-2, "Name or service not known")),
            "Name or service not known (offline?)",
        ),
        (TimeoutError("timed out"), "timed out (offline?)"),
        (ConnectionRefusedError(111, "Connection refused"), "Connection refused (offline?)"),
        (
            (b"rownames,pclass\n1,", ConnectionResetError(104, "Connection reset by peer")),
            "Connection reset by peer (offline?)",
        ),
        (None, "HTTP 404 Not Found"),  # the server answered: not an offline hint
    ],
    ids=["dns", "timeout", "refused", "reset-mid-stream", "http-404"],
)
def test_a_failed_download_is_one_line_naming_url_and_cause(
    page: object, cause: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    http = FakeHTTP({} if page is None else {URL: page})
    assert cli.main(["titanic", "--online", "--data-dir", str(tmp_path)], opener=http) == 2
    assert one_error_line(capsys) == f"error: cannot download titanic from {URL}: {cause}"
    assert list(tmp_path.iterdir()) == []  # no partial file


def test_offline_behind_the_network_guard_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The real opener (urllib with a timeout); conftest's guard stands in for a missing network.
    assert cli.main(["titanic", "--online", "--data-dir", str(tmp_path)]) == 2
    line = one_error_line(capsys)
    assert line.startswith(f"error: cannot download titanic from {URL}: network access in a test")
    assert line.endswith("(offline?)")


def test_a_data_dir_that_cannot_be_written_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert cli.main(["titanic", "--data-dir", str(blocker / "data")]) == 2
    line = one_error_line(capsys)
    assert line.startswith(f"error: cannot write titanic to {blocker / 'data'}: Not a directory")
    assert "--data-dir or $AI_ROADMAP_DATA" in line


def test_permission_denied_in_the_data_dir_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Tests may run as root, where chmod cannot take the right away: refuse the temp file instead.
    def refuse(*args: object, dir: str, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", dir)

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert cli.main(["titanic", "--data-dir", str(tmp_path)]) == 2
    line = one_error_line(capsys)
    assert line.startswith(
        f"error: cannot write titanic to {tmp_path}: Permission denied: {tmp_path}"
    )


def test_any_os_error_at_the_boundary_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    @friendly_errors
    def save_somewhere() -> int:
        open("/proc/no-such-dir/metrics.json", "w").close()
        return 0

    assert save_somewhere() == 2
    line = one_error_line(capsys)
    assert (
        line
        == "error: No such file or directory: /proc/no-such-dir/metrics.json (FileNotFoundError)"
    )


def test_a_real_bug_keeps_its_traceback() -> None:
    @friendly_errors
    def buggy() -> int:
        return len(3)  # type: ignore[arg-type]

    with pytest.raises(TypeError):
        buggy()
