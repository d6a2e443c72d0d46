"""The whole flow of one user over HTTP, run on both databases.

``test_api.py`` runs it on SQLite, ``test_api_postgres.py`` on a real PostgreSQL server: the same
HTTP conversation must give the same answers on both. The IDOR matrix is in ``api_idor.py``.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any
from urllib.parse import quote

# Loaded by conftest.py just before this module (this folder is not a package).
from m5_contracts_tests_api_support import (  # type: ignore[import-not-found]
    ADMIN,
    PASSWORD,
    Account,
    ContractQA,
    contract_text,
    docx_bytes,
    pdf_bytes,
)

NOTICE_QUESTION = "How many days of notice are needed to stop the automatic renewal?"
OFF_TOPIC = "What is the boiling point of mercury on Mars?"
NOT_FOUND = "Not found in your contracts."


def refresh(app: ContractQA, token: str) -> Any:
    return app.client.post("/api/auth/refresh", json={"refresh_token": token})


def login(app: ContractQA, email: str, password: str = PASSWORD) -> Any:
    return app.client.post("/api/auth/login", json={"email": email, "password": password})


def auth_flow(app: ContractQA, email: str) -> Account:
    """Sign up, log in, who am I, refresh with rotation and reuse detection, log out."""
    user = app.signup(email)
    assert user.tokens["token_type"] == "bearer" and user.tokens["expires_in"] > 0
    assert user.tokens["user"]["email"] == email
    taken = app.client.post("/api/auth/signup", json={"email": email.upper(), "password": PASSWORD})
    assert taken.status_code == 409
    weak = app.client.post("/api/auth/signup", json={"email": f"x{email}", "password": "short"})
    assert weak.status_code == 422 and "at least" in weak.json()["detail"]

    wrong = login(app, email, "Wrong-pass-99")
    assert wrong.status_code == 401 and wrong.json()["detail"] == "wrong email or password"
    first = login(app, email).json()
    assert user.get("/api/me").json() == {"id": user.id, "email": email, "admin": False}

    rotated = refresh(app, first["refresh_token"])
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    me = app.client.get("/api/me", headers={"Authorization": f"Bearer {second['access_token']}"})
    assert me.status_code == 200 and me.json()["id"] == user.id
    reused = refresh(app, first["refresh_token"])  # a stolen copy of the old token
    assert reused.status_code == 401 and "reused" in reused.json()["detail"]
    assert refresh(app, second["refresh_token"]).status_code == 401  # the family is revoked

    third = {"refresh_token": login(app, email).json()["refresh_token"]}
    assert app.client.post("/api/auth/logout", json=third).status_code == 204
    assert refresh(app, third["refresh_token"]).status_code == 401
    assert app.client.post("/api/auth/logout", json=third).status_code == 204  # still logged out
    return user


def check_disposition(header: str, shown: str) -> None:
    """An attachment whose names cannot break out of the header or name a path."""
    assert header.startswith('attachment; filename="')
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback and all(c.isascii() and (c.isalnum() or c in "._-") for c in fallback)
    assert "\r" not in header and "\n" not in header and "/" not in header.split(";", 1)[1]
    assert header.endswith("filename*=UTF-8''" + quote(shown))  # the real name, encoded


def core_flow(app: ContractQA) -> None:
    """The product, as a client sees it over HTTP, from sign-up to traces and metrics."""
    alice = auth_flow(app, f"alice-{uuid.uuid4().hex[:6]}@example.com")
    v1 = contract_text("Alpha Orchards Ltd", "Bravo Grocers Inc", "fresh apples", 60, "Ohio")
    v2 = contract_text("Alpha Orchards Ltd", "Bravo Grocers Inc", "fresh apples", 90, "Texas")
    note = contract_text("Cobalt Freight LLC", "Bravo Grocers Inc", "refrigerated trucks")
    files = {"supply.pdf": pdf_bytes(v1), "supply-v2.docx": docx_bytes(v2)}
    files["..\\..\\Windows\\Contrat signé; v2 (final).txt"] = note.encode()
    docs = [alice.add(name, data) for name, data in files.items()]
    for doc, kind, data in zip(docs, ("pdf", "docx", "txt"), files.values(), strict=True):
        assert doc["kind"] == kind and doc["size"] == len(data) and doc["clauses_count"] == 6
        assert doc["sha256"] == hashlib.sha256(data).hexdigest()
    pdf, docx, txt = docs
    assert pdf["pages"] == 1 and docx["pages"] is None
    assert txt["filename"] == "Contrat signé; v2 (final).txt"  # the folders are dropped

    chunks = app.chunks(alice.id)
    again = alice.upload("renamed.pdf", files["supply.pdf"])
    assert again.status_code == 200 and again.json()["id"] == pdf["id"]
    assert again.json()["filename"] == "supply.pdf"
    assert app.rows("documents", user_id=alice.id) == 3 and app.rows("document_files") == 3
    assert app.rows("clauses") == 18 and app.chunks(alice.id) == chunks
    assert app.indexed(alice.id) == {d["id"] for d in docs}
    assert alice.document_ids() == [txt["id"], docx["id"], pdf["id"]]  # newest first

    detail = alice.get(f"/api/documents/{pdf['id']}").json()
    assert [c["number"] for c in detail["clauses"]] == [None, "1", "2", "3", "4", "5"]
    assert detail["clauses"][3]["heading"] == "Term and Renewal"
    assert {c["page"] for c in detail["clauses"]} == {1}
    clause = detail["clauses"][3]
    assert alice.get(f"/api/documents/{pdf['id']}/clauses/{clause['id']}").json() == clause
    download = alice.get(f"/api/documents/{pdf['id']}/file")
    assert download.content == files["supply.pdf"]
    assert download.headers["content-type"] == "application/pdf"
    odd = alice.get(f"/api/documents/{txt['id']}/file")
    assert odd.content == note.encode()
    check_disposition(odd.headers["content-disposition"], txt["filename"])

    answer = alice.ask(NOTICE_QUESTION)
    assert answer["answered"] is True and answer["citations"], answer
    assert {c["document_id"] for c in answer["citations"]} <= {d["id"] for d in docs}
    top = answer["citations"][0]
    assert top["heading"] == "Term and Renewal" and top["cited"] is True
    assert "renews automatically" in top["excerpt"], top
    only = alice.ask(NOTICE_QUESTION, [docx["id"]])
    assert only["citations"] and {c["document_id"] for c in only["citations"]} == {docx["id"]}
    cited = only["citations"][0]
    opened = alice.get(f"/api/documents/{docx['id']}/clauses/{cited['clause_id']}").json()
    assert opened["number"] == "3" and "at least 90 days" in opened["text"]
    nothing = alice.ask(OFF_TOPIC)
    assert nothing["answered"] is False and nothing["answer"] == NOT_FOUND
    assert nothing["citations"] == []

    facts = alice.get(f"/api/documents/{pdf['id']}/facts").json()
    assert facts["facts"]["notice_period"] == {"value": 60, "unit": "day"}
    assert "Ohio" in facts["facts"]["governing_law"]
    by_id = {c["id"]: c for c in detail["clauses"]}
    assert by_id[facts["sources"]["notice_period"]]["number"] == "3"
    deadline = alice.post("/api/deadline", json={"document_id": pdf["id"], "today": "2025-06-01"})
    assert deadline.status_code == 200, deadline.text
    assert deadline.json()["last_day"] == "2025-12-30"  # 28 Feb 2026 minus 60 days
    assert deadline.json()["term_end"] == "2026-02-28"
    compared = alice.post("/api/compare", json={"left_id": pdf["id"], "right_id": docx["id"]})
    assert compared.status_code == 200, compared.text
    statuses = {(row["left"] or {}).get("number"): row["status"] for row in compared.json()["rows"]}
    assert statuses == {None: "same", "1": "same", "2": "same", "3": "changed", "4": "same",
                        "5": "changed"}, compared.json()  # fmt: skip

    assert alice.delete(f"/api/documents/{docx['id']}").status_code == 204
    for path in ("", "/file", f"/clauses/{only['citations'][0]['clause_id']}", "/facts"):
        assert alice.get(f"/api/documents/{docx['id']}{path}").status_code == 404
    assert alice.delete(f"/api/documents/{docx['id']}").status_code == 404
    assert alice.document_ids() == [txt["id"], pdf["id"]]
    assert app.rows("clauses", document_id=docx["id"]) == 0
    assert app.rows("document_files", document_id=docx["id"]) == 0
    assert app.indexed(alice.id) == {txt["id"], pdf["id"]} and app.chunks(alice.id) < chunks

    check_traces(app, alice)
    check_operations(app)


def check_traces(app: ContractQA, user: Account) -> None:
    """Every question is a trace ask → retrieval → model; only admins may read them."""
    for path in ("/api/admin/traces", "/admin/traces"):
        assert user.get(path).status_code == 404  # not an admin: the page does not exist
    admin = app.signup(ADMIN)
    assert admin.get("/api/me").json()["admin"] is True  # what the web app asks
    traces = admin.get("/api/admin/traces").json()["traces"]
    asked = [
        t for t in traces
        if t["spans"][0]["name"] == "ask"
        and t["spans"][0]["attributes"].get("question") == NOTICE_QUESTION
    ]  # fmt: skip
    assert asked, [t["spans"][0]["name"] for t in traces]
    spans = asked[-1]["spans"]
    root = spans[0]
    assert root["parent_id"] is None and root["attributes"]["user_id"] == user.id
    children = {s["name"]: s for s in spans if s["parent_id"] == root["span_id"]}
    assert {"retrieval", "model"} <= set(children)
    assert children["retrieval"]["attributes"]["hits"] and children["model"]["attributes"]["reply"]
    page = admin.get("/admin/traces")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "retrieval" in page.text and "How many days of notice" in page.text


def check_operations(app: ContractQA) -> None:
    """Health, readiness, Prometheus metrics by route, and the web page at /."""
    assert app.client.get("/healthz").json() == {"status": "ok"}
    ready = app.client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"ready": True}
    metrics = app.client.get("/metrics").text
    for route in ("/api/ask", "/api/documents", "/api/documents/{document_id}", "/api/auth/login"):
        assert f'route="{route}"' in metrics, route
    page = app.client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<div id="root">' in page.text
