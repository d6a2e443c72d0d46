"""Prompt templates as data: rendering, answer checking, the demo with injected models, bad files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from m4_genai.cli.prompting_demo import PromptingConfig, main, run
from m4_genai.errors import GenAIError
from m4_genai.lessons.prompting import (
    arithmetic_questions,
    extract_answer,
    is_correct,
    load_templates,
    render,
    sentiment_questions,
)
from m4_genai.llm import Message, ScriptedChatModel
from roadmap_data.runkit import ConfigError

TASKS, STYLES = load_templates()


def test_templates_define_three_styles_and_two_tasks() -> None:
    assert list(STYLES) == ["zero_shot", "few_shot", "chain_of_thought"]
    assert set(TASKS) == {"arithmetic", "sentiment"}
    assert TASKS["sentiment"].labels == ("positive", "negative")


@pytest.mark.parametrize(
    ("style", "turns"), [("zero_shot", 2), ("few_shot", 8), ("chain_of_thought", 8)]
)
def test_render_shapes_the_conversation(style: str, turns: int) -> None:
    messages = render(STYLES[style], TASKS["arithmetic"], "What is 2 + 2?")
    assert len(messages) == turns
    assert (
        messages[0]["role"] == "system"
        and "Solve the arithmetic problem." in messages[0]["content"]
    )
    assert messages[-1] == {"role": "user", "content": "What is 2 + 2?"}
    if style != "zero_shot":
        assert [m["role"] for m in messages[1:3]] == ["user", "assistant"]
    if style == "chain_of_thought":
        assert messages[2]["content"] == "14 + 9 = 23. 23 - 5 = 18. Answer: 18"
        assert "Think step by step" in messages[0]["content"]


@pytest.mark.parametrize(
    ("reply", "task", "expected"),
    [
        ("Answer: 42", "arithmetic", "42"),
        ("6 * 3 = 18. 18 + 24 = 42. Answer: 42.", "arithmetic", "42"),
        ("6 * 3 = 18, then 18 + 24 = 42", "arithmetic", "42"),  # no Answer line: last "= n"
        ("we need the difference between 56", "arithmetic", None),  # restating is no answer
        ("answer = 1,250", "arithmetic", "1250"),
        ("I cannot do maths.", "arithmetic", None),
        ("Answer: Negative", "sentiment", "negative"),
        ("This tweet sounds positive to me.", "sentiment", "positive"),
        ("It is neutral.", "sentiment", None),
        ("Positive or Negative:", "sentiment", None),  # naming both labels is no answer
        ('Positive sentiment: "Positive"', "sentiment", "positive"),
    ],
)
def test_extract_answer(reply: str, task: str, expected: str | None) -> None:
    assert extract_answer(reply, TASKS[task]) == expected


def test_is_correct_is_case_insensitive() -> None:
    assert is_correct("Answer: POSITIVE", TASKS["sentiment"], "positive")
    assert not is_correct("Answer: 41", TASKS["arithmetic"], "42")


def test_question_sets_are_seeded_and_checkable() -> None:
    questions = arithmetic_questions(20, seed=3)
    assert questions == arithmetic_questions(20, seed=3) != arithmetic_questions(20, seed=4)
    for q in questions:
        a, op1, b, op2, c = re.fullmatch(r"What is (\d+) (.) (\d+) (.) (\d+)\?", q.text).groups()
        value = {"+": int.__add__, "-": int.__sub__, "*": int.__mul__}
        assert value[op2](value[op1](int(a), int(b)), int(c)) == int(q.answer)
    tweets = sentiment_questions(6, seed=0)
    assert [q.answer for q in tweets].count("positive") == 3
    assert all(q.text.startswith("Tweet: ") and q.text.isprintable() for q in tweets)


def oracle(messages: list[Message]) -> str:
    """Answers every question correctly, by computing it (a 'perfect model' for the scorer)."""
    question = messages[-1]["content"]
    match = re.fullmatch(r"What is (.+)\?", question)
    if match:
        a, op1, b, op2, c = match.group(1).split()
        ops = {"+": int.__add__, "-": int.__sub__, "*": int.__mul__}
        return f"Answer: {ops[op2](ops[op1](int(a), int(b)), int(c))}"
    return "Answer: " + QUESTIONS_TRUTH[question]


QUESTIONS_TRUTH = {q.text: q.answer for q in sentiment_questions(2, seed=0)}


def test_run_scores_a_perfect_model_at_one_and_a_silent_one_at_zero() -> None:
    config = PromptingConfig.preset("tiny")
    perfect = run(config, ScriptedChatModel([oracle] * 12))
    assert perfect.accuracy == {
        style: {"arithmetic": 1.0, "sentiment": 1.0, "all": 1.0} for style in config.styles
    }
    silent = run(config)  # the tiny preset's extractive fake: "I don't know." to everything
    assert all(scores["all"] == 0.0 for scores in silent.accuracy.values())
    assert silent.answers[0]["reply"] == "I don't know." and silent.answers[0]["extracted"] is None


def test_chain_of_thought_gets_the_longer_token_budget() -> None:
    model = ScriptedChatModel(["one two three four five six"] * 12)
    result = run(PromptingConfig.preset("tiny", max_tokens=2, cot_max_tokens=5), model)
    replies = {a["style"]: a["reply"] for a in result.answers}
    assert replies == {
        "zero_shot": "one two",
        "few_shot": "one two",
        "chain_of_thought": "one two three four five",
    }


def test_cli_smoke_writes_metrics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--smoke", "--out", str(tmp_path)]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["model"] == "scripted-extractive" and len(metrics["answers"]) == 12
    assert set(metrics["accuracy"]) == {"zero_shot", "few_shot", "chain_of_thought"}
    assert "Accuracy per prompt style" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "template file not found"),
        ("[tasks.x\n", "not valid TOML"),
        ("[styles.a]\nsystem = 's'\nuser = 'u'\n", "missing key 'tasks'"),
        (
            "[tasks.t]\ninstruction = 'i'\nexamples = []\n[styles.a]\nsystem = 's'\nuser = 'u'\n",
            r"\[tasks.t\]: missing key 'answer_format'",
        ),
    ],
)
def test_bad_template_files_are_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    path = tmp_path / "templates.toml"
    if content is not None:
        path.write_text(content)
    assert main(["--smoke", "--templates", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and re.search(message, err) and err.count("\n") == 1
    assert not (tmp_path / "out" / "metrics.json").exists()


def test_unknown_style_and_bad_config() -> None:
    with pytest.raises(GenAIError, match=r"unknown style\(s\) \['socratic'\]"):
        run(PromptingConfig.preset("tiny", styles=("socratic",)))
    with pytest.raises(ConfigError, match=r"unknown PromptingConfig key\(s\): questions"):
        PromptingConfig.preset("tiny", questions=3)
    with pytest.raises(ConfigError, match="unknown preset 'huge'"):
        PromptingConfig.preset("huge")


def test_cli_against_an_openai_compatible_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from m4_genai.testing.fake_openai_server import FakeOpenAIServer, Reply

    with FakeOpenAIServer([Reply(text="Answer: positive")]) as server:
        argv = ["--smoke", "--llm", "openai", "--base-url", server.url, "--model", "m"]
        assert main([*argv, "--out", str(tmp_path)]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["model"] == "m" and len(server.requests) == 12
    assert all(request["model"] == "m" for request in server.requests)
    # Always "positive": right on the one positive tweet of two, wrong on the arithmetic.
    assert metrics["accuracy"]["few_shot"] == {"arithmetic": 0.0, "sentiment": 0.5, "all": 0.25}


def test_model_flags_that_do_not_fit_the_backend_are_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--smoke", "--llm", "local", "--model", "gpt-4o"]) == 2
    err = capsys.readouterr().err
    assert "unknown chat model 'gpt-4o'; known: qwen2.5-coder-1.5b" in err and err.count("\n") == 1
    assert main(["--smoke", "--llm", "local", "--base-url", "http://127.0.0.1:9/v1"]) == 2
    assert "unknown option(s) ['base_url'] for the 'local' model" in capsys.readouterr().err
