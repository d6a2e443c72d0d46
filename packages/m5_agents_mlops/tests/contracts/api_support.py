"""What the Contract-QA API tests share: an app on a temporary database, signed-in users, small
contracts written on the fly, and one shared embedder. Loaded by ``conftest.py`` (this folder is
not a package) and handed to the tests through its fixtures.

The slow part of every upload is embedding its clauses with MiniLM, so tests upload short
contracts made here (a few clauses each, as TXT, PDF or DOCX) and keep the real samples for the
checks that need them; ``CachedEmbedder`` makes a sample uploaded by several tests cost once.
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import func, select

if TYPE_CHECKING:  # the app's modules load FastAPI and the models: only tests that use them pay
    import httpx
    from fastapi.testclient import TestClient

    from m5_agents_mlops.contracts.context import AppContext

SAMPLES = Path(__file__).resolve().parents[2] / "src/m5_agents_mlops/contracts/samples"
ADMIN = "admin@example.com"
PASSWORD = "Str0ng-pass-phrase"  # passes the policy and contains no test e-mail's local part


class CachedEmbedder:
    """The real embedder, remembering each text's vector: the same sample uploaded by several
    tests is embedded once per test process (the vectors are the model's own, unchanged)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name = inner, inner.name
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return int(self.inner.dim)

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            fresh = self.inner.embed(missing)  # (len(missing), dim)
            with self._lock:
                self._vectors.update(zip(missing, fresh, strict=True))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.stack([self._vectors[t] for t in texts])  # (n, dim)


# --- small contracts ------------------------------------------------------------------------


def contract_text(
    supplier: str, customer: str, goods: str, days: int = 60, law: str = "Ohio"
) -> str:
    """A short supply agreement with numbered, headed clauses; the arguments make it unique."""
    return textwrap.dedent(f"""\
        Supply Agreement

        This Supply Agreement is entered into as of March 1, 2025 (the "Effective Date") by and
        between {supplier} ("Supplier") and {customer} ("Customer").

        1. Supply of Goods
        Supplier shall deliver {goods} to Customer every month at Customer's warehouse.

        2. Fees and Payment
        Customer shall pay each invoice for the {goods} within 30 days of receipt.

        3. Term and Renewal
        This Agreement begins on the Effective Date and continues for an initial term of twelve
        (12) months. It renews automatically for successive twelve (12) month terms unless
        either party gives written notice of non-renewal at least {days} days before the end of
        the then-current term.

        4. Termination for Breach
        Either party may terminate this Agreement if the other party materially breaches it and
        fails to cure the breach within thirty (30) days of written notice.

        5. Governing Law
        This Agreement is governed by the laws of the State of {law}.
        """)


def pdf_bytes(text: str) -> bytes:
    """A one-page PDF of ``text`` (Helvetica, one text line per line): a minimal but valid file,
    written by hand, so the tests need no PDF library beyond the parser under test."""
    lines = [piece for line in text.splitlines() for piece in textwrap.wrap(line, 95) or [""]]
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    ops = ["BT", "/F1 9 Tf", "11 TL", "40 800 Td", *(f"({line}) Tj T*" for line in escaped), "ET"]
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        # WinAnsi: byte 0x27 is a straight quote (the default StandardEncoding makes it ’)
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def docx_bytes(text: str) -> bytes:
    """A Word document with one paragraph per line of ``text``."""
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- the app and its users ------------------------------------------------------------------


@dataclass
class Account:
    """A signed-in user of one app: every request carries their access token."""

    app: ContractQA
    email: str
    password: str
    tokens: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.tokens["user"]["id"])

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens['access_token']}"}

    def call(self, method: str, url: str, **options: Any) -> httpx.Response:
        return self.app.client.request(method, url, headers=self.headers, **options)

    def get(self, url: str, **options: Any) -> httpx.Response:
        return self.call("GET", url, **options)

    def post(self, url: str, **options: Any) -> httpx.Response:
        return self.call("POST", url, **options)

    def delete(self, url: str, **options: Any) -> httpx.Response:
        return self.call("DELETE", url, **options)

    def upload(self, filename: str, data: bytes) -> httpx.Response:
        # The declared content type is a lie on purpose: the server must judge by content.
        return self.post("/api/documents", files={"file": (filename, data, "image/gif")})

    def upload_verbatim(self, filename: str, data: bytes) -> httpx.Response:
        """Upload with ``filename`` exactly as given: HTTP clients percent-encode quotes and
        line breaks in a multipart file name, so the body is written by hand (RFC 7578 quoted
        string, backslash escapes) to put hostile characters on the wire."""
        boundary = "contract-qa-test-boundary"
        quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{quoted}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        content_type = f"multipart/form-data; boundary={boundary}"
        headers = self.headers | {"Content-Type": content_type}
        return self.app.client.post("/api/documents", content=body, headers=headers)

    def add(self, filename: str, data: bytes) -> dict[str, Any]:
        """Upload a new contract; its ``Document``."""
        response = self.upload(filename, data)
        assert response.status_code == 201, response.text
        return response.json()

    def ask(self, question: str, document_ids: list[str] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"question": question}
        if document_ids is not None:
            body["document_ids"] = document_ids
        response = self.post("/api/ask", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    def document_ids(self) -> list[str]:
        response = self.get("/api/documents")
        assert response.status_code == 200, response.text
        return [d["id"] for d in response.json()["documents"]]


@dataclass
class ContractQA:
    """An app under test: its context (database, index, models) and an HTTP client."""

    ctx: AppContext
    client: TestClient

    def signup(self, email: str, password: str = PASSWORD) -> Account:
        response = self.client.post("/api/auth/signup", json={"email": email, "password": password})
        assert response.status_code == 201, response.text
        return Account(self, email, password, response.json())

    def rows(self, table: str, **where: Any) -> int:
        """How many rows ``table`` holds (matching ``where``, column = value)."""
        from m5_agents_mlops.contracts.db import Base

        model = Base.metadata.tables[table]
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(model.c[column] == value)
        with self.ctx.sessions() as session:
            return int(session.scalar(query) or 0)

    def indexed(self, user_id: str) -> set[str]:
        """Ids of the documents that have chunks in the user's clause index."""
        return self.ctx.library.index.documents(user_id)

    def chunks(self, user_id: str) -> int:
        return self.ctx.library.index.count(user_id)
