"""The word-ladder text task (checker, puzzles, parts) and the tree-of-thoughts command's run()."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from m4_genai.llm import ScriptedChatModel
from m6_advanced.cli.tree_of_thoughts import TreeOfThoughtsConfig, run
from m6_advanced.planning import tot_ladder
from m6_advanced.planning.tot_experiment import Method, evaluate_method
from m6_advanced.planning.tot_ladder import Ladder, check_ladder, ladder_puzzles
from roadmap_data.errors import ConfigError
from roadmap_data.runkit import save_metrics

COLD_WARM = Ladder("cold", "warm", 4)


def test_dictionary_is_the_shipped_word_list() -> None:
    words = tot_ladder.dictionary()
    assert len(words) == 732 and {"cold", "cord", "word", "ward", "warm"} <= words
    assert all(len(w) == 4 and w.isalpha() for w in words)


@pytest.mark.parametrize(
    ("answer", "ok"),
    [
        ("cold cord word ward warm", True),
        ("COLD CORD WORD WARD WARM", True),
        ("cold cord ward warm", False),  # cord → ward changes two letters
        ("cold cord word ward", False),  # does not reach the target
        ("bold cord word ward warm", False),  # wrong start
        ("cold cord wxrd ward warm", False),  # not a word
        ("cold", False),
        ("cold cord word cord word ward warm wart warm", False),  # longer than MAX_STEPS
    ],
)
def test_checker(answer: str, ok: bool) -> None:
    assert check_ladder(COLD_WARM, answer) is ok


def test_puzzles_are_seeded_disjoint_and_solvable() -> None:
    test, dev = ladder_puzzles("test"), ladder_puzzles("dev")
    assert (len(test), len(dev)) == (tot_ladder.TEST_SIZE, tot_ladder.DEV_SIZE)
    assert test[0] == Ladder("dote", "wage", 4) and test == ladder_puzzles("test")
    assert not {p.id for p in test} & {p.id for p in dev}
    assert all(3 <= p.shortest <= 5 for p in test + dev)


def test_exact_search_finds_checked_ladders() -> None:
    summary = evaluate_method(Method("ladder", "dfs", max_nodes=30), ladder_puzzles("dev", 10))
    assert summary.solved_rate == 1.0
    assert all(check_ladder(p, o.answer or "") for p, o in
               zip(ladder_puzzles("dev", 10), summary.outcomes, strict=True))  # fmt: skip


def test_llm_proposer_keeps_only_dictionary_words_one_letter_away() -> None:
    model = ScriptedChatModel(["cord\nbold\nwarm\ncolt\nxold\ncold\nCORD"])
    proposer = tot_ladder.LLMProposer(model)
    children = proposer.propose(tot_ladder.root(COLD_WARM))
    assert [tot_ladder.answer_of(c) for c in children] == ["cold cord", "cold bold"]
    # warm (two letters), colt (not in the dictionary), xold, cold (already used)
    assert proposer.rejected_steps == 4 and proposer.model_calls == 1


def test_llm_evaluator_reads_the_word_and_caches() -> None:
    model = ScriptedChatModel(["likely, it is close"])
    evaluator = tot_ladder.LLMEvaluator(model)
    child = tot_ladder.extend(tot_ladder.root(COLD_WARM), "cord")
    assert evaluator.evaluate(child) == 1.0 == evaluator.evaluate(child)
    assert model.calls[0][-1]["content"].endswith("cord -> warm in 5:")


def test_run_tiny_writes_metrics(tmp_path: Path) -> None:
    config = TreeOfThoughtsConfig.preset("tiny", out=tmp_path)
    result = run(config)
    assert result.summary.n == 5 and result.summary.solved_rate == 1.0
    metrics = json.loads(save_metrics(result, config, tmp_path).read_text())
    assert metrics["config"]["task"] == "game24" and len(metrics["outcomes"]) == 5


def test_config_rejects_bad_values() -> None:
    with pytest.raises(ConfigError):
        TreeOfThoughtsConfig.preset("tiny", breadth=0)
    with pytest.raises(ConfigError):
        TreeOfThoughtsConfig.preset("tiny", task="ladder", search="io")
