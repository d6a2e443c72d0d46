"""The engineer's benchmark tasks: well-formed, fair (hidden tests fail, then pass), loadable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from m6_advanced.engineer.taskset import (
    KINDS,
    Task,
    apply_hidden_tests,
    apply_solution,
    bundled_tasks_dir,
    check_task,
    copy_repo,
    load_task,
    load_tasks,
    run_pytest,
)
from m6_advanced.errors import TaskError

TASKS = load_tasks()
LOOP_KINDS = {"large-repo", "runtime-only", "ambiguity-by-example"}


def repo_files(task: Task) -> list[Path]:
    return [path for path in task.repo_dir.rglob("*") if path.is_file()]


def test_the_bundled_set_covers_every_kind_in_both_splits() -> None:
    assert len(TASKS) >= 16
    assert len({task.id for task in TASKS}) == len(TASKS)
    for split in ("dev", "test"):
        assert {task.kind for task in TASKS if task.split == split} == set(KINDS), split
    assert len(load_tasks(split="dev")) >= 8 and len(load_tasks(split="test")) >= 8


@pytest.mark.parametrize("task", TASKS, ids=lambda task: task.id)
def test_task_shape(task: Task) -> None:
    assert task.issue.startswith("# ") and len(task.issue.splitlines()) > 3
    assert len(repo_files(task)) >= 3
    assert (task.loop_needed is not None) == (task.kind in LOOP_KINDS)
    assert task.solution and all(edit.search for edit in task.solution)
    if task.kind == "two-file":
        assert len({edit.path for edit in task.solution}) == 2
    if task.kind == "large-repo":
        modules = [
            path
            for path in repo_files(task)
            if path.suffix == ".py" and "tests" not in path.parts and path.name != "__init__.py"
        ]
        assert len(modules) >= 12
        assert sum(len(path.read_text(encoding="utf-8")) for path in repo_files(task)) > 40_000


@pytest.mark.parametrize("task", TASKS, ids=lambda task: task.id)
def test_hidden_tests_fail_before_and_pass_after_the_reference_fix(task: Task) -> None:
    """The run after the fix includes the visible tests, so they must pass with it too."""
    check = check_task(task)
    assert check.fails_before, f"{task.id}: the hidden tests already pass on the unfixed repo"
    assert check.passes_after, f"{task.id}: the tests fail with the reference fix"
    assert check.ok


def test_filters() -> None:
    assert {task.split for task in load_tasks(split="test")} == {"test"}
    picked = load_tasks(ids=[TASKS[1].id, TASKS[0].id])
    assert [task.id for task in picked] == [TASKS[0].id, TASKS[1].id]
    with pytest.raises(TaskError, match="no task t99-nothing"):
        load_tasks(ids=["t99-nothing"])
    with pytest.raises(TaskError, match="split 'train'"):
        load_tasks(split="train")


def test_overlay_and_solution_in_a_working_copy(tmp_path: Path) -> None:
    task = load_tasks(ids=["t04-free-shipping"])[0]
    workdir = copy_repo(task, tmp_path / "work")
    assert apply_hidden_tests(task, workdir) == ["tests/test_shipping_policy.py"]
    diff = apply_solution(task, workdir)
    assert "+++ b/checkout/shipping.py" in diff and "and not cart.has_oversized()" in diff
    assert "and not" not in (task.repo_dir / "checkout" / "shipping.py").read_text()  # untouched


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A copy of a small bundled task, to break in one way per test."""
    folder = tmp_path / "t04-free-shipping"
    shutil.copytree(bundled_tasks_dir() / folder.name, folder)
    return folder


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_folder_without_task_json_is_an_error(broken: Path) -> None:
    (broken / "task.json").unlink()
    with pytest.raises(TaskError, match=r"task.json: missing"):
        load_tasks(broken.parent)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "typo", "field 'kind' is 'typo'"),
        ("split", "train", "field 'split' is 'train'"),
        ("id", "t05-other", "field 'id' is 't05-other' but the folder"),
        ("title", "", "field 'title' must be a non-empty string"),
    ],
)
def test_bad_task_json_fields_are_named(broken: Path, field: str, value: str, message: str) -> None:
    meta = json.loads((broken / "task.json").read_text())
    write_json(broken / "task.json", {**meta, field: value})
    with pytest.raises(TaskError, match=message):
        load_task(broken)


def test_other_broken_parts_are_named(broken: Path) -> None:
    write_json(broken / "solution.json", [])
    with pytest.raises(TaskError, match=r"solution\.json: must be a non-empty list"):
        load_task(broken)
    write_json(broken / "solution.json", [{"path": "x.py", "search": "a"}])
    with pytest.raises(TaskError, match="edit 0 must have exactly path, search and replace"):
        load_task(broken)
    shutil.rmtree(broken / "hidden")
    (broken / "hidden").mkdir()
    with pytest.raises(TaskError, match="hidden: needs at least one test file"):
        load_task(broken)
    (broken / "issue.md").write_text("  \n")
    with pytest.raises(TaskError, match=r"issue\.md: missing or empty"):
        load_task(broken)


def test_a_solution_that_does_not_apply_fails_the_check(broken: Path) -> None:
    write_json(
        broken / "solution.json",
        [{"path": "checkout/shipping.py", "search": "nope", "replace": "x"}],
    )
    task = load_task(broken)
    with pytest.raises(TaskError, match=r"solution.json: edit 0 \(the search text is not in"):
        check_task(task, run_tests=lambda workdir: False)


def write_files(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_an_external_task_folder_in_the_same_format(tmp_path: Path) -> None:
    """The format README.md documents: anyone can write a task set of their own."""
    folder = tmp_path / "my-tasks" / "x01-median"
    task_json = {
        "id": "x01-median",
        "title": "median() is wrong for even lengths",
        "kind": "missing-edge-case",
        "split": "test",
        "loop_needed": None,
    }
    write_files(
        folder,
        {
            "task.json": json.dumps(task_json),
            "issue.md": "# median() is wrong for even lengths\n\nmedian([1, 2, 3, 4]) gives 3, not 2.5.\n",
            "repo/conftest.py": "",
            "repo/stats/__init__.py": "",
            "repo/stats/median.py": "def median(xs):\n    xs = sorted(xs)\n    return xs[len(xs) // 2]\n",
            "repo/tests/test_median.py": "from stats.median import median\n\n\ndef test_odd():\n    assert median([3, 1, 2]) == 2\n",
            "hidden/tests/test_even.py": "from stats.median import median\n\n\ndef test_even():\n    assert median([1, 2, 3, 4]) == 2.5\n",
            "solution.json": json.dumps(
                [
                    {
                        "path": "stats/median.py",
                        "search": "    return xs[len(xs) // 2]\n",
                        "replace": "    middle = len(xs) // 2\n    return xs[middle] if len(xs) % 2 else (xs[middle - 1] + xs[middle]) / 2\n",
                    }
                ]
            ),
        },
    )
    [task] = load_tasks(folder.parent)
    assert (task.id, task.kind, task.split, task.loop_needed) == (
        "x01-median",
        "missing-edge-case",
        "test",
        None,
    )
    assert task.repo_dir == folder / "repo" and task.issue.startswith("# median()")
    check = check_task(task, run_tests=run_pytest)
    assert check.fails_before and check.passes_after
