"""The pytest helpers for LLM apps (``m4_genai.golden.llm_asserts``): each passes on a good answer
and fails on a bad one with a message that names what was missing."""

from __future__ import annotations

import pytest

from m4_genai.golden.llm_asserts import (
    assert_cites,
    assert_contains_facts,
    assert_excludes,
    assert_stable,
    assert_valid_json,
    assert_within_tokens,
    cited_numbers,
    normalise,
)
from m6_advanced.evaluation.judges import Claims, LLMJudge, Support
from m6_advanced.evaluation.labelled import LabelOracle, load_cases

ANSWER = (
    "Either party may terminate on 30 days' written notice [2]. Late fees: 1.5% per month [1, 3]."
)


def test_cited_numbers_reads_every_citation_style():
    assert cited_numbers("a [1] b [2, 3] c [4][5] d [6; 7]") == {1, 2, 3, 4, 5, 6, 7}
    assert cited_numbers("no citation here, [x] either") == set()


def test_assert_cites_by_number_and_by_path():
    assert_cites(ANSWER, 2)
    assert_cites(ANSWER, "billing.md", sources=["[1] billing.md:4", "[2] terms.md:9"])
    with pytest.raises(AssertionError, match=r"does not cite \[4\] \(cites \[1, 2, 3\]\)"):
        assert_cites(ANSWER, 4)
    with pytest.raises(AssertionError, match=r"does not cite 'law.md' \(it is source \[4\]"):
        assert_cites(ANSWER, "law.md", sources=["a.md", "b.md", "c.md", "law.md"])
    with pytest.raises(AssertionError, match="not among the sources"):
        assert_cites(ANSWER, "nowhere.md", sources=["a.md"])


def test_facts_ignore_case_spacing_punctuation_and_number_format():
    assert normalise("  Thirty-Day   NOTICE, 1,000.50 EUR.") == "thirty day notice 1000.50 eur"
    assert_contains_facts(ANSWER, ["30 DAYS", "written   notice", "1.5% PER month"])
    assert_contains_facts("The fee is 1,000 pounds.", ["1000 pounds", ("GBP", "pounds")])
    with pytest.raises(AssertionError, match=r"misses 2 of 3 facts: \['60 days', \('England'"):
        assert_contains_facts(ANSWER, ["30 days", "60 days", ("England", "English law")])
    # whole words only: "3" is not found inside "30"
    with pytest.raises(AssertionError, match="misses 1 of 1"):
        assert_contains_facts("30 days", ["3 days"])


def test_numbers_are_not_rewritten_into_other_numbers():
    """Regressions: "3.10" once became "3.1" and "1,2" became "12", so these matched falsely."""
    assert normalise("Python 3.10, returns 1,2,3") == "python 3.10 returns 1 2 3"
    assert_excludes("Use Python 3.10 or later.", ["Python 3.1"])
    with pytest.raises(AssertionError, match=r"misses 1 of 1 facts: \['12'\]"):
        assert_contains_facts("returns 1,2", ["12"])
    assert_contains_facts("returns 1,2", ["1, 2"])  # the list itself is still found


def test_thousands_commas_are_dropped_only_in_real_thousands_groups():
    assert normalise("1,234,567 and 12,345.5") == "1234567 and 12345.5"
    assert normalise("1,234,56 and 1,23") == "1 234 56 and 1 23"  # not thousands groups
    assert_contains_facts("Revenue was 1,234,567 EUR.", ["1234567 eur", "1,234,567"])
    assert_excludes("Revenue was 1,234,567 EUR.", ["1234", "234,567"])


def test_a_fact_that_is_only_a_number_is_compared_by_value():
    assert_contains_facts("The total is $12.50 or 12.50 EUR.", ["12.5", "12.500", ("13", "12.50")])
    assert_contains_facts("Notice: 30.0 days.", ["30"])
    # whole numbers only: "3.1" is not in "13.1" or "3.1.2", and a phrase is compared as written
    assert_excludes("Versions 13.1 and 3.1.2; fee 12.50 EUR.", ["3.1", "12.5 EUR"])


def test_assert_excludes_names_the_hallucination():
    assert_excludes(ANSWER, ["Paris", "arbitration"])
    with pytest.raises(AssertionError, match=r"must not: \['30 days'\]"):
        assert_excludes(ANSWER, ["30 days", "Paris"])


SCHEMA = {
    "type": "object",
    "properties": {"supported": {"type": "boolean"}, "claims": {"type": "array"}},
    "required": ["supported"],
    "additionalProperties": False,
}


def test_assert_valid_json_checks_syntax_and_schema():
    assert assert_valid_json('{"supported": true}', SCHEMA) == {"supported": True}
    assert assert_valid_json('```json\n{"supported": false}\n```', SCHEMA) == {"supported": False}
    with pytest.raises(AssertionError, match="not valid JSON"):
        assert_valid_json('```json\n{"supported": false}\n```', SCHEMA, fenced=False)
    with pytest.raises(AssertionError, match=r"not valid JSON \(Expecting"):
        assert_valid_json('{"supported": tru', SCHEMA)
    with pytest.raises(AssertionError, match="at supported: 'yes' is not of type 'boolean'"):
        assert_valid_json('{"supported": "yes"}', SCHEMA)
    with pytest.raises(AssertionError, match=r"at \(root\): 'supported' is a required property"):
        assert_valid_json('{"claims": []}', SCHEMA)


class WhitespaceTokenizer:
    def encode(self, text: str) -> list[str]:
        return text.split()


def test_assert_within_tokens_with_the_default_count_a_function_or_a_tokenizer():
    assert assert_within_tokens("Lists are mutable.", 4) == 4  # 3 words + "."
    assert assert_within_tokens("a b c d e", 5, count=WhitespaceTokenizer()) == 5
    assert assert_within_tokens("abcdef", 2, count=lambda text: len(text) // 3) == 2
    with pytest.raises(AssertionError, match="is 5 tokens, 1 over the budget of 4"):
        assert_within_tokens("a b c d e", 4, count=WhitespaceTokenizer())


def test_assert_stable_same_answer_or_same_facts():
    assert_stable(lambda seed: "Lists are mutable." if seed else "lists are  MUTABLE", [0, 1, 2])
    replies = {0: "Thirty days [1].", 1: "30 days' notice [1].", 2: "Sixty days [1]."}
    with pytest.raises(AssertionError, match=r"seed 1 gave .*2 of 3 seeds differ"):
        assert_stable(replies.__getitem__, [0, 1, 2])
    assert_stable(replies.__getitem__, [0, 1], facts=[("30 days", "thirty days")])
    with pytest.raises(AssertionError, match=r"\{2: \[\('30 days', 'thirty days'\)\]\}"):
        assert_stable(replies.__getitem__, [0, 1, 2], facts=[("30 days", "thirty days")])


def test_the_labelled_judge_replies_are_schema_valid_and_the_prompts_fit_a_budget():
    """The helpers used on month 6's own code: the scripted judge's replies and our prompts."""
    case = next(c for c in load_cases("dev") if c.id == "py-walrus-partial")
    model = LabelOracle(case).model()
    judge = LLMJudge(model)
    judge.extract_claims(case.sample.question, case.sample.answer)
    judge.verify_claims(["The assignment expression uses :=."], case.sample.contexts)
    prompts = [call[-1]["content"] for call in model.calls]
    replies = [LabelOracle(case).reply(call) for call in model.calls]
    claims = assert_valid_json(replies[0], Claims.model_json_schema())["claims"]
    assert_contains_facts(" ".join(claims), ["Python 3.8", ":=", "Guido van Rossum"])
    assert_excludes(" ".join(claims), ["3.10", "PEP 572"])  # the answer never said them
    assert assert_valid_json(replies[1], Support.model_json_schema()) == {"supported": True}
    assert_contains_facts(prompts[1], ["[2] An assignment expression", "Claim: The assignment"])
    for prompt in prompts:
        assert_within_tokens(prompt, 250)
