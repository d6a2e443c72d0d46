"""The LLM quality suite: its items are sound, its scoring is exact, its code runner is contained.

A scripted model that replies what each item expects must score 1.0 on every kind, and wrong or
silent replies 0.0, so the scores measure the model and nothing else. The last test asks the
real SmolLM2 through llama.cpp and asserts only what constrained decoding guarantees.
"""

from __future__ import annotations

import pytest

from m4_genai.golden.code_runner import OUTPUT_CHARS, run_python
from m4_genai.golden.llm_suite import (
    KINDS,
    SuiteItem,
    extract_code,
    final_number,
    load_suite,
    messages_for,
    perfect_reply,
    run_suite,
    score_text,
)
from m4_genai.golden.suite_tools import TOOLS, convert_units, days_between, percent_of
from m4_genai.llm import ScriptedChatModel, ToolCall

ITEMS = load_suite()


def item(item_id: str) -> SuiteItem:
    return next(i for i in ITEMS if i.id == item_id)


def wrong_reply(item: SuiteItem) -> str | ToolCall:
    """A reply of the right form that gets ``item`` wrong."""
    expect = item.expect
    if item.kind == "tool":  # the right tool, one argument off
        arguments = dict(expect["arguments"])
        key = next(k for k, v in arguments.items() if isinstance(v, (int, float)) or "-" in str(v))
        arguments[key] = arguments[key] + 1 if key not in ("start", "end") else "2020-02-02"
        return ToolCall("call_0", expect["tool"], arguments)
    if item.kind == "cite":  # the fact, with the wrong source
        return f"{expect['contains']} [{expect['source'] % 3 + 1}]"
    if item.kind == "abstain":  # a confident, cited invention
        return "It is 42 [1]."
    if item.kind == "code":  # defines the function, returns nothing
        return f"```python\ndef {expect['function']}(*args, **kwargs):\n    return None\n```"
    return f"Answer: {expect['answer'] + 1}"


# ---------- the items -------------------------------------------------------------------------


def test_the_suite_has_five_kinds_each_with_dev_and_test_items() -> None:
    assert len(ITEMS) >= 20 and len({i.id for i in ITEMS}) == len(ITEMS)
    for kind in KINDS:
        splits = [i.split for i in ITEMS if i.kind == kind]
        assert splits.count("dev") >= 2 and splits.count("test") >= 4, kind
    assert len(load_suite("test")) == 20
    assert [i.kind for i in load_suite(per_kind=1)] == list(KINDS)


def test_every_expected_tool_call_is_valid_and_the_tools_compute() -> None:
    names = {tool.name for tool in TOOLS}
    for i in ITEMS:
        if i.kind == "tool":
            assert i.expect["tool"] in names
            tool = next(t for t in TOOLS if t.name == i.expect["tool"])
            assert tool.validate(i.expect["arguments"]).keys() == i.expect["arguments"].keys()
    unit_enum = TOOLS[0].parameters["properties"]["from_unit"]["enum"]
    assert {"km", "mi", "lb"} <= set(unit_enum)  # the Literal became an enum the grammar enforces
    assert convert_units(5, "km", "m") == pytest.approx(5000)
    assert convert_units(12, "lb", "kg") == pytest.approx(5.443, abs=1e-3)
    assert percent_of(20, 150) == pytest.approx(30)
    assert days_between("2024-01-15", "2024-03-01") == 46  # 2024 is a leap year


def test_every_reference_solution_passes_and_a_hollow_one_fails() -> None:
    for i in ITEMS:
        if i.kind == "code":
            assert run_python(i.expect["solution"], i.expect["tests"]).passed, i.id
            hollow = f"def {i.expect['function']}(*args):\n    return None"
            assert not run_python(hollow, i.expect["tests"]).passed, i.id  # the asserts bite


def test_source_prompts_number_the_sources_like_the_rag_chain() -> None:
    system, user = messages_for(item("cite-03"))
    assert "I don't know." in system["content"] and "[1], [2]" in system["content"]
    assert user["content"].startswith("Sources:\n\n[1] release.md\n")
    assert "[2] install.md\nQuill needs 300 MB" in user["content"]
    assert user["content"].endswith("Question: How much memory does Quill need?\nAnswer:")


# ---------- scoring ---------------------------------------------------------------------------


def test_a_perfect_model_scores_one_on_every_kind() -> None:
    model = ScriptedChatModel([perfect_reply(i) for i in ITEMS])
    result = run_suite(model, ITEMS)
    assert result.by_kind() == dict.fromkeys(KINDS, 1.0) and result.accuracy == 1.0
    metrics = result.metrics()
    assert metrics["tool_calls_valid"] == 1.0 and metrics["right"] == len(ITEMS)
    assert metrics["accuracy_interval_95"][0] == pytest.approx(0.886, abs=1e-3)
    assert len(metrics["results"]) == len(ITEMS) and metrics["model"] == "scripted"
    assert model.calls[0][-1]["content"] == item("tool-01").prompt  # asked in suite order


@pytest.mark.parametrize("reply", [wrong_reply, lambda _: ""], ids=["wrong", "silent"])
def test_wrong_or_silent_replies_score_zero_on_every_kind(reply) -> None:
    result = run_suite(ScriptedChatModel([reply(i) for i in ITEMS]), ITEMS)
    assert result.by_kind() == dict.fromkeys(KINDS, 0.0)
    tool_valid = [r.valid for r in result.items if r.kind == "tool"]
    assert all(tool_valid) if reply is wrong_reply else not any(tool_valid)
    code_errors = {r.why.split(":")[0] for r in result.items if r.kind == "code"}
    assert code_errors == ({"AssertionError"} if reply is wrong_reply else {"NameError"})


def test_tool_calls_with_unknown_tools_or_bad_arguments_are_invalid() -> None:
    tool_item = item("tool-03")
    for call in [ToolCall("c", "percent", {"percent": 20, "value": 150}),
                 ToolCall("c", "percent_of", {"percent": "twenty", "value": 150}),
                 ToolCall("c", "convert_units", {"value": 5, "from_unit": "km", "to_unit": "parsec"})]:  # fmt: skip
        (result,) = run_suite(ScriptedChatModel([call]), [tool_item]).items
        assert (result.right, result.valid) == (False, False), result.why
    string_number = ToolCall("c", "percent_of", {"percent": "20", "value": 150.0})
    (result,) = run_suite(ScriptedChatModel([string_number]), [tool_item]).items
    assert result.right and result.valid  # validation converts "20" → 20.0, as the tool would


def test_citations_must_be_exactly_the_answering_source() -> None:
    cite = item("cite-04")  # the answer is in source [1]; the fact is "25"
    assert score_text(cite, "It takes 25 minutes [1].")[0]
    assert not score_text(cite, "It takes 25 minutes [1][2].")[0]  # a needless source
    assert not score_text(cite, "It takes 25 minutes.")[0]  # no citation
    assert not score_text(cite, "It takes 20 minutes [1].")[0]  # the wrong fact
    assert not score_text(cite, "I don't know. 25 [1]")[0]  # hedging both ways
    assert not score_text(cite, "It takes 125 minutes [1].")[0]  # the fact is a whole number
    assert score_text(item("cite-03"), "Quill needs at least 2GB of RAM [2]")[0]


def test_abstaining_accepts_typographic_apostrophes_and_nothing_else() -> None:
    abstain = item("abstain-03")
    assert score_text(abstain, "I don\u2019t know.")[0] and score_text(abstain, "i do not know")[0]
    assert not score_text(abstain, "A foot passenger pays 18 euros [2].")[0]


def test_the_math_answer_is_the_number_after_answer_else_the_last() -> None:
    assert final_number("9:40 to 11:15 is 95 minutes.\nAnswer: 95") == 95
    assert final_number("Answer: 1,250 euros, since 25 * 50") == 1250
    assert final_number("14 + 28 = 42") == 42 and final_number("no idea") is None
    assert final_number("Answer: N\n14 * 2 = 28") == 28  # a cue without a number is skipped


def test_code_is_taken_from_the_block_that_defines_the_function() -> None:
    reply = "Here:\n```python\nprint('usage')\n```\n```py\ndef f(x):\n    return x\n```"
    assert extract_code(reply, "f") == "def f(x):\n    return x\n"
    assert extract_code("```python\ndef f(x):\n    return", "f") == "def f(x):\n    return"
    assert extract_code("def f(x): return x", "f") == "def f(x): return x"


# ---------- the code runner -------------------------------------------------------------------


def test_the_runner_kills_an_infinite_loop_at_the_timeout() -> None:
    run = run_python("def f():\n    while True:\n        pass", "f()", timeout_s=1.0)
    assert run.timed_out and not run.passed and run.returncode is None
    assert 1.0 <= run.seconds < 5.0


def test_the_runner_refuses_network_and_new_processes() -> None:
    network = "import socket\nsocket.create_connection(('127.0.0.1', 9), timeout=1)"
    run = run_python(network)
    assert not run.passed and "blocks socket" in run.output
    run = run_python("import subprocess\nsubprocess.run(['true'])")
    assert not run.passed and "blocks subprocess.Popen" in run.output


def test_the_runner_is_isolated_and_truncates_output() -> None:
    probe = "import os, sys\nassert sys.flags.isolated and os.listdir('.') == ['program.py']"
    assert run_python(probe, "assert 'PYTHONPATH' not in os.environ").passed
    run = run_python("for i in range(50_000):\n    print('line', i)")
    assert run.passed and len(run.output) <= OUTPUT_CHARS and run.output.endswith("line 49999\n")


# ---------- the real model --------------------------------------------------------------------


@pytest.mark.extended
def test_real_smollm2_makes_valid_tool_calls_through_llamacpp() -> None:
    """The 135M model is often wrong, but the grammar makes every tool call well-formed.

    ``extended`` (20 s of CPU): the default run keeps the same grammar on the same model in
    ``test_llm_llamacpp.py::test_tool_calls_are_valid_by_construction``; this is the suite's
    path around it."""
    from m4_genai.llm.llamacpp_backend import LlamaCppChatModel

    model = LlamaCppChatModel("smollm2-135m")
    items = [i for i in load_suite("dev") if i.kind in ("tool", "abstain", "math")][:5]
    result = run_suite(model, items)
    tools = [r for r in result.items if r.kind == "tool"]
    assert len(tools) == 2 and all(r.valid for r in tools), [r.why for r in tools]
    assert all(r.completion_tokens > 0 and r.seconds > 0 for r in result.items)
    assert result.model == "smollm2-135m" and 0.0 <= result.accuracy <= 1.0
