"""Security over HTTP: IDOR on every route, SQL injection in every text field, forged and
expired JWTs, and the login rate limit. Uploads, atomicity and prompt injection are in
``test_api_security_uploads.py``.

IDOR (insecure direct object reference): user B knows, or guesses, the id of user A's document
and puts it in a URL or a body. Every route must answer B exactly what it answers for an id that
does not exist (404), and A's document must be untouched afterwards.
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from datetime import timedelta
from types import ModuleType
from typing import Any
from urllib.parse import quote

import jwt
import pytest

# Loaded by conftest.py before this module (this folder is not a package).
from m5_contracts_tests_api_idor import IdorMatrix  # type: ignore[import-not-found]
from sqlalchemy import inspect

from m4_genai.llm import ToolCall
from m4_genai.llm.scripted import ExtractiveChatModel, ScriptedChatModel
from m5_agents_mlops.contracts.db import utc_now
from m5_agents_mlops.contracts.ratelimit import LoginLimiter
from m5_agents_mlops.contracts.tokens import create_access_token

# --- (a) IDOR ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(make_contract_qa: Any, idor: ModuleType) -> Any:
    """A and B on one app, each with a contract (shared by the module: reads are checked
    against A's document after every test, so a test that broke it would show)."""
    return idor.make_world(make_contract_qa())


class TestIdorOnSqlite(IdorMatrix):
    """Every route, and B's list, answers and tools, against A's ids (the tests: ``api_idor``)."""


def test_the_agent_of_b_cannot_read_a_contract_by_name(world: Any, idor: ModuleType) -> None:
    answerer = world.app.ctx.answerer
    answerer.model = ScriptedChatModel(
        [
            ToolCall("c1", "contract_facts", {"document": "zephyr-marmalade.txt"}),
            ToolCall("c2", "notice_deadline", {"document": world.a_doc["id"]}),
            ToolCall("c3", "compare_contracts", {"left": "harbor-timber.txt",
                                                 "right": "zephyr-marmalade.txt"}),
            ToolCall("c4", "search_clauses", {"query": "bitter orange marmalade Zephyr"}),
            "Here is everything I found.",
        ]
    )  # fmt: skip
    try:
        response = world.b.post("/api/agent", json={"question": "Summarise zephyr-marmalade.txt"})
    finally:
        answerer.model = ExtractiveChatModel()
    assert response.status_code == 200, response.text
    steps = response.json()["steps"]
    assert [s["tool"] for s in steps] == [
        "contract_facts", "notice_deadline", "compare_contracts", "search_clauses",
    ]  # fmt: skip
    for step in steps[:3]:
        assert step["result"].startswith("error: no contract"), step
    results = json.dumps([s["result"] for s in steps])
    for secret in ("Quillon", "bitter orange", world.a_doc["sha256"], world.a.email):
        assert secret not in results
    assert "harbor-timber.txt" in steps[3]["result"]  # B's own contract is what it finds
    idor.check_intact(world)


# --- (b) SQL injection -----------------------------------------------------------------------

INJECTIONS = [
    "' OR 1=1 --",
    '"; DROP TABLE users; --',
    "' UNION SELECT id, email, password_hash FROM users --",
    "1'; DELETE FROM documents WHERE '1'='1",
]
TABLES = {"users", "refresh_tokens", "login_attempts", "documents", "document_files", "clauses"}


@pytest.fixture(scope="module")
def injected(make_contract_qa: Any, support: ModuleType) -> tuple[Any, Any, dict[str, Any]]:
    """An app whose limiter never gets in the way, and an owner with one contract."""
    app = make_contract_qa(limiter=LoginLimiter(max_per_account=1000, max_per_ip=1000))
    owner = app.signup("owner@example.com")
    doc = owner.add("owner.txt", support.contract_text("Owner Co", "Client Co", "widgets").encode())
    return app, owner, doc


@pytest.mark.parametrize("attack", INJECTIONS)
def test_sql_injection_strings_are_only_data(
    injected: tuple[Any, Any, dict[str, Any]], support: ModuleType, attack: str
) -> None:
    app, owner, doc = injected
    users_before = app.rows("users")
    client, answers = app.client, []

    def send(method: str, url: str, **options: Any) -> Any:
        response = client.request(method, url, **options)
        answers.append((url, response.status_code))
        return response

    bad = {"email": attack, "password": attack}
    assert send("POST", "/api/auth/signup", json=bad).status_code == 422
    assert send("POST", "/api/auth/login", json=bad).status_code == 401
    password = f"{attack} Aa1"  # a password made of the attack is still just a password
    email = f"user-{uuid.uuid4().hex[:8]}@example.com"
    made = send("POST", "/api/auth/signup", json={"email": email, "password": password})
    assert made.status_code == 201
    ok = send("POST", "/api/auth/login", json={"email": email, "password": password})
    assert ok.status_code == 200 and ok.json()["user"]["email"] == email
    wrong = {"email": email, "password": attack}
    assert send("POST", "/api/auth/login", json=wrong).status_code == 401
    assert send("POST", "/api/auth/refresh", json={"refresh_token": attack}).status_code == 401
    assert send("POST", "/api/auth/logout", json={"refresh_token": attack}).status_code == 204
    auth = {"headers": owner.headers}
    asked = send("POST", "/api/ask", json={"question": attack}, **auth)
    assert asked.status_code == 200
    assert {c["document_id"] for c in asked.json()["citations"]} <= set(owner.document_ids())
    in_path = quote(attack, safe="")
    for method, url in [
        ("GET", f"/api/documents/{in_path}"),
        ("GET", f"/api/documents/{in_path}/file"),
        ("GET", f"/api/documents/{in_path}/facts"),
        ("DELETE", f"/api/documents/{in_path}"),
        ("GET", f"/api/documents/{doc['id']}/clauses/{in_path}"),
    ]:
        assert send(method, url, **auth).status_code == 404, url
    for url, body in [
        ("/api/ask", {"question": "notice?", "document_ids": [attack]}),
        ("/api/deadline", {"document_id": attack}),
        ("/api/compare", {"left_id": doc["id"], "right_id": attack}),
    ]:
        assert send("POST", url, json=body, **auth).status_code == 404, url
    data = support.contract_text(attack, "Client Co", "gadgets").encode()  # new bytes each time
    stored = owner.upload_verbatim(attack, data)
    answers.append(("upload", stored.status_code))
    assert stored.status_code == 201 and stored.json()["filename"] == attack  # display only
    assert owner.get(f"/api/documents/{stored.json()['id']}/file").content == data

    assert all(status < 500 for _, status in answers), answers
    assert set(inspect(app.ctx.sessions.kw["bind"]).get_table_names()) >= TABLES
    assert app.rows("users") == users_before + 1
    assert doc["id"] in owner.document_ids()
    assert owner.get(f"/api/documents/{doc['id']}").status_code == 200


def test_an_email_with_quotes_is_stored_and_matched_literally(contract_qa: Any) -> None:
    quoted = "o'reilly'--@example.com"  # legal in an address: quotes are data, not SQL
    user = contract_qa.signup(quoted)
    assert user.get("/api/me").json()["email"] == quoted
    like = contract_qa.client.post(
        "/api/auth/login", json={"email": "o'reilly' OR '1'='1@example.com", "password": "x"}
    )
    assert like.status_code == 401


# --- (c) tokens ------------------------------------------------------------------------------


def _b64(part: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def bad_tokens(settings: Any, user_id: str, refresh_token: str) -> dict[str, str | None]:
    """Each way an access token can be wrong; None: no Authorization header at all."""
    now = int(utc_now().timestamp())
    claims = {"sub": user_id, "type": "access", "iat": now, "exp": now + 600,
              "iss": settings.issuer, "jti": uuid.uuid4().hex}  # fmt: skip
    valid = jwt.encode(claims, settings.secret, algorithm="HS256")
    header, _, signature = valid.split(".")
    return {
        "expired": create_access_token(user_id, settings, now=utc_now() - timedelta(hours=2)),
        "forged-signature": jwt.encode(claims, secrets.token_urlsafe(48), algorithm="HS256"),
        "tampered-payload": f"{header}.{_b64(claims | {'sub': uuid.uuid4().hex})}.{signature}",
        "alg-none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.",
        "hs512": jwt.encode(claims, settings.secret, algorithm="HS512"),
        "wrong-issuer": jwt.encode(claims | {"iss": "evil"}, settings.secret, algorithm="HS256"),
        "no-expiry": jwt.encode(
            {k: v for k, v in claims.items() if k != "exp"}, settings.secret, algorithm="HS256"
        ),
        "refresh-type": jwt.encode(claims | {"type": "refresh"}, settings.secret, "HS256"),
        "refresh-token-as-access": refresh_token,
        "garbage": "not-a-token",
        "three-dots": "a.b.c",
        "oversized": "a" * 5000,
        "missing-header": None,
    }


TOKEN_CASES = [
    "expired", "forged-signature", "tampered-payload", "alg-none", "hs512", "wrong-issuer",
    "no-expiry", "refresh-type", "refresh-token-as-access", "garbage", "three-dots", "oversized",
    "missing-header",
]  # fmt: skip


@pytest.fixture(scope="module")
def token_user(make_contract_qa: Any) -> tuple[Any, Any]:
    app = make_contract_qa()
    return app, app.signup("tokens@example.com")


@pytest.mark.parametrize("case", TOKEN_CASES)
def test_bad_access_tokens_get_401_with_www_authenticate(
    token_user: tuple[Any, Any], case: str
) -> None:
    app, user = token_user
    assert user.get("/api/me").status_code == 200  # the good token works: the test can fail
    tokens = bad_tokens(app.ctx.auth, user.id, user.tokens["refresh_token"])
    assert set(tokens) == set(TOKEN_CASES)
    token = tokens[case]
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    for method, url in (("GET", "/api/me"), ("GET", "/api/documents"), ("POST", "/api/ask")):
        response = app.client.request(method, url, headers=headers, json={"question": "x"})
        assert response.status_code == 401, (case, url, response.text)
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["detail"]


def test_a_basic_auth_header_is_not_a_bearer_token(token_user: tuple[Any, Any]) -> None:
    app, _ = token_user
    basic = base64.b64encode(b"tokens@example.com:secret").decode()
    response = app.client.get("/api/me", headers={"Authorization": f"Basic {basic}"})
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


# --- (d) login rate limit --------------------------------------------------------------------


def test_login_rate_limit_per_account_then_per_address(
    make_contract_qa: Any, support: ModuleType
) -> None:
    from fastapi.testclient import TestClient

    app = make_contract_qa(limiter=LoginLimiter(max_per_account=5, max_per_ip=8))
    for name in ("ann", "ben", "cid"):
        app.signup(f"{name}@example.com")

    def login(email: str, password: str, client: Any = app.client) -> Any:
        return client.post("/api/auth/login", json={"email": email, "password": password})

    for _ in range(5):
        assert login("ann@example.com", "Wrong-pass-123").status_code == 401
    sixth = login("ann@example.com", "Wrong-pass-123")
    assert sixth.status_code == 429 and "account" in sixth.json()["detail"]
    assert 1 <= int(sixth.headers["retry-after"]) <= 300
    assert login("ann@example.com", support.PASSWORD).status_code == 429  # locked
    # Ben's wrong passwords come from the same address: 5 (Ann) + 3 (Ben) = the address limit.
    for _ in range(3):
        assert login("ben@example.com", "Wrong-pass-123").status_code == 401
    blocked = login("cid@example.com", support.PASSWORD)
    assert blocked.status_code == 429 and "address" in blocked.json()["detail"]
    assert int(blocked.headers["retry-after"]) >= 1
    # Another address is not locked out, and Cid's own account was never limited.
    elsewhere = TestClient(app.client.app, client=("203.0.113.7", 40000))
    assert login("cid@example.com", support.PASSWORD, elsewhere).status_code == 200
