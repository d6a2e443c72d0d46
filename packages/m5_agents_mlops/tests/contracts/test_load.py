"""A bounded load test on loopback: several users upload and ask at the same time.

A real uvicorn server (``serve_in_thread``) and one thread per user, plus one more per user that
uploads the same file at the same instant as its owner (a double click, two tabs). Afterwards:
every upload is present exactly once per user (rows, bytes and index chunks), every answer cites
only its own user's documents, and no request returned a 5xx. The latency figures are printed
for the README (``pytest -s``).
"""

from __future__ import annotations

import hashlib
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

import httpx
import pytest

from m5_agents_mlops.contracts.clause_index import ClauseIndex

USERS, UPLOADS = 4, 3
GOODS = [
    ("copper wire", "steel bolts", "pine pallets"),
    ("olive oil", "sea salt", "durum wheat"),
    ("solar panels", "lithium cells", "inverters"),
    ("printer toner", "office chairs", "paper reams"),
]


def contracts(user: int, support: ModuleType) -> list[tuple[str, bytes]]:
    """The user's three contracts: TXT, PDF (the one uploaded twice at once), TXT."""
    texts = [support.contract_text(f"Vendor {user}{j} Ltd", f"Buyer {user} Inc", GOODS[user][j],
                                   30 + 15 * j) for j in range(UPLOADS)]  # fmt: skip
    return [(f"u{user}-a.txt", texts[0].encode()), (f"u{user}-b.pdf", support.pdf_bytes(texts[1])),
            (f"u{user}-c.txt", texts[2].encode())]  # fmt: skip


class Recorder:
    """Every request's kind, status and latency, from every thread."""

    def __init__(self, client: httpx.Client) -> None:
        self.client, self.lock, self.rows = client, threading.Lock(), []

    def __call__(self, kind: str, method: str, url: str, **options: Any) -> httpx.Response:
        start = time.perf_counter()
        response = self.client.request(method, url, **options)
        with self.lock:
            self.rows.append((kind, response.status_code, time.perf_counter() - start))
        return response


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (1..99), interpolated between the nearest measurements."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


@pytest.mark.slow
def test_concurrent_users_upload_and_ask_without_mixing_or_failing(
    make_contract_qa: Any, support: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from m5_agents_mlops.contracts import auth
    from m5_agents_mlops.serve.server import serve_in_thread

    app = make_contract_qa()
    for function in (auth.signup, auth.login):  # production argon2: the figures are real ones
        monkeypatch.setitem(function.__kwdefaults__, "hasher", auth.PASSWORD_HASHER)
    files = [contracts(user, support) for user in range(USERS)]
    tokens: dict[int, str] = {}
    signed_up = [threading.Event() for _ in range(USERS)]
    together = [threading.Barrier(2, timeout=60) for _ in range(USERS)]
    uploads: dict[int, list[httpx.Response]] = {user: [] for user in range(USERS)}
    answers: dict[int, list[dict[str, Any]]] = {user: [] for user in range(USERS)}

    def owner(user: int, send: Recorder) -> None:
        body = {"email": f"load{user}@example.com", "password": support.PASSWORD}
        made = send("signup", "POST", "/api/auth/signup", json=body)
        tokens[user] = made.json()["access_token"]
        signed_up[user].set()
        auth = {"Authorization": f"Bearer {tokens[user]}"}
        for j, (name, data) in enumerate(files[user]):
            if j == 1:
                together[user].wait()  # the twin thread uploads the same bytes right now
            uploads[user].append(send("upload", "POST", "/api/documents", headers=auth,
                                      files={"file": (name, data)}))  # fmt: skip
            question = f"How many days of notice are needed for the {GOODS[user][j]} contract?"
            asked = send("ask", "POST", "/api/ask", headers=auth, json={"question": question})
            answers[user].append(asked.json())

    def twin(user: int, send: Recorder) -> None:
        assert signed_up[user].wait(60)
        name, data = files[user][1]
        together[user].wait()
        auth = {"Authorization": f"Bearer {tokens[user]}"}
        uploads[user].append(send("upload", "POST", "/api/documents", headers=auth,
                                  files={"file": (name, data)}))  # fmt: skip

    with serve_in_thread(app.client.app) as url, httpx.Client(base_url=url, timeout=120) as http:
        send = Recorder(http)
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=2 * USERS) as pool:
            jobs = [pool.submit(job, user, send) for user in range(USERS) for job in (owner, twin)]
            for job in jobs:
                job.result()  # re-raise any thread's failure here
        wall = time.perf_counter() - start

    statuses = [status for _, status, _ in send.rows]
    assert all(status < 500 for status in statuses), statuses
    for user in range(USERS):
        codes = sorted(response.status_code for response in uploads[user])
        assert codes == [200] + [201] * UPLOADS, codes  # the twin upload: one 201, one 200
        auth = {"Authorization": f"Bearer {tokens[user]}"}
        # The server has stopped: read back through the app's TestClient.
        documents = app.client.get("/api/documents", headers=auth).json()["documents"]
        expected = {name: hashlib.sha256(data).hexdigest() for name, data in files[user]}
        assert {d["filename"]: d["sha256"] for d in documents} == expected  # each exactly once
        user_id = app.client.get("/api/me", headers=auth).json()["id"]
        ids = {d["id"] for d in documents}
        assert app.indexed(user_id) == ids
        chunks = sum(
            len(ClauseIndex.chunks(d["id"], d["sha256"], d["kind"],
                                   list(enumerate(app.ctx.library.clauses(user_id, d["id"])[1]))))
            for d in documents
        )  # fmt: skip
        assert app.chunks(user_id) == chunks  # the losing twin left no chunks behind
        for answer in answers[user]:
            assert {c["document_id"] for c in answer["citations"]} <= ids, answer
        assert sum(answer["answered"] for answer in answers[user]) >= 2
    assert app.rows("documents") == app.rows("document_files") == USERS * UPLOADS

    print(f"\nload test: {USERS} users x {UPLOADS} uploads (+1 concurrent duplicate each) and "
          f"{UPLOADS} questions each; {len(send.rows)} requests in {wall:.1f} s, "
          f"{len(send.rows) / wall:.1f} req/s, 0 errors")  # fmt: skip
    print(f"{'kind':<8}{'n':>4}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for kind in ("signup", "upload", "ask", "all"):
        times = [s * 1000 for k, _, s in send.rows if kind in (k, "all")]
        print(f"{kind:<8}{len(times):>4}{percentile(times, 50):>10.0f}"
              f"{percentile(times, 95):>10.0f}{max(times):>10.0f}")  # fmt: skip
