"""IDOR: user B puts user A's document and clause ids in every route; run on both databases.

``test_api_security.py`` runs the matrix on SQLite, ``test_api_postgres.py`` on PostgreSQL. A
*world* is one app with users A and B, each with a contract of their own.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

# Loaded by conftest.py just before this module (this folder is not a package).
from m5_contracts_tests_api_scenarios import NOTICE_QUESTION  # type: ignore[import-not-found]
from m5_contracts_tests_api_support import (  # type: ignore[import-not-found]
    Account,
    ContractQA,
    contract_text,
)


@dataclass
class World:
    """User A with a contract, user B with one of their own, both on one app."""

    app: ContractQA
    a: Account
    b: Account
    a_doc: dict[str, Any]
    b_doc: dict[str, Any]
    a_file: bytes
    a_clauses: list[dict[str, Any]]
    b_clause: str

    @property
    def ids(self) -> dict[str, str]:
        return {"a_doc": self.a_doc["id"], "b_doc": self.b_doc["id"],
                "a_clause": self.a_clauses[2]["id"], "b_clause": self.b_clause}  # fmt: skip


A_TEXT = contract_text("Zephyr Marmalade Works", "Quillon Bakeries", "bitter orange marmalade")
B_TEXT = contract_text("Harbor Timber Co", "Northgate Builders", "seasoned oak beams", 45)


def make_world(app: ContractQA) -> World:
    a = app.signup(f"owner-{uuid.uuid4().hex[:6]}@example.com")
    b = app.signup(f"other-{uuid.uuid4().hex[:6]}@example.com")
    empty = b.get("/api/documents")
    assert empty.status_code == 200 and empty.json() == {"documents": []}
    a_file = A_TEXT.encode()
    a_doc = a.add("zephyr-marmalade.txt", a_file)
    assert b.document_ids() == []  # A's upload is not in B's list
    b_doc = b.add("harbor-timber.txt", B_TEXT.encode())
    a_clauses = a.get(f"/api/documents/{a_doc['id']}").json()["clauses"]
    b_clause = b.get(f"/api/documents/{b_doc['id']}").json()["clauses"][2]["id"]
    return World(app, a, b, a_doc, b_doc, a_file, a_clauses, b_clause)


ASK_A = "When is the bitter orange marmalade delivered by Zephyr?"
IDOR_ROUTES: list[tuple[str, str, str, dict[str, Any] | None]] = [
    # (name, method, path, JSON body): {a_doc}, {a_clause}, {b_doc} are filled in per world.
    ("read", "GET", "/api/documents/{a_doc}", None),
    ("download", "GET", "/api/documents/{a_doc}/file", None),
    ("clause", "GET", "/api/documents/{a_doc}/clauses/{a_clause}", None),
    ("clause-via-own-doc", "GET", "/api/documents/{b_doc}/clauses/{a_clause}", None),
    ("own-clause-via-a-doc", "GET", "/api/documents/{a_doc}/clauses/{b_clause}", None),
    ("facts", "GET", "/api/documents/{a_doc}/facts", None),
    ("delete", "DELETE", "/api/documents/{a_doc}", None),
    ("deadline", "POST", "/api/deadline", {"document_id": "{a_doc}", "today": "2025-06-01"}),
    ("compare-left", "POST", "/api/compare", {"left_id": "{a_doc}", "right_id": "{b_doc}"}),
    ("compare-right", "POST", "/api/compare", {"left_id": "{b_doc}", "right_id": "{a_doc}"}),
    ("ask-filter", "POST", "/api/ask", {"question": ASK_A, "document_ids": ["{a_doc}"]}),
    ("ask-mixed", "POST", "/api/ask", {"question": ASK_A, "document_ids": ["{b_doc}", "{a_doc}"]}),
]


def fill(template: Any, ids: dict[str, str]) -> Any:
    """``template`` with every ``{name}`` in its strings replaced by ``ids[name]``."""
    if isinstance(template, str):
        return template.format(**ids)
    if isinstance(template, list):
        return [fill(item, ids) for item in template]
    if isinstance(template, dict):
        return {key: fill(value, ids) for key, value in template.items()}
    return template


def check_idor_route(world: World, method: str, path: str, body: dict[str, Any] | None) -> None:
    """B gets exactly the 404 of an id that does not exist, and learns nothing about A's."""
    ids = world.ids
    response = world.b.call(method, fill(path, ids), json=fill(body, ids))
    assert response.status_code == 404, (path, response.status_code, response.text)
    for secret in ("Zephyr", "marmalade", world.a_doc["sha256"]):
        assert secret not in response.text
    # The same request with an id that exists nowhere answers the same, so ids leak nothing.
    ghost = dict(ids, a_doc=uuid.uuid4().hex, a_clause=uuid.uuid4().hex)
    unknown = world.b.call(method, fill(path, ghost), json=fill(body, ghost))

    def shape(detail: str, known: dict[str, str]) -> str:
        return detail.replace(known["a_doc"], "ID").replace(known["a_clause"], "ID")

    assert unknown.status_code == 404
    assert shape(unknown.json()["detail"], ghost) == shape(response.json()["detail"], ids)


def check_intact(world: World) -> None:
    """A's document is still there, whole: row, clauses, bytes and index entries."""
    a, doc_id = world.a, world.a_doc["id"]
    assert a.document_ids() == [doc_id]
    assert a.get(f"/api/documents/{doc_id}").json()["clauses"] == world.a_clauses
    assert a.get(f"/api/documents/{doc_id}/file").content == world.a_file
    assert world.app.indexed(a.id) == {doc_id}
    assert world.app.rows("clauses", document_id=doc_id) == len(world.a_clauses)


def check_b_never_sees_a(world: World) -> None:
    """B's list, answers and agent tools know nothing of A's contract."""
    b, app = world.b, world.app
    assert b.document_ids() == [world.b_doc["id"]]
    for question in (ASK_A, "Who buys the marmalade from Zephyr Marmalade Works?", NOTICE_QUESTION):
        answer = b.ask(question)
        assert {c["document_id"] for c in answer["citations"]} <= {world.b_doc["id"]}
        assert "marmalade" not in answer["answer"].lower()
    from m5_agents_mlops.contracts.agent_tools import contract_tools
    from m5_agents_mlops.errors import ToolError

    tools = {t.name: t for t in contract_tools(app.ctx.library, b.id, app.ctx.tracing)}
    assert [c["name"] for c in tools["list_contracts"]()] == ["harbor-timber.txt"]
    for name in ("zephyr-marmalade.txt", "ZEPHYR-MARMALADE.TXT", world.a_doc["id"]):
        for tool_name in ("contract_facts", "notice_deadline"):
            with pytest.raises(ToolError, match=r"contracts: harbor-timber\.txt$"):
                tools[tool_name](document=name)  # the refusal names B's contracts only
    found = tools["search_clauses"](query="bitter orange marmalade from Zephyr")
    assert found and {hit["contract"] for hit in found} == {"harbor-timber.txt"}


def idor_cases() -> list[Any]:
    """``IDOR_ROUTES`` as pytest parameters, each named after its route."""
    return [pytest.param(method, path, body, id=name) for name, method, path, body in IDOR_ROUTES]


class IdorMatrix:
    """The IDOR tests, written once for both databases: a module subclasses this as
    ``class TestIdor...(IdorMatrix)`` and provides a ``world`` fixture (a ``World`` on its own
    database); pytest collects the inherited tests in each subclass. Not collected here: the
    name does not start with ``Test``."""

    @pytest.mark.parametrize(("method", "path", "body"), idor_cases())
    def test_another_users_id_is_not_found_on_every_route(
        self, world: World, method: str, path: str, body: dict[str, Any] | None
    ) -> None:
        check_idor_route(world, method, path, body)
        check_intact(world)

    def test_b_lists_asks_and_uses_tools_without_ever_reaching_a(self, world: World) -> None:
        check_b_never_sees_a(world)
        check_intact(world)
