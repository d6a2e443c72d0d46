"""The Contract-QA API end to end over HTTP (FastAPI's TestClient), on SQLite.

The flow itself lives in ``api_scenarios.py`` because ``test_api_postgres.py`` runs the same one
on PostgreSQL. The sample contracts are used where their content matters (the SaaS agreement's
renewal clause); everywhere else short contracts written by the tests keep embedding cheap.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

SAAS_NOTICE = "How many days notice do we need to give to stop the automatic renewal?"


def test_the_whole_flow_over_http(contract_qa: Any, scenarios: ModuleType) -> None:
    scenarios.core_flow(contract_qa)


@pytest.fixture(scope="module")
def samples_app(make_contract_qa: Any, support: ModuleType) -> tuple[Any, Any, dict, dict]:
    """One user with the SaaS agreement (PDF) and the NDA (DOCX): uploaded once per module."""
    app = make_contract_qa()
    user = app.signup("sam@example.com")
    saas = user.add("saas.pdf", (support.SAMPLES / "saas.pdf").read_bytes())
    nda = user.add("nda.docx", (support.SAMPLES / "nda.docx").read_bytes())
    return app, user, saas, nda


def test_samples_upload_with_their_clauses(
    samples_app: tuple[Any, Any, dict, dict], support: ModuleType
) -> None:
    app, user, saas, nda = samples_app
    assert (saas["kind"], nda["kind"]) == ("pdf", "docx")
    assert saas["pages"] >= 3 and nda["pages"] is None
    detail = user.get(f"/api/documents/{saas['id']}").json()
    assert len(detail["clauses"]) == saas["clauses_count"] >= 40
    renewal = [c for c in detail["clauses"] if c["number"] == "6.2"]
    assert len(renewal) == 1 and renewal[0]["heading"] == "Automatic Renewal"
    assert renewal[0]["page"] >= 1 and "renew" in renewal[0]["text"].lower()
    # the same bytes again: the same document, and nothing written twice
    before = (app.rows("documents"), app.rows("clauses"), app.chunks(user.id))
    again = user.upload("copy of saas.pdf", (support.SAMPLES / "saas.pdf").read_bytes())
    assert again.status_code == 200 and again.json()["id"] == saas["id"]
    assert (app.rows("documents"), app.rows("clauses"), app.chunks(user.id)) == before
    download = user.get(f"/api/documents/{nda['id']}/file")
    assert download.content == (support.SAMPLES / "nda.docx").read_bytes()
    assert download.headers["content-disposition"].startswith('attachment; filename="nda.docx"')


def test_a_notice_question_cites_the_saas_renewal_clause(
    samples_app: tuple[Any, Any, dict, dict],
) -> None:
    _, user, saas, nda = samples_app
    answer = user.ask(SAAS_NOTICE)
    assert answer["answered"] is True
    cited = [c for c in answer["citations"] if c["cited"]]
    assert cited, answer
    top = cited[0]
    assert (top["document_id"], top["document_name"]) == (saas["id"], "saas.pdf")
    assert (top["number"], top["heading"]) == ("6.2", "Automatic Renewal")
    assert top["page"] >= 1 and top["clause_id"]
    clause = user.get(f"/api/documents/{saas['id']}/clauses/{top['clause_id']}").json()
    assert clause["number"] == "6.2"
    assert " ".join(clause["text"].split()).startswith(top["excerpt"].lstrip("§")[:40])
    # the filter restricts the sources to the named documents
    only_nda = user.ask(SAAS_NOTICE, [nda["id"]])
    assert {c["document_id"] for c in only_nda["citations"]} <= {nda["id"]}
    assert all(c["document_name"] == "nda.docx" for c in only_nda["citations"])


def test_off_topic_questions_are_not_answered(samples_app: tuple[Any, Any, dict, dict]) -> None:
    _, user, _, _ = samples_app
    for question in ("What is the capital of France?", "Who won the football world cup in 2018?"):
        answer = user.ask(question)
        assert answer == answer | {"answered": False, "answer": "Not found in your contracts."}
        assert answer["citations"] == [] and answer["reason"]


def test_facts_and_deadline_of_the_saas_sample(samples_app: tuple[Any, Any, dict, dict]) -> None:
    _, user, saas, _ = samples_app
    body = user.get(f"/api/documents/{saas['id']}/facts").json()
    facts, sources = body["facts"], body["sources"]
    assert facts["effective_date"] == "2025-03-01" and facts["auto_renewal"]
    assert facts["notice_period"]["value"] > 0 and "New York" in facts["governing_law"]
    clauses = {c["id"]: c for c in user.get(f"/api/documents/{saas['id']}").json()["clauses"]}
    assert sources and set(sources.values()) <= set(clauses)  # each fact names a clause of saas
    deadline = user.post("/api/deadline", json={"document_id": saas["id"], "today": "2025-06-01"})
    assert deadline.status_code == 200, deadline.text
    result = deadline.json()
    assert result["last_day"] < result["term_end"] and result["passed"] is False


def test_a_new_user_has_nothing_and_cannot_ask_about_nothing(contract_qa: Any) -> None:
    user = contract_qa.signup("newcomer@example.com")
    assert user.get("/api/documents").json() == {"documents": []}
    answer = user.ask("What is the notice period?")
    assert answer["answered"] is False and answer["citations"] == []
    assert "not uploaded any contracts" in answer["reason"]
    missing = user.get("/api/documents/0123456789abcdef0123456789abcdef")
    assert missing.status_code == 404 and missing.json()["detail"]
