"""Issue → branch, patch and PR description; the pull request through a fake GitHub; replay."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from m4_genai.llm import ScriptedChatModel
from m5_agents_mlops.serve.server import serve_in_thread
from m6_advanced.cli.engineer import replay_main
from m6_advanced.engineer.baseline import answer_files, one_shot, prompt_files
from m6_advanced.engineer.fake_github import FakeGitHub, fake_github_app
from m6_advanced.engineer.fix import GitHubTarget, committed_text, fix_issue, replay
from m6_advanced.engineer.issue_source import Issue
from m6_advanced.engineer.sandbox import Workspace
from m6_advanced.errors import AdvancedError

CART = "def total(prices):\n    result = 0\n    for price in prices[:-1]:\n        result += price\n    return result\n"  # fmt: skip
FILES = {"shop/__init__.py": "", "shop/cart.py": CART, "conftest.py": "",
         "tests/test_cart.py": "from shop.cart import total\n\n\ndef test_total():\n    assert total([1, 2]) == 3\n"}  # fmt: skip
FIX = "```\nedit shop/cart.py\n<<<<<<< SEARCH\nfor price in prices[:-1]:\n=======\nfor price in prices:\n>>>>>>> REPLACE\n```"  # fmt: skip
REPLIES = ["```\nrun_tests\n```", FIX, "```\nsubmit\nThe loop now includes the last price.\n```"]
ISSUE = Issue("Cart total skips the last item", "total([1, 2]) gives 1, not 3.", number=7)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip


def write(root: Path) -> Path:
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = write(tmp_path / "shop-repo")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base")
    return root


def test_a_fix_becomes_a_branch_a_patch_and_a_pr_description(checkout: Path, tmp_path: Path) -> None:  # fmt: skip
    head, out = git(checkout, "rev-parse", "HEAD"), tmp_path / "out"
    report = fix_issue(ISSUE, checkout, ScriptedChatModel(REPLIES), out)
    assert report.status == "submitted" and report.files == ["shop/cart.py"]
    assert report.branch == "engineer/7-cart-total-skips-the-last-item"
    assert report.final_tests == "1 passed"
    # The original: same HEAD, same clean checkout, one new branch holding the fix.
    assert git(checkout, "rev-parse", "HEAD") == head and git(checkout, "status", "--porcelain") == ""  # fmt: skip
    assert "prices[:-1]" in (checkout / "shop" / "cart.py").read_text()
    assert "for price in prices:" in git(checkout, "show", f"{report.branch}:shop/cart.py")
    git(checkout, "apply", "--check", str(report.patch))  # the patch applies to the base
    pr = (out / "pr.md").read_text()
    assert "Fixes #7" in pr and "The loop now includes the last price." in pr
    assert "1 failed" in pr and "(after the change, by the harness)`: 1 passed" in pr
    assert json.loads((out / "trajectory.json").read_text())["result"]["status"] == "submitted"
    again = fix_issue(ISSUE, checkout, ScriptedChatModel(REPLIES), tmp_path / "again")
    assert again.branch == f"{report.branch}-2"  # a second run never clobbers the first branch


def test_only_text_files_are_pushed(tmp_path: Path) -> None:
    (tmp_path / "key").write_text("secret")
    (tmp_path / "link.py").symlink_to(tmp_path / "key")
    (tmp_path / "blob.bin").write_bytes(b"\xff\xfe\x00")
    (tmp_path / "ok.py").write_text("x = 1\n")
    assert committed_text(tmp_path, "ok.py") == "x = 1\n" and committed_text(tmp_path, "gone.py") is None  # fmt: skip
    with pytest.raises(AdvancedError, match="symlink"):
        committed_text(tmp_path, "link.py")
    with pytest.raises(AdvancedError, match="not UTF-8"):
        committed_text(tmp_path, "blob.bin")


def test_a_plain_folder_gets_its_branch_in_the_output(tmp_path: Path) -> None:
    folder = write(tmp_path / "plain")
    report = fix_issue(ISSUE, folder, ScriptedChatModel(REPLIES), tmp_path / "out")
    kept = Path(report.branch_in or "")
    assert kept == tmp_path / "out" / "repo" and not (folder / ".git").exists()
    assert git(kept, "branch", "--show-current").strip() == report.branch
    assert "for price in prices:" in (kept / "shop" / "cart.py").read_text()


def test_no_change_means_no_branch(checkout: Path, tmp_path: Path) -> None:
    report = fix_issue(ISSUE, checkout, ScriptedChatModel(["```\nsubmit\nnothing\n```"]), tmp_path)
    assert report.branch is None and report.patch is None and git(checkout, "branch") == "* main\n"


def test_the_pull_request_is_opened_through_the_fake_github(checkout: Path, tmp_path: Path) -> None:  # fmt: skip
    state = FakeGitHub(token="t0ken")
    remote = state.create_repo("octo/shop", FILES)
    # As on GitHub: main is the very commit the local clone has.
    remote.commits[git(checkout, "rev-parse", "HEAD").strip()] = remote.commits[remote.refs["refs/heads/main"]]  # fmt: skip
    remote.refs["refs/heads/main"] = git(checkout, "rev-parse", "HEAD").strip()
    with serve_in_thread(fake_github_app(state)) as url:
        target = GitHubTarget("octo", "shop", "main", "t0ken", url)
        report = fix_issue(ISSUE, checkout, ScriptedChatModel(REPLIES), tmp_path, github=target)
    assert report.pr_url and report.pr_url.endswith("/octo/shop/pull/1")
    pull = remote.pulls[0]
    assert pull["head"] == report.branch and pull["base"] == "main"
    assert pull["body"] == (tmp_path / "pr.md").read_text()
    assert "for price in prices:" in remote.files(report.branch)["shop/cart.py"]
    assert remote.files("main")["shop/cart.py"] == CART


def test_replay_reproduces_a_run_and_spots_a_changed_output(checkout: Path, tmp_path: Path) -> None:  # fmt: skip
    fix_issue(ISSUE, checkout, ScriptedChatModel(REPLIES), tmp_path)
    path = tmp_path / "trajectory.json"
    assert replay_main([str(path)]) == 0  # every output as recorded: reproduced
    document = json.loads(path.read_text())
    document["steps"][0]["observation"] = "1 passed"  # a recording that no longer matches
    path.write_text(json.dumps(document))
    report = replay(path)
    assert not report.reproduced and report.matched == 2
    assert [d["step"] for d in report.differences] == [1] and "1 failed" in report.differences[0]["replayed"]  # fmt: skip


def test_the_one_shot_prompt_fills_its_budget_code_first(tmp_path: Path) -> None:
    with Workspace.create(write(tmp_path / "r")) as workspace:
        text, omitted = prompt_files(workspace.files(), budget_chars=10_000)
        assert omitted == [] and text.index("shop/cart.py") < text.index("tests/test_cart.py")
        text, omitted = prompt_files(workspace.files(), budget_chars=200)
    assert omitted == ["tests/test_cart.py"] and "Not shown (the prompt is full): tests/test_cart.py" in text  # fmt: skip


def test_the_one_shot_answer_is_written_whole_and_unsafe_paths_refused(tmp_path: Path) -> None:
    fixed = CART.replace("[:-1]", "")
    reply = f"Here.\n\nshop/cart.py\n```python\n{fixed}```\n\n../evil.py\n```python\nx = 1\n```\n"
    assert answer_files(reply) == {"shop/cart.py": fixed, "../evil.py": "x = 1\n"}
    with Workspace.create(write(tmp_path / "r")) as workspace:
        outcome = one_shot(ScriptedChatModel([reply]), "fix total", workspace)
        assert outcome.changed == ["shop/cart.py"] and outcome.refused[0].startswith("../evil.py")
        assert (workspace.path / "shop" / "cart.py").read_text() == fixed
        assert not (tmp_path / "evil.py").exists()
