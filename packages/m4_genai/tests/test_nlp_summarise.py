"""Summarisation: PageRank against networkx, TextRank on a constructed text and on the real set,
prose splitting, ROUGE, the abstractive prompt through a scripted model, and the CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from m4_genai.cli.summarise import SummariseConfig, main, run
from m4_genai.errors import GenAIError
from m4_genai.golden.scoring import bootstrap_ci
from m4_genai.llm import ScriptedChatModel
from m4_genai.nlp.summarise import (
    WordEmbedder,
    abstractive,
    clean_summary,
    lead,
    pagerank,
    position_prior,
    prose_sentences,
    rouge,
    textrank,
    textrank_scores,
    top_sentences,
)
from m4_genai.nlp.summary_eval import load_summary_set, mean_scores


def test_pagerank_agrees_with_networkx_plain_and_personalised() -> None:
    nx = pytest.importorskip("networkx")
    rng = np.random.default_rng(0)
    weights = rng.random((7, 7)) * (rng.random((7, 7)) > 0.4)  # sparse, directed, weighted
    np.fill_diagonal(weights, 0.0)
    weights[3] = 0.0  # a dangling node: its walker jumps anywhere
    graph = nx.from_numpy_array(weights, create_using=nx.DiGraph)
    reference = nx.pagerank(graph, alpha=0.85, weight="weight", tol=1e-12, max_iter=1000)
    ours = pagerank(weights, 0.85)
    assert ours.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(ours, [reference[i] for i in range(7)], atol=1e-6)
    # Personalised: jumps follow the position prior. networkx sends a dangling node's walker
    # along the prior too, ours spreads it uniformly, so compare on a graph without one.
    weights[3, 0] = 1.0
    graph = nx.from_numpy_array(weights, create_using=nx.DiGraph)
    prior = position_prior(7, 1.0)
    personal = dict(enumerate(prior / prior.sum()))
    reference = nx.pagerank(graph, 0.85, personal, tol=1e-12, max_iter=1000, weight="weight")
    np.testing.assert_allclose(
        pagerank(weights, 0.85, prior), [reference[i] for i in range(7)], atol=1e-6
    )


def test_the_hub_of_a_star_ranks_first() -> None:
    star = np.zeros((5, 5))
    star[0, 1:] = star[1:, 0] = 1.0
    scores = pagerank(star)
    assert scores.argmax() == 0 and scores[0] > 2 * scores[1]


CENTRAL = [
    "A Python list is a mutable sequence that stores items in order.",
    "Lists in Python can grow and shrink, and their items can be changed in place.",
    "You can append items to a Python list or remove them, because lists are mutable.",
]
TEXT = [
    "The weather in Lisbon was sunny and warm last weekend.",
    CENTRAL[0],
    "My grandmother bakes bread with rye flour every Sunday.",
    CENTRAL[1],
    "The football match ended in a goalless draw.",
    CENTRAL[2],
]


def test_textrank_picks_the_central_sentences_in_text_order() -> None:
    scores = textrank_scores(TEXT)
    assert set(np.argsort(-scores)[:3]) == {1, 3, 5}, scores
    assert textrank(TEXT, 2) in ([CENTRAL[0], CENTRAL[1]], [CENTRAL[0], CENTRAL[2]],
                                 [CENTRAL[1], CENTRAL[2]])  # fmt: skip
    assert lead(TEXT, 2) == TEXT[:2]
    assert top_sentences(["a", "b", "c"], np.array([0.1, 0.5, 0.5]), 2) == ["b", "c"]


def test_word_textrank_finds_the_same_centre_without_a_model() -> None:
    """Hashed word overlap (the original TextRank's similarity, what --smoke uses): unit rows,
    cosine 1 for the same words, 0 for none shared, and the same central sentences here."""
    embedder = WordEmbedder()
    vectors = embedder.embed(["Lists are mutable.", "lists ARE mutable", "Bread and flour."])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)
    assert vectors[0] @ vectors[1] == pytest.approx(1.0) and vectors[0] @ vectors[2] == 0.0
    scores = textrank_scores(TEXT, embedder)
    assert set(np.argsort(-scores)[:3]) == {1, 3, 5}, scores


def test_prose_sentences_skip_code_and_grammar_and_split_sentences() -> None:
    text = (
        'The "pass" statement\n********************\n\n   pass_stmt ::= "pass"\n\n'
        '"pass" is a null operation. Nothing happens when it is executed, e.g. in a loop.\n'
        "It is use-\nful as a placeholder. [1]\n\n   def f(arg): pass    # a function\n\n"
        "1. A numbered item that is prose too.\n"
    )
    assert prose_sentences(text) == [
        '"pass" is a null operation.',
        "Nothing happens when it is executed, e.g. in a loop.",
        "It is use-ful as a placeholder.",
        "A numbered item that is prose too.",
    ]


def test_rouge_of_a_reference_against_itself_is_one_and_disjoint_is_zero() -> None:
    reference = "The with statement wraps a block with the methods of a context manager."
    assert rouge(reference, reference) == pytest.approx(
        {"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0}
    )
    assert rouge("bread flour oven", reference) == {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    assert rouge("context managers wrap blocks", reference)["rouge1"] > 0.3  # stemmed matches


def test_abstractive_prompts_the_model_and_cleans_its_reply() -> None:
    model = ScriptedChatModel(["Summary:\n- Assert checks a condition.\n- It can be disabled."])
    summary = abstractive("The assert statement checks a condition.", model, sentences=2)
    assert summary == "Assert checks a condition. It can be disabled."
    system, user = model.calls[0]
    assert "at most 2 sentences" in system["content"]
    assert "The assert statement checks a condition." in user["content"]
    assert clean_summary("**Summary:** One. Two.") == "One. Two."
    with pytest.raises(GenAIError, match="empty summary"):
        abstractive("text", ScriptedChatModel(["  "]))


def test_the_set_is_split_and_references_are_real() -> None:
    dev, test = load_summary_set("dev"), load_summary_set("test")
    assert (len(dev), len(test)) == (6, 10)
    assert not {d.topic for d in dev} & {d.topic for d in test}
    assert all(len(doc.sentences) >= 4 and len(doc.reference.split()) >= 25 for doc in dev + test)
    with pytest.raises(GenAIError, match="unknown split"):
        load_summary_set("train")


def test_centrality_beats_its_opposite_on_the_real_dev_set() -> None:
    """On real text, the most central sentences match the hand-written summaries better than
    the least central ones, and clear a floor (dev ROUGE-L ≈ 0.33 for k = 3 when written)."""
    dev = load_summary_set("dev")
    best, worst = [], []
    for doc in dev:
        scores = textrank_scores(doc.sentences)
        best.append(rouge(" ".join(top_sentences(doc.sentences, scores, 3)), doc.reference))
        worst.append(rouge(" ".join(top_sentences(doc.sentences, -scores, 3)), doc.reference))
    assert mean_scores(best)["rougeL"] >= 0.28
    assert mean_scores(best)["rouge1"] > mean_scores(worst)["rouge1"] + 0.05


def test_bootstrap_interval_brackets_the_mean() -> None:
    values = [0.2, 0.3, 0.25, 0.4, 0.35]
    low, high = bootstrap_ci(values)
    assert low < np.mean(values) < high and high - low < 0.2


def test_run_tunes_on_dev_and_reports_test() -> None:
    config = SummariseConfig.preset("tiny", methods=("lead", "llm"), llm_sizes=(1, 2))
    model = ScriptedChatModel([lambda messages: "A summary written by the model."] * 6)
    result = run(config, model)
    assert set(result.test) == {"lead", "llm"} and result.n_dev == 2
    assert result.chosen["lead"] in (1, 2) and set(result.dev_means["llm"]) == {1, 2}
    metrics = result.metrics()
    assert metrics["n_test"] == 2 and 0 < metrics["test"]["lead"]["rouge1"] <= 1
    assert len(model.calls) == 6  # 2 dev documents at two sizes, then 2 test documents
    # One size leaves nothing to tune: the dev documents are not summarised at all.
    model = ScriptedChatModel([lambda messages: "A summary."] * 2)
    run(config.replace(methods=("llm",), llm_sizes=(3,)), model)
    assert len(model.calls) == 2 and "at most 3 sentences" in model.calls[0][0]["content"]


def test_cli_summarises_a_file_and_rejects_a_missing_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(" ".join(TEXT), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["--file", str(path), "--methods", "lead", "--size", "1", "--out", str(out)]) == 0
    assert (out / "metrics.json").is_file()
    assert "lead: The weather in Lisbon" in capsys.readouterr().out
    assert main(["--file", str(tmp_path / "nope.txt"), "--methods", "lead", "--out", str(out)]) == 2
    assert "error:" in capsys.readouterr().err
