"""``--smoke`` of every console script of month 6 (the contract: ``test_console_scripts.py``).

A file of its own, as ``test_console_smoke_genai.py``, so that pytest-xdist, which hands out whole
files, runs these smoke runs beside the others instead of after them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from roadmap_data.testing import check_smoke_run
from roadmap_data.workspace import console_scripts

SCRIPTS = sorted(name for name, member in console_scripts().items() if member == "m6-advanced")


def test_month_6_has_scripts() -> None:
    assert {
        "patterns",
        "eval-rag",
        "memory-stream",
        "tree-of-thoughts",
        "plan-and-solve",
        "engineer",
        "finetune",
    } <= set(SCRIPTS)


@pytest.mark.parametrize("name", SCRIPTS)
def test_smoke_run(name: str, tmp_path: Path) -> None:
    check_smoke_run(name, tmp_path)
