"""Importance rating and reflection, driven by scripted models through the real interface."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from m4_genai.llm import ScriptedChatModel
from m6_advanced.memory import (
    IMPORTANCE_PROMPT,
    AgentMemory,
    HashingEmbedder,
    HeuristicImportanceRater,
    ImportanceError,
    LLMImportanceRater,
    MemoryStream,
    Reflector,
)
from m6_advanced.memory.reflection import (
    Insights,
    Questions,
    capped_schema,
    split_citation,
    valid_citations,
)
from m6_advanced.memory.scripted import KeywordReflectionModel

T0 = datetime(2026, 3, 10, 9, 0)


def questions(*texts: str) -> str:
    return json.dumps({"questions": list(texts)})


def insights(*pairs: tuple[str, list[int]]) -> str:
    return json.dumps({"insights": [{"insight": t, "because_of": ids} for t, ids in pairs]})


@pytest.mark.parametrize(
    ("reply", "rating"),
    [('{"rating": 7}', 7), ('{"rating": 1}', 1), ('{"rating": 0}', 1), ('{"rating": 11}', 10),
     ('{"rating": -3}', 1)],
)  # fmt: skip
def test_importance_is_read_and_clamped_to_1_10(reply: str, rating: int) -> None:
    model = ScriptedChatModel([reply])
    assert LLMImportanceRater(model).rate("Tom was promoted") == rating
    prompt = model.calls[0][0]["content"]
    assert prompt.startswith("On the scale of 1 to 10, where 1 is purely mundane")
    assert "Memory: Tom was promoted\nRating: <fill in>" in prompt
    assert IMPORTANCE_PROMPT.format(memory="Tom was promoted") in prompt


@pytest.mark.parametrize("reply", ["seven", '{"rating": 7.5}', '{"rating": "7"}', '{"score": 7}'])
def test_a_reply_without_an_integer_rating_is_a_clear_error(reply: str) -> None:
    with pytest.raises(ImportanceError, match="no importance rating for 'Tom"):
        LLMImportanceRater(ScriptedChatModel([reply])).rate("Tom was promoted")


def test_heuristic_rater_orders_the_papers_anchors() -> None:
    rater = HeuristicImportanceRater()
    assert rater.rate("Maya brushed her teeth") < rater.rate("Production alert: outage")
    assert rater.rate("Maya brushed her teeth") == rater.rate("Maya brushed her teeth")


def test_citations_are_parsed_inline_and_checked() -> None:
    assert split_citation("Maya is busy (because of 1, 5, 3).") == ("Maya is busy", [1, 5, 3])
    assert split_citation("no citation") == ("no citation", [])
    assert valid_citations([4, 99, 4, 2, -1], shown={2, 4}) == ([4, 2], 2)


def test_the_grammar_caps_list_lengths_and_requires_citations() -> None:
    questions_schema = capped_schema(Questions, "questions", 3)["properties"]["questions"]
    assert (questions_schema["minItems"], questions_schema["maxItems"]) == (1, 3)
    insights_schema = capped_schema(Insights, "insights", 5)
    assert insights_schema["properties"]["insights"]["maxItems"] == 5
    assert insights_schema["$defs"]["Insight"]["required"] == ["insight", "because_of"]


def memory_with(model: ScriptedChatModel, threshold: int) -> AgentMemory:
    rater = HeuristicImportanceRater()
    reflector = Reflector(model, rater, agent="Maya", insights_per_question=5, evidence_k=3)
    return AgentMemory(MemoryStream(HashingEmbedder()), rater, reflector, threshold)


def test_reflection_runs_exactly_when_the_threshold_is_reached() -> None:
    """Importances 4, 4, 1 (sum 9 < 10): no call. The fourth (2) brings 11 >= 10: one round,
    at that observation's time; the sum starts again, so 4 + 4 more do not reflect again."""
    model = ScriptedChatModel(
        [questions("What is Maya working on?"), insights(("Maya fixes bugs", [0, 1]))]
    )
    memory = memory_with(model, threshold=10)
    texts = ["bug one found", "bug two found", "coffee", "bug three", "bug four", "bug five"]
    results = [
        memory.observe(text, T0 + timedelta(minutes=10 * i), importance)
        for i, (text, importance) in enumerate(zip(texts, [4, 4, 1, 2, 4, 4], strict=True))
    ]
    assert [r.reflection is not None for r in results] == [False, False, False, True, False, False]
    assert len(model.calls) == 2 and memory.pending_importance == 8
    round_ = results[3].reflection
    assert round_ is not None and round_.time == T0 + timedelta(minutes=30)
    assert round_.questions == ["What is Maya working on?"]
    [reflection] = round_.reflections
    assert (reflection.kind, reflection.text, reflection.evidence) == (
        "reflection", "Maya fixes bugs", (0, 1),
    )  # fmt: skip
    # The question prompt lists the recent memories; the insight prompt numbers them by id.
    assert "bug three" in model.calls[0][0]["content"]
    assert "Statements about Maya" in model.calls[1][0]["content"]
    assert "(example format: insight (because of 1, 5, 3))" in model.calls[1][0]["content"]


def test_invented_citations_are_dropped_not_fatal() -> None:
    """Shown ids are those retrieved (evidence_k=3 of 0..3). 99 is dropped from the first
    insight; the second cites only invented ids and is dropped; the third cites inline."""
    model = ScriptedChatModel(
        [
            questions("What went wrong?"),
            insights(
                ("Production is fragile", [1, 99]),
                ("Maya is a wizard", [42, 77]),
                ("Deploys need review (because of 2, 3)", []),
            ),
        ]
    )
    memory = memory_with(model, threshold=12)
    for i, text in enumerate(["deploy broke production", "deploy rolled back", "deploy reviewed",
                              "production deploy fixed"]):  # fmt: skip
        memory.observe(text, T0 + timedelta(minutes=i), importance=3)
    [round_] = memory.rounds
    shown = {int(line.split(".")[0]) for line in model.calls[1][0]["content"].splitlines()[1:4]}
    assert [(m.text, m.evidence) for m in round_.reflections] == [
        ("Production is fragile", (1,)),
        ("Deploys need review", (2, 3)),
    ]
    assert {1, 2, 3} <= shown
    assert (round_.dropped_citations, round_.dropped_insights) == (3, 1)
    assert all(i < m.id for m in round_.reflections for i in m.evidence)


def test_an_unreadable_reply_is_recorded_and_the_day_goes_on() -> None:
    model = ScriptedChatModel([questions("Q1?", "Q2?"), "not json", insights(("ok", [0]))])
    memory = memory_with(model, threshold=3)
    observed = memory.observe("a thing happened", T0, importance=5)
    round_ = observed.reflection
    assert round_ is not None and len(round_.failures) == 1 and "Q1?" in round_.failures[0]
    assert [m.text for m in round_.reflections] == ["ok"]


def test_keyword_stand_in_writes_valid_cited_reflections() -> None:
    rater = HeuristicImportanceRater()
    memory = AgentMemory(
        MemoryStream(HashingEmbedder()), rater, Reflector(KeywordReflectionModel(), rater), 20
    )
    for i, text in enumerate(["checkout incident call", "checkout rollback", "checkout fixed",
                              "lunch with Priya", "incident postmortem written"]):  # fmt: skip
        memory.observe(text, T0 + timedelta(minutes=i), importance=5)
    [round_] = memory.rounds
    assert len(round_.questions) == 3 and round_.reflections
    assert any("checkout" in m.text for m in round_.reflections)
    for reflection in round_.reflections:
        assert reflection.evidence and all(i < reflection.id for i in reflection.evidence)
