"""``engineer``'s command line: bad input is one clear line and exit code 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from m4_genai.llm import ScriptedChatModel
from m6_advanced.cli.engineer import EngineerConfig, main, run


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "give --issue FILE and --repo PATH"),
        (["--issue", "bug.md"], "give --issue FILE and --repo PATH"),
        (["--llm", "scripted", "--issue", "a.md", "--repo", "."], "add --task ID"),
        (["--task", "t99-nothing"], "t99-nothing"),
        (["--task", "t01-invoice-installments", "--max-steps", "0"], "max_steps must be at least"),
        (["--issue", "{tmp}/missing.md", "--repo", "{tmp}"], "missing.md"),
        (["--issue", "{tmp}/bug.md", "--repo", "{tmp}/nowhere"], "not a folder"),
        (["replay", "{tmp}/bug.md"], "not a readable trajectory"),
        (["replay", "{tmp}/none.json"], "no such trajectory file"),
        (["replay", "{tmp}/broken.json"], "step 1 needs a 'reply'"),
        (["--task", "t01-invoice-installments", "--repo", "."], "drop --issue and --repo"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bug.md").write_text("# Broken\n\nIt fails.\n")
    broken = {"format": "ai-roadmap/engineer-trajectory/1", "meta": {"issue": "i"}, "steps": [{}]}
    (tmp_path / "broken.json").write_text(json.dumps(broken))
    argv = [arg.replace("{tmp}", str(tmp_path)) for arg in argv]
    assert main([*argv, "--out", str(tmp_path / "out")] if argv[:1] != ["replay"] else argv) == 2
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error and len(error.strip().splitlines()) == 1


def test_push_without_a_token_is_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    argv = ["--smoke", "--push", "--out", str(tmp_path)]
    assert main(argv) == 2
    assert "--push needs $GITHUB_TOKEN" in capsys.readouterr().err
    assert not (tmp_path / "trajectory.json").exists()


def test_an_issue_file_and_a_repository_folder_give_a_branch_patch_and_pr(tmp_path: Path) -> None:
    """The ``--issue FILE --repo PATH`` path of ``run``, with a scripted model in the local
    model's place (``main`` builds the real one from the flags)."""
    repo = tmp_path / "repo"
    (repo / "calc").mkdir(parents=True)
    (repo / "calc" / "__init__.py").write_text("")
    (repo / "calc" / "ops.py").write_text("def add(a, b):\n    return a - b\n")
    (repo / "test_ops.py").write_text("from calc.ops import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n")  # fmt: skip
    (tmp_path / "bug.json").write_text(json.dumps({"title": "add subtracts", "body": "add(2, 3) is -1", "number": 4}))  # fmt: skip
    fix = "```\nedit calc/ops.py\n<<<<<<< SEARCH\n    return a - b\n=======\n    return a + b\n>>>>>>> REPLACE\n```"  # fmt: skip
    model = ScriptedChatModel([fix, "```\nsubmit\nadd adds.\n```"])
    config = EngineerConfig(issue=str(tmp_path / "bug.json"), repo=str(repo), out=tmp_path / "out", search=False)  # fmt: skip
    report = run(config, model)
    assert report.status == "submitted" and report.final_tests == "1 passed"
    assert report.branch == "engineer/4-add-subtracts" and report.files == ["calc/ops.py"]
    assert "+    return a + b" in (tmp_path / "out" / "patch.diff").read_text()
    assert "Fixes #4" in (tmp_path / "out" / "pr.md").read_text()
    assert "return a - b" in (repo / "calc" / "ops.py").read_text()  # the original is untouched
