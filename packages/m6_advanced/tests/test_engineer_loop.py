"""The engineer's loop: actions parsed, carried out in the sandbox, budgets kept, every step recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from m4_genai.llm import ScriptedChatModel
from m5_agents_mlops.house.sandbox import Limits
from m6_advanced.engineer.actions import FormatError, parse_action
from m6_advanced.engineer.loop import Budget, Engineer, elided
from m6_advanced.engineer.sandbox import Sandbox, Workspace
from m6_advanced.engineer.toolbox import Toolbox
from m6_advanced.engineer.trajectory import Trajectory, load_trajectory
from m6_advanced.hashing_embedder import HashingEmbedder

CART = "def total(prices):\n    result = 0\n    for price in prices[:-1]:\n        result += price\n    return result\n"  # fmt: skip
TEST = "from shop.cart import total\n\n\ndef test_total():\n    assert total([1, 2]) == 3\n"
FIX = "```\nedit shop/cart.py\n<<<<<<< SEARCH\nfor price in prices[:-1]:\n=======\nfor price in prices:\n>>>>>>> REPLACE\n```"  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "shop").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "cart.py").write_text(CART)
    (root / "tests" / "test_cart.py").write_text(TEST)
    (root / "conftest.py").write_text("")
    return root


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(Limits(timeout_s=30, cpu_seconds=30))


def solve(repo: Path, sandbox: Sandbox, replies: list[str], budget: Budget | None = None,
          trajectory: Path | None = None):  # fmt: skip
    model = ScriptedChatModel(replies)
    with Workspace.create(repo) as workspace:
        toolbox = Toolbox(workspace, sandbox, HashingEmbedder())
        record = Trajectory(trajectory, {"repo": str(repo), "issue": "x"}) if trajectory else None
        outcome = Engineer(model, toolbox, budget, record).solve("total skips the last price", "shop/cart.py")  # fmt: skip
        toolbox.close()
        return outcome, workspace.diff(), model, toolbox.test_runs


def test_the_loop_reads_edits_tests_and_submits(repo: Path, sandbox: Sandbox, tmp_path: Path) -> None:  # fmt: skip
    replies = ["```\nrun_tests\n```", "```\nread_file shop/cart.py 2 4\n```", FIX,
               "```\nrun_tests\n```", "Fixed.\n```\nsubmit\nThe loop now includes the last price.\n```"]  # fmt: skip
    path = tmp_path / "run" / "trajectory.json"
    outcome, diff, model, runs = solve(repo, sandbox, replies, trajectory=path)
    assert outcome.status == "submitted" and outcome.usage.steps == 5
    assert outcome.summary == "The loop now includes the last price."
    assert "-    for price in prices[:-1]:" in diff and "+    for price in prices:" in diff
    observations = [step["observation"] for step in outcome.steps]
    assert "1 failed" in observations[0] and "assert 1 == 3" in observations[0]
    assert "    3      for price in prices[:-1]:" in observations[1]  # numbered lines
    assert "+    for price in prices:" in observations[2]  # the edit answers with its diff
    assert "1 passed" in observations[3]
    assert [(r.summary, r.passed) for r in runs] == [("1 failed", False), ("1 passed", True)]
    # The model saw the issue and the rules; each output came back as the next user message.
    assert "<issue>" in model.calls[0][1]["content"] and "SEARCH" in model.calls[0][0]["content"]
    assert model.calls[2][-1]["content"] == observations[1]
    document = load_trajectory(path)
    assert len(document["steps"]) == 5 and document["result"]["status"] == "submitted"
    assert document["steps"][2]["action"]["name"] == "edit"


def test_malformed_replies_are_answered_and_end_the_run_after_three(repo: Path, sandbox: Sandbox) -> None:  # fmt: skip
    outcome, diff, model, _ = solve(
        repo, sandbox, ["I think it is fine.", "```\nfix it\n```", "ok"]
    )
    assert outcome.status == "format-errors" and outcome.usage.steps == 3 and diff == ""
    assert all(step["observation"].startswith("Format error:") for step in outcome.steps)
    assert "no action found" in model.calls[1][-1]["content"]


def test_a_refused_edit_is_reported_and_the_file_is_unchanged(repo: Path, sandbox: Sandbox) -> None:  # fmt: skip
    wrong = FIX.replace("prices[:-1]", "prices[1:]")
    outcome, diff, *_ = solve(repo, sandbox, [wrong, "```\nsubmit\n```"])
    step = outcome.steps[0]
    assert (
        not step["ok"] and "refused: the search text is not in shop/cart.py" in step["observation"]
    )
    assert "closest is line 3" in step["observation"] and diff == ""


def test_grep_and_search_code_find_the_function(repo: Path, sandbox: Sandbox) -> None:
    grep = "```\ngrep 'def total'\n```"
    outside = "```\ngrep root shop /etc/passwd\n```"  # read_file and edit refuse it: grep too
    replies = [grep, "```\nsearch_code sum of prices\n```", grep, outside, "```\nsubmit\n```"]
    outcome, *_ = solve(repo, sandbox, replies)
    assert outcome.steps[3]["observation"].startswith("refused:") and not outcome.steps[3]["ok"]
    assert outcome.steps[0]["observation"] == "shop/cart.py:1:def total(prices):"
    assert outcome.steps[1]["observation"].startswith("shop/cart.py:1-5")
    # The same action again with no edit in between: the model is told it is going in circles.
    assert outcome.steps[2]["observation"].startswith("(The same action as step 1, with no edit")


@pytest.mark.parametrize(
    ("budget", "status"),
    [(Budget(max_steps=2), "budget:steps"), (Budget(max_tokens=10), "budget:tokens"),
     (Budget(max_cost_usd=0.001, usd_per_million_input=1000.0), "budget:cost"),
     (Budget(max_seconds=0.0), "budget:time")],
)  # fmt: skip
def test_every_budget_stops_the_loop(repo: Path, sandbox: Sandbox, budget: Budget, status: str) -> None:  # fmt: skip
    outcome, *_ = solve(repo, sandbox, ["```\ngrep total\n```"] * 5, budget)
    assert outcome.status == status
    assert outcome.usage.steps <= 2


def test_old_outputs_are_cut_in_blocks_in_the_prompt_but_kept_in_the_record() -> None:
    engineer = Engineer(ScriptedChatModel([]), toolbox=None, keep_observations=2)  # type: ignore[arg-type]
    long = "\n".join(f"line {i}" for i in range(10))
    messages = [{"role": "system", "content": "s"}, {"role": "user", "content": "issue"}]

    def cut_after(outputs: int) -> list[int]:
        while (len(messages) - 2) // 2 < outputs:
            messages.extend([{"role": "assistant", "content": "a"}, {"role": "user", "content": long}])  # fmt: skip
        shown = engineer.shown(messages)
        assert shown[1]["content"] == "issue"  # the issue is never cut
        return [n for n in range(outputs) if shown[3 + 2 * n]["content"] == elided(long)]

    assert [cut_after(n) for n in (2, 3, 4, 5, 6)] == [[], [], [0, 1], [0, 1], [0, 1, 2, 3]]
    assert "7 older lines elided" in elided(long)
    assert all(m["content"] == long for m in messages[3::2])  # the record is untouched


def test_parse_action_reads_each_action_and_explains_mistakes() -> None:
    assert parse_action("```\nread_file a.py 3 9\n```").args == {"path": "a.py", "start": 3, "end": 9}  # fmt: skip
    assert parse_action("Let me test.\nrun_tests -k cart").args == {"args": ["-k", "cart"]}
    edit = parse_action(FIX).args
    assert (edit["search"], edit["replace"]) == ("for price in prices[:-1]:", "for price in prices:")  # fmt: skip
    deletion = parse_action("```\nedit a.py\n<<<<<<< SEARCH\nx = 1\n=======\n>>>>>>> REPLACE\n```")
    assert (deletion.args["search"], deletion.args["replace"]) == ("x = 1\n", "")
    created = parse_action("```\nedit b.py\n<<<<<<< SEARCH\n=======\nX = 1\n>>>>>>> REPLACE\n```")
    assert (created.args["search"], created.args["replace"]) == ("", "X = 1\n")
    plan = parse_action("```\nsearch_code total\ngrep total\nsubmit\n```")  # a whole plan: the
    assert plan.args == {"query": "total"} and "Only the first line" in plan.note  # first step runs
    for reply, reason in [("hello", "no action found"), ("```\nrm -rf /\n```", "unknown action"),
                          ("```\nrun_tests\n```\n```\nsubmit\n```", "exactly one action"),
                          ("```\nread_file a.py 9 3\n```", "bad line range"),
                          ("```\nedit a.py\nx = 2\n```", "edit needs a block")]:  # fmt: skip
        with pytest.raises(FormatError, match=reason):
            parse_action(reply)


def test_a_trajectory_is_valid_json_after_every_step(repo: Path, sandbox: Sandbox, tmp_path: Path) -> None:  # fmt: skip
    path = tmp_path / "t.json"
    seen: list[int] = []

    def peek(messages: list) -> str:  # called for the 2nd reply: step 1 is already on disk
        seen.append(len(json.loads(path.read_text())["steps"]))
        return "```\nsubmit\n```"

    model = ScriptedChatModel(["```\ngrep total\n```", peek])
    with Workspace.create(repo) as workspace:
        Engineer(
            model, Toolbox(workspace, sandbox), trajectory=Trajectory(path, {"issue": "i"})
        ).solve("i", "f")
    assert seen == [1] and load_trajectory(path)["result"]["status"] == "submitted"


@pytest.mark.slow
def test_a_real_local_model_drives_the_loop(repo: Path, sandbox: Sandbox, tmp_path: Path) -> None:
    """SmolLM2-135M through llama.cpp: too small to fix anything, but its step goes through the
    real backend, the parser (or its format error), the sandbox and the record."""
    from m4_genai.llm import load_chat_model

    model = load_chat_model("local", model="smollm2-135m", threads=1, seed=0)
    path = tmp_path / "t.json"
    with Workspace.create(repo) as workspace:
        record = Trajectory(path, {"issue": "i"})
        outcome = Engineer(model, Toolbox(workspace, sandbox), Budget(max_steps=1), record,
                           reply_tokens=48).solve("total([1, 2]) returns 1, not 3", "shop/cart.py")  # fmt: skip
    assert outcome.status in {"budget:steps", "submitted", "format-errors"}
    steps = load_trajectory(path)["steps"]
    assert len(steps) == 1 and steps[0]["prompt_tokens"] > 0 < steps[0]["completion_tokens"]
    assert all(s["observation"] for s in steps) and outcome.model == model.name
