"""``patterns``: the run kit's contract (config, run, metrics.json, transcripts) and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from m4_genai.llm import ScriptedChatModel
from m6_advanced.cli.patterns import PatternsConfig, main, run
from roadmap_data.errors import ConfigError
from roadmap_data.runkit import save_metrics


def test_the_tiny_preset_runs_a_scripted_pattern_and_saves_its_evidence(tmp_path: Path) -> None:
    config = PatternsConfig.preset("tiny", out=tmp_path, pattern="hierarchical")
    result = run(config)
    save_metrics(result, config, tmp_path)
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["success"] and metrics["answer"] == "Notebooks 7.35, pens 2.2, total 9.55."
    assert metrics["model_calls"] == 7 and len(metrics["delegated"]) == 2
    transcript = json.loads((tmp_path / "transcript.json").read_text())
    assert transcript["pattern"] == "hierarchical" and transcript["status"] == "done"


def test_the_sequential_demo_reads_its_source_and_is_sent_back_once(tmp_path: Path) -> None:
    config = PatternsConfig.preset("tiny", out=tmp_path, pattern="sequential")
    metrics = run(config).metrics()
    assert metrics["verdicts"] == ["REVISE", "APPROVE"] and metrics["revisions"] == 1
    transcript = json.loads((tmp_path / "transcript.json").read_text())
    senders = [m["from"] for m in transcript["messages"] if m["kind"] == "reply"]
    assert senders == ["researcher", "writer", "reviewer", "writer", "reviewer"]


def test_reflexion_on_a_question_with_an_expected_value(tmp_path: Path) -> None:
    model = ScriptedChatModel(["It is 383.", "17 * 23 is 391, not 387.", "391 - 4 = 387"])
    config = PatternsConfig.preset(
        "cpu", out=tmp_path, pattern="reflexion", task="What is 17 * 23 - 4?", expect=387.0
    )
    metrics = run(config, model=model).metrics()
    assert metrics["solved_at"] == 2 and metrics["memory"] == ["17 * 23 is 391, not 387."]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"max_trials": 0}, "max_trials must be at least 1"),
        ({"framework": "autogen", "pattern": "hierarchical"}, "--framework autogen is the"),
        ({"source": "/no/such/file.txt"}, "no such file"),
        ({"pattern": "reflexion", "expect": 3.0}, "--expect needs a question and a real model"),
    ],
)
def test_bad_settings_are_one_clear_error(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        PatternsConfig.preset("tiny", **overrides)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["reflexion", "no_such_problem"], "unknown problem 'no_such_problem'; use one of clamp"),
        (["sequential", "my own task", "--llm", "scripted"], "plays the demo tasks only"),
        ([], "name a pattern"),
    ],
)
def test_the_command_line_reports_bad_input_in_one_line(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err
