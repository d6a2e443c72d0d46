"""``--smoke`` of every console script of months 4 and 5 (the contract: ``test_console_scripts.py``).

A file of their own only so that pytest-xdist, which hands out whole files, runs these slowest
smoke runs beside the others instead of after them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from roadmap_data.testing import check_smoke_run
from roadmap_data.workspace import console_scripts

LATER = {"m4-genai", "m5-agents-mlops"}
SCRIPTS = sorted(name for name, member in console_scripts().items() if member in LATER)


def test_months_4_and_5_have_scripts() -> None:
    assert {"rag", "ask-repo", "serve", "contract-qa"} <= set(SCRIPTS)
    assert "finetune-sentiment" in SCRIPTS  # m4 nlp/: MiniLM fine-tuned for sentiment
    assert {"summarise", "chat-rag"} <= set(SCRIPTS)  # m4 nlp/: TextRank + LLM summaries, RAG chat
    assert "rank-resumes" in SCRIPTS  # m4 resumes/: parse PDF/DOCX/TXT resumes, rank for a job
    assert {"dvc-pipeline", "mnist-app", "retrain-mnist"} <= set(
        SCRIPTS
    )  # m5 mlops/: DVC, Streamlit, Prefect


@pytest.mark.parametrize("name", SCRIPTS)
def test_smoke_run(name: str, tmp_path: Path) -> None:
    check_smoke_run(name, tmp_path)
