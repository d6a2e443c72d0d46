"""Fixtures for roadmap-data's tests."""

from __future__ import annotations

import pytest

from roadmap_data import console


@pytest.fixture
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Print rich tables 250 columns wide, so each table row is one line a test can match.

    Setting COLUMNS alone is not enough: rich's shared console pins the width it sees when it is
    created, and pytest-xdist workers start with COLUMNS=80 in their environment.
    """
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setattr(console.console, "_width", 250)
