"""The simulated day: its file, its replay (retrieval changing over time), the agreement figures,
and one real model rating importance with the paper's prompt."""

from __future__ import annotations

from pathlib import Path

import pytest

from m6_advanced.cli.memory_stream import MemoryStreamConfig, run
from m6_advanced.memory.day import agreement, average_ranks, load_day, spearman
from roadmap_data.errors import ConfigError


def test_day_file_is_ordered_labelled_and_split() -> None:
    day = load_day()
    assert 30 <= len(day.observations) <= 60 and len(day.queries) >= 5
    assert [o.time for o in day.observations] == sorted(o.time for o in day.observations)
    assert all(1 <= o.hand_importance <= 10 for o in day.observations)
    assert {o.split for o in day.observations} == {"dev", "test"}


def test_spearman_by_hand() -> None:
    """a = [1, 2, 2, 3] ranks [1, 2.5, 2.5, 4]; b = [1, 3, 2, 4]; centred, the dot product is
    4.5 and the norms² 4.5 and 5, so rho = 4.5 / sqrt(22.5) = 0.948683."""
    assert average_ranks([1, 2, 2, 3]).tolist() == [1, 2.5, 2.5, 4]
    assert spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(0.948683, abs=1e-6)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    day = load_day()
    perfect = agreement(day, [o.hand_importance for o in day.observations], "test")
    assert perfect["spearman"] == 1.0 and perfect["n"] == 20 + 10


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory: pytest.TempPathFactory):
    return run(MemoryStreamConfig.preset("tiny", out=tmp_path_factory.mktemp("memory")))


def top(run_, when: str, query: str):
    result = next(
        r for r in run_.replay.results if r.query.text == query and f"{r.query.time:%H:%M}" == when
    )
    return result.top


def test_the_same_question_ranks_different_memories_as_the_day_goes_on(smoke_run) -> None:
    """09:10: only Priya's birthday mentions congratulating. 17:10: Tom's promotion (16:30) is as
    relevant and rated more important, so it comes first; the birthday, refreshed when the 16:30
    reflection retrieved it as evidence, is still in the top k, below."""
    morning = top(smoke_run, "09:10", "Who should I congratulate?")
    evening = top(smoke_run, "17:10", "Who should I congratulate?")
    assert "Priya's birthday" in morning[0].memory.text
    assert "promoted" in evening[0].memory.text
    birthday = next(s for s in evening if "Priya's birthday" in s.memory.text)
    assert birthday.memory.last_accessed.strftime("%H:%M") == "17:10"  # this query refreshed it
    assert birthday.score < evening[0].score
    # The production question moves from the morning's customer bug to the afternoon's outage.
    assert "bug" in top(smoke_run, "09:50", "What is going wrong in production?")[0].memory.text
    afternoon = top(smoke_run, "15:10", "What is going wrong in production?")[0].memory.text
    assert "checkout" in afternoon


def test_smoke_run_reflects_with_valid_citations_and_reports(smoke_run) -> None:
    metrics = smoke_run.metrics()
    assert metrics["observations"] == 45 and len(metrics["queries"]) == 8
    assert metrics["reflection_rounds"] and metrics["reflections"] > 0
    ids = {m.id for m in smoke_run.memory.stream.memories}
    for round_ in metrics["reflection_rounds"]:
        for reflection in round_["reflections"]:
            assert reflection["evidence"] and set(reflection["evidence"]) <= ids
            assert max(reflection["evidence"]) < reflection["id"]
    assert metrics["importance_agreement"]["test"]["n"] == 30
    # Probes look without refreshing: one series per distinct question, one point per 30 min.
    assert len(smoke_run.replay.probes) == 4
    assert all(len(series) == 32 for series in smoke_run.replay.probes.values())


def test_config_is_validated(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="weights must be >= 0"):
        MemoryStreamConfig.preset("tiny", weights=(1.0, -1.0, 1.0))
    with pytest.raises(ConfigError, match="3 numbers"):
        MemoryStreamConfig.preset("tiny", weights=(1.0, 1.0))
    with pytest.raises(ConfigError, match="cannot rate importance"):
        MemoryStreamConfig.preset("tiny", importance="llm")


def test_hand_labels_and_weights_reach_the_stream(tmp_path: Path) -> None:
    config = MemoryStreamConfig.preset(
        "tiny", out=tmp_path, importance="hand", weights=(0.0, 0.0, 1.0), reflect=False
    )
    run_ = run(config)
    assert run_.replay.ratings == [o.hand_importance for o in run_.day.observations]
    assert run_.agreement is None and not run_.memory.rounds
    first = run_.replay.results[0].top[0]
    assert first.score == pytest.approx(first.relevance) == pytest.approx(1.0)


@pytest.mark.slow
def test_a_real_small_model_rates_with_the_papers_prompt() -> None:
    """SmolLM2-135M under the JSON grammar: always a readable integer in 1-10 (not a good one)."""
    from m4_genai.llm import load_chat_model
    from m6_advanced.memory import LLMImportanceRater

    rater = LLMImportanceRater(load_chat_model("local", model="smollm2-135m", threads=1, seed=0))
    assert 1 <= rater.rate("Maya was promoted to staff engineer.") <= 10
