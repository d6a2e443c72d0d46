"""The software house: every branch of the role loop, driven by scripted models, and its CLI.

The roles are scripted, but the produced code is real and really runs in the sandbox
(``test_house_sandbox.py`` tests the sandbox itself).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from m4_genai.llm import ChatResult, ScriptedChatModel, load_chat_model
from m5_agents_mlops.cli import software_house
from m5_agents_mlops.house import CodeReply, Limits, SoftwareHouse, Team
from m5_agents_mlops.house.demo import SMOKE_TASK, SPEC, code_reply, review, smoke_team

MODULE = "def double(x):\n    return 2 * x\n"
TESTS = "from calc import double\n\ndef test_two():\n    assert double(2) == 4\n\ndef test_zero():\n    assert double(0) == 0\n"
FAST = Limits(timeout_s=20)


GOOD = json.dumps({"files": [{"path": "calc.py", "content": MODULE},
                             {"path": "test_calc.py", "content": TESTS}], "notes": "done"})  # fmt: skip
CALC_SPEC = json.dumps({"summary": "double(x)", "files": [{"path": "calc.py", "purpose": "code"}],
                        "functions": ["double(x)"], "acceptance_tests": ["double(2) == 4"]})  # fmt: skip
APPROVE, CHANGES = review("APPROVE", "fine"), review("REQUEST_CHANGES", "add a test for -1")


class RecordingModel(ScriptedChatModel):
    """A scripted model that also keeps the options of every call (``response_format``...)."""

    def __init__(self, replies: list[Any]) -> None:
        super().__init__(replies)
        self.options: list[dict[str, Any]] = []

    def chat(self, messages: Any, tools: Any = None, **opts: Any) -> ChatResult:
        self.options.append(opts)
        return super().chat(messages, tools, **opts)


def team(coder: list[Any], reviewer: list[Any], manager: list[Any] | None = None) -> Team:
    return Team(
        RecordingModel(manager or [CALC_SPEC]), RecordingModel(coder), RecordingModel(reviewer)
    )


def house(the_team: Team, out: Path | None = None, **settings: Any) -> SoftwareHouse:
    return SoftwareHouse(the_team, limits=FAST, out=out, **settings)


def test_approved_in_round_one_saves_transcript_files_and_diff(tmp_path: Path) -> None:
    crew = team([GOOD], [APPROVE])
    result = house(crew, tmp_path).run("write double(x)")
    assert result.approved and result.stopped_by == "approved" and len(result.rounds) == 1
    assert result.last_tests and result.last_tests["summary"] == "2 passed"
    assert (tmp_path / "files" / "calc.py").read_text() == MODULE
    assert "+++ b/test_calc.py" in (tmp_path / "diffs" / "round-1.diff").read_text()
    transcript = json.loads((tmp_path / "transcript.json").read_text())
    assert transcript["status"] == "approved"
    kinds = [(m["round"], m["from"], m["kind"]) for m in transcript["messages"]]
    assert kinds == [(0, "user", "task"), (0, "house", "request"), (0, "manager", "spec"),
                     (1, "house", "request"), (1, "coder", "files"), (1, "sandbox", "tests"),
                     (1, "house", "request"), (1, "reviewer", "review")]  # fmt: skip
    assert transcript["messages"][5]["content"]["passed"] is True
    # Every role was asked for structured output with its schema.
    assert crew.coder.options[0]["response_format"] is CodeReply  # type: ignore[attr-defined]


def test_changes_requested_then_approved_in_round_two(tmp_path: Path) -> None:
    crew = smoke_team()
    result = house(crew, tmp_path).run(SMOKE_TASK)
    assert result.approved and len(result.rounds) == 2
    first, second = result.rounds
    assert (
        first["tests"]["counts"] == {"failed": 1, "passed": 3}
        and first["verdict"] == "REQUEST_CHANGES"
    )
    assert second["tests"]["passed"] and second["changed"] == ["slugs.py"]
    # The Coder's second request carried the failure and the review back to it.
    retry_prompt = crew.coder.calls[1][-1]["content"]  # type: ignore[attr-defined]
    assert "hello--world" in retry_prompt and "collapse repeats" in retry_prompt
    assert "[^a-z0-9]+" in (tmp_path / "files" / "slugs.py").read_text()
    assert '+    return re.sub(r"[^a-z0-9]+"' in (tmp_path / "diffs" / "round-2.diff").read_text()


def test_round_limit_reached_without_approval() -> None:
    result = house(team([GOOD, GOOD], [CHANGES, CHANGES]), max_rounds=2).run("write double(x)")
    assert result.stopped_by == "max_rounds" and not result.approved
    assert [r["verdict"] for r in result.rounds] == ["REQUEST_CHANGES"] * 2
    assert result.metrics()["tests_passed"] is True  # the code was fine; the reviewer was not


def test_invalid_coder_reply_is_fed_back_and_retried(tmp_path: Path) -> None:
    crew = team(["Sure! Here is the code: def double(x): ...", GOOD], [APPROVE])
    result = house(crew, tmp_path).run("write double(x)")
    assert result.approved
    feedback = crew.coder.calls[1][-1]["content"]  # type: ignore[attr-defined]
    assert "rejected" in feedback and "not JSON" in feedback
    messages = json.loads((tmp_path / "transcript.json").read_text())["messages"]
    invalid = [m for m in messages if m["kind"] == "invalid"]
    assert len(invalid) == 1 and invalid[0]["from"] == "coder" and "not JSON" in invalid[0]["error"]


def test_reply_of_the_wrong_shape_is_rejected_too() -> None:
    wrong = json.dumps({"code": MODULE})  # valid JSON, not a CodeReply
    crew = team([wrong, GOOD], [APPROVE])
    assert house(crew).run("write double(x)").approved
    assert "does not match CodeReply" in crew.coder.calls[1][-1]["content"]  # type: ignore[attr-defined]


def test_unsafe_path_from_the_coder_is_refused_and_fed_back(tmp_path: Path) -> None:
    escape = json.dumps({"files": [{"path": "../../outside.py", "content": "x = 1\n"}]})
    crew = team([escape, GOOD], [APPROVE])
    result = house(crew, tmp_path / "out").run("write double(x)")
    assert result.approved and "'..' would leave" in crew.coder.calls[1][-1]["content"]  # type: ignore[attr-defined]
    assert not list(tmp_path.rglob("outside.py"))


def test_a_role_that_never_answers_validly_does_not_crash_the_run(tmp_path: Path) -> None:
    crew = team(["no"] * 4, [], manager=["{", "{"])
    result = house(crew, tmp_path, max_rounds=2).run("write double(x)")
    assert result.stopped_by == "max_rounds" and result.files == {}
    assert result.spec.files[0].path == "solution.py"  # the fallback plan
    assert [r["tests"] for r in result.rounds] == [None, None]
    assert json.loads((tmp_path / "transcript.json").read_text())["status"] == "max_rounds"


def test_approval_of_failing_tests_is_not_accepted() -> None:
    broken = GOOD.replace("2 * x", "3 * x")
    crew = team([broken], [APPROVE])
    result = house(crew, max_rounds=1).run("write double(x)")
    assert result.stopped_by == "max_rounds" and not result.rounds[0]["accepted"]
    assert "approval not accepted" in result.rounds[0]["comments"][-1]


def test_step_budget_stops_the_run_and_the_transcript_says_so(tmp_path: Path) -> None:
    crew = team([GOOD], [APPROVE])
    result = house(crew, tmp_path, max_steps=2).run("write double(x)")
    assert result.stopped_by == "max_steps" and result.model_calls == 2
    assert crew.reviewer.calls == []  # type: ignore[attr-defined]
    assert json.loads((tmp_path / "transcript.json").read_text())["status"] == "max_steps"


def test_demo_spec_matches_its_files() -> None:
    planned = {f["path"] for f in SPEC["files"]}  # type: ignore[index]
    written = {f["path"] for f in json.loads(code_reply("x", ""))["files"]}
    assert planned == written


# ---------- the command line ------------------------------------------------------------------


def test_cli_smoke_writes_transcript_files_and_metrics(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert software_house.main(["--smoke", "--out", str(tmp_path)]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["approved"] and metrics["rounds"] == 2 and metrics["test_summary"] == "4 passed"
    assert metrics["config"]["max_rounds"] == 3 and metrics["model_calls"] == 5
    assert (tmp_path / "files" / "test_slugs.py").exists()
    assert "REQUEST_CHANGES" in capsys.readouterr().out


def test_an_out_folder_that_is_not_a_house_run_keeps_its_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--out .`` in a project must not wipe the project's own files/ folder."""
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "mine.txt").write_text("keep me")
    assert software_house.main(["--smoke", "--out", str(tmp_path)]) == 2
    assert "is not from a software-house run" in capsys.readouterr().err
    assert (tmp_path / "files" / "mine.txt").read_text() == "keep me"
    # A folder of an earlier house run is the house's own: a new run replaces its files.
    run = tmp_path / "run"
    assert software_house.main(["--smoke", "--out", str(run)]) == 0
    (run / "files" / "stale.py").write_text("old")
    assert software_house.main(["--smoke", "--out", str(run)]) == 0
    assert not (run / "files" / "stale.py").exists()


def test_cli_without_a_task_is_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert software_house.main(["--llm", "scripted"]) == 2
    assert capsys.readouterr().err.startswith("error: give a task")


@pytest.mark.extended  # the default run keeps the real model in test_agent_chat.py (budget)
def test_real_local_model_run_completes_and_is_recorded(tmp_path: Path) -> None:
    model = load_chat_model("local", model="smollm2-135m", max_tokens=96)
    crew = Team.of(model)
    result = house(crew, tmp_path, max_rounds=1, retries=0).run("write is_even(n) with tests")
    assert result.stopped_by in ("approved", "max_rounds") and result.model_calls >= 2
    transcript = json.loads((tmp_path / "transcript.json").read_text())
    assert transcript["status"] == result.stopped_by
    assert {m["from"] for m in transcript["messages"]} >= {"user", "house", "manager", "coder"}
