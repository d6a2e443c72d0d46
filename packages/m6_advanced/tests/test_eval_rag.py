"""eval-rag end to end on the tiny preset, the held-out choice, the reports and the gate.

The tiny run indexes two real reference sections with the deterministic bag-of-words embedder
(no model load) and answers with month 4's extractive reader, so it takes about a second.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace

import pytest

from m6_advanced.cli.eval_rag import main
from m6_advanced.errors import BaselineError
from m6_advanced.evaluation import runner
from m6_advanced.evaluation.gate import Baseline, compare, read_baseline
from m6_advanced.evaluation.report import write_reports
from m6_advanced.evaluation.results import ABSTENTION, EvalResult, Row
from m6_advanced.evaluation.runner import EvalRagConfig, check_gate, choose_setup, run
from m6_advanced.evaluation.setups import RagSetup
from m6_advanced.hashing_embedder import BagOfWordsEmbedder


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> EvalResult:
    out = tmp_path_factory.mktemp("eval-rag")
    config = EvalRagConfig.preset("tiny", out=out, index_dir=out / "indexes")
    return run(config, embedder=BagOfWordsEmbedder(), progress=False)


def test_tiny_run_answers_every_question_with_every_setup(tiny: EvalResult) -> None:
    assert [s.name for s in tiny.setups] == ["bm25-k3", "dense-k3"]
    assert len(tiny.rows) == 2 * 4  # 2 setups x (2 dev + 2 test)
    assert {(r.split, r.config) for r in tiny.rows} == {
        (split, name) for split in ("dev", "test") for name in ("bm25-k3", "dense-k3")
    }
    assert tiny.chosen_on == "dev" and tiny.report_split == "test"
    assert tiny.reader == "scripted-extractive" and "not RAGAS" in tiny.judge
    for row in tiny.rows:
        assert set(row.scores) == {"faithfulness", "answer_relevancy", "context_precision",
                                   "context_recall", ABSTENTION}  # fmt: skip
        values = [v for v in row.scores.values() if not math.isnan(v)]
        assert all(0.0 <= v <= 1.0 for v in values)
        if not row.item.answerable:  # no reference to retrieve for: undefined, not zero
            assert math.isnan(row.scores["context_recall"])
    # the index cache holds the two cited sections' chunks, one index for the one chunk setting
    assert list(tiny.index_chunks) == ["c1000-o150"] and tiny.index_chunks["c1000-o150"] >= 2


def test_metrics_json_is_strict_json_and_names_the_gate_block(tiny: EvalResult) -> None:
    metrics = json.loads(json.dumps(tiny.metrics(), allow_nan=False))  # NaN written as null
    assert metrics["chosen"] == tiny.chosen and metrics["questions"] == {"dev": 2, "test": 2}
    assert metrics["gate"]["config"] == tiny.chosen and metrics["gate"]["split"] == "test"
    # what the numbers were measured on, so a later --baseline can refuse another golden set
    assert metrics["gate"]["golden"] == "pydoc" and metrics["gate"]["limit"] is None
    assert metrics["gate"]["judge"] == tiny.judge


def test_run_chooses_on_dev_when_test_ranks_the_setups_the_other_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dev ranks dense-k3 first, test ranks bm25-k3 (listed first) first: run() must keep
    dense-k3. Choosing on test, on both splits pooled, or taking the first setup would fail."""
    recall = {("dev", "bm25-k3"): 0.2, ("dev", "dense-k3"): 0.8,
              ("test", "bm25-k3"): 1.0, ("test", "dense-k3"): 0.0}  # fmt: skip

    def answers(split: str, setup: RagSetup, items: list, *_: object) -> list[Row]:
        score = {"context_recall": recall[split, setup.name]}
        return [Row(split, setup.name, item, "", [], [], score, 0.0) for item in items]

    monkeypatch.setattr(runner, "build_index", lambda *_: SimpleNamespace(count=lambda: 0))
    monkeypatch.setattr(runner, "answer_setup", answers)
    config = EvalRagConfig.preset("tiny", out=tmp_path, index_dir=tmp_path)
    result = run(config, embedder=BagOfWordsEmbedder(), progress=False)
    assert result.chosen == "dense-k3" and result.chosen_on == "dev"
    assert result.means("test", "bm25-k3")["context_recall"] == 1.0  # test only reports


def test_choose_setup_breaks_ties_and_nan() -> None:
    nan_first = {
        "A": {"context_recall": {"mean": math.nan}},
        "B": {"context_recall": {"mean": 0.1}},
    }
    assert choose_setup(nan_first, "context_recall") == "B"
    tie = {"A": {"faithfulness": {"mean": 0.5}}, "B": {"faithfulness": {"mean": 0.5}}}
    assert choose_setup(tie, "faithfulness") == "A"


def _summary(mean: float) -> dict[str, dict[str, float]]:
    return {"context_recall": {"mean": mean, "n": 3, "n_nan": 0}}


def test_report_marks_the_dev_choice_on_the_test_table(tmp_path: Path) -> None:
    result = EvalResult(
        EvalRagConfig.preset("tiny", out=tmp_path), [RagSetup(name="A"), RagSetup(name="B")], [],
        {"dev": {"A": _summary(0.8), "B": _summary(0.6)},
         "test": {"A": _summary(0.5), "B": _summary(0.9)}},
        chosen="A", chosen_on="dev", reader="reader-x", judge="judge-y", seconds=1.0,
    )  # fmt: skip
    paths = write_reports(result, tmp_path)
    markdown = paths["md"].read_text()
    test_table = markdown.split("test split: held out")[1].split("##")[0]
    assert "| A ★ | – (n=0, nan=0)" in test_table  # a metric this run lacks: shown as –
    assert "0.500 (n=3, nan=0)" in test_table and "0.900 (n=3, nan=0)" in test_table
    assert "dev split: used to choose the setup" in markdown and "reader-x" in markdown


def test_reports_are_written_and_self_contained(tiny: EvalResult, tmp_path: Path) -> None:
    paths = write_reports(tiny, tmp_path)
    page = paths["html"].read_text()
    assert "http" not in page.lower() and 'src="data:image/png;base64,' in page
    assert paths["chart"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rows = [json.loads(line) for line in paths["rows"].read_text().splitlines()]
    assert len(rows) == len(tiny.rows) and {"answer", "scores", "sources"} <= set(rows[0])
    assert "test split: held out" in paths["md"].read_text()


def test_gate_fails_beyond_tolerance_and_passes_within() -> None:
    baseline = Baseline("A", "test", {"faithfulness": 0.80, "context_recall": 0.70})
    within = compare({"faithfulness": 0.76, "context_recall": 0.65}, baseline, "A", 0.05)
    assert not within.failed  # 0.70 → 0.65 is exactly the tolerance: allowed
    beyond = compare({"faithfulness": 0.90, "context_recall": 0.64}, baseline, "A", 0.05)
    assert beyond.failed and [r["metric"] for r in beyond.regressions] == ["context_recall"]
    with pytest.raises(BaselineError, match="context_recall"):
        compare({"faithfulness": 0.9}, baseline, "A")
    with pytest.raises(BaselineError, match="undefined"):
        compare({"faithfulness": 0.9, "context_recall": math.nan}, baseline, "A")


def test_gate_on_a_run_reads_a_previous_metrics_json(tiny: EvalResult, tmp_path: Path) -> None:
    previous = tmp_path / "metrics.json"
    previous.write_text(json.dumps(tiny.metrics()))
    same = read_baseline(previous)
    assert not check_gate(tiny, same).failed  # a run never regresses against itself
    lowest = min(same.metrics, key=same.metrics.__getitem__)
    higher = Baseline(same.config, "test", {lowest: same.metrics[lowest] + 0.2})
    gate = check_gate(tiny, higher)
    assert gate.failed and gate.regressions[0]["metric"] == lowest
    # a hand-written baseline (no setup, split or golden set): the chosen setup, headline split
    previous.write_text(json.dumps({"metrics": {lowest: same.metrics[lowest]}}))
    hand = check_gate(tiny, read_baseline(previous))
    assert not hand.failed and (hand.config, hand.split) == (tiny.chosen, "test")


def test_a_baseline_for_another_golden_set_or_split_is_refused(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    block = {"config": "bm25-k3", "split": "test", "metrics": {"faithfulness": 0.5}}
    baseline.write_text(json.dumps({"gate": {**block, "golden": "contracts"}}))
    config = EvalRagConfig.preset("tiny", out=tmp_path, baseline=baseline)
    with pytest.raises(BaselineError, match="golden set 'contracts', this run uses 'pydoc'"):
        run(config, embedder=BagOfWordsEmbedder(), progress=False)
    baseline.write_text(json.dumps({"gate": {**block, "golden": "pydoc"}}))
    dev_only = EvalRagConfig.preset("tiny", out=tmp_path, baseline=baseline, split="dev")
    with pytest.raises(BaselineError, match="for the test split, this run has only dev"):
        run(dev_only, embedder=BagOfWordsEmbedder(), progress=False)


def test_bad_baseline_files_are_clear_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    # NaN, Infinity or true would pass any gate (now - nan < -tol is False): refused
    for value in ('"high"', "NaN", "Infinity", "true", "1.5", "-0.1"):
        bad.write_text(f'{{"metrics": {{"faithfulness": {value}, "context_recall": 0.5}}}}')
        with pytest.raises(BaselineError, match=r"faithfulness must be finite numbers in \[0, 1\]"):
            read_baseline(bad)
    bad.write_text('{"split": "train", "metrics": {"faithfulness": 1}}')
    with pytest.raises(BaselineError, match="split must be 'dev' or 'test'"):
        read_baseline(bad)
    bad.write_bytes('{"metrics": {"fidélité": 0.5}}'.encode("latin-1"))
    with pytest.raises(BaselineError, match="not UTF-8"):
        read_baseline(bad)
    bad.write_text("[1, 2]")
    with pytest.raises(BaselineError, match="expected"):
        read_baseline(bad)
    with pytest.raises(BaselineError, match="not found"):
        read_baseline(tmp_path / "missing.json")


def test_cli_user_errors_exit_2_not_the_gates_1(tmp_path: Path, capsys) -> None:
    code = main(["--smoke", "--out", str(tmp_path), "--baseline", str(tmp_path / "none.json")])
    assert code == 2 and "baseline" in capsys.readouterr().err
    assert main(["--smoke", "--out", str(tmp_path), "--config", "x:k=0"]) == 2
    assert "k must be at least 1" in capsys.readouterr().err
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"metrics": {"fidélité": 0.5}}'.encode("latin-1"))
    assert main(["--smoke", "--out", str(tmp_path), "--baseline", str(latin)]) == 2
    assert f"error: baseline {latin}: not UTF-8" in capsys.readouterr().err


def test_scripted_reader_ignores_the_real_models_flags() -> None:
    """``--threads 1`` is for llama.cpp: the extractive reader must not be handed it."""
    from m6_advanced.evaluation.readers import ReaderCache

    readers = ReaderCache(EvalRagConfig.preset("tiny"), None, {"threads": 1, "model": "x"})
    reader = readers.get(RagSetup(name="a"))
    assert reader.name == "scripted-extractive" and readers.get(RagSetup(name="b")) is reader


def test_a_baseline_for_a_setup_the_run_lacks_is_an_error(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"config": "hybrid-k5", "metrics": {"faithfulness": 0.5}}))
    config = EvalRagConfig.preset("tiny", out=tmp_path, baseline=baseline)
    with pytest.raises(BaselineError, match="--config hybrid-k5"):
        run(config, embedder=BagOfWordsEmbedder(), progress=False)
