"""The API's request and response bodies (pydantic): what the web page and any client rely on.

Requests refuse unknown fields and bound every string, so a malformed or hostile body is a 422
with the offending field named, before any of our code runs.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

NOT_FOUND = "Not found in your contracts."


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Credentials(Strict):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=256)


class RefreshRequest(Strict):
    refresh_token: str = Field(min_length=1, max_length=512)


class UserOut(BaseModel):
    id: str
    email: str


class MeOut(UserOut):
    """``GET /api/me``: the user, and whether they may read the traces (``--admins``). The web app
    asks here rather than probing ``/api/admin/traces``: a 404 there would show in the browser's
    console as a failed request. Only /api/me says it; the tokens' ``user`` stays ``{id, email}``."""

    admin: bool


class Tokens(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    """Seconds until the access token expires."""
    user: UserOut


class ClauseOut(BaseModel):
    id: str
    document_id: str
    position: int
    number: str | None
    heading: str | None
    page: int | None
    text: str


class DocumentOut(BaseModel):
    id: str
    filename: str
    kind: Literal["pdf", "docx", "txt"]
    size: int
    sha256: str
    pages: int | None
    clauses_count: int
    created_at: datetime


class DocumentDetail(DocumentOut):
    clauses: list[ClauseOut]


class DocumentList(BaseModel):
    documents: list[DocumentOut]


class AskRequest(Strict):
    question: str = Field(min_length=1, max_length=2000)
    document_ids: list[str] | None = Field(default=None, min_length=1, max_length=50)
    """Only these documents (None: all of the user's)."""


class Citation(BaseModel):
    n: int
    """The number the answer cites it by: ``[n]``."""
    document_id: str
    document_name: str
    clause_id: str
    number: str | None
    heading: str | None
    page: int | None
    excerpt: str
    cited: bool
    """Whether the answer's text refers to ``[n]``."""


class AskResponse(BaseModel):
    answer: str
    answered: bool
    reason: str | None = None
    """Why there is no answer (``answered`` false)."""
    citations: list[Citation]
    trace_id: str | None = None


class DeadlineRequest(Strict):
    document_id: str = Field(min_length=1, max_length=64)
    today: date | None = None


class CompareRequest(Strict):
    left_id: str = Field(min_length=1, max_length=64)
    right_id: str = Field(min_length=1, max_length=64)


class AgentRequest(Strict):
    question: str = Field(min_length=1, max_length=2000)
