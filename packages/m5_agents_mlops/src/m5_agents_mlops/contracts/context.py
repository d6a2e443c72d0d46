"""What every route needs (the database, the library, the models, auth) and who is asking.

``AppContext`` is plain data built once at start-up (``app.build_context``), or by hand in tests.
``current_user`` is the one dependency that turns a request into a user id: every route that
touches documents takes it, and passes the id down, so ownership is enforced in the queries
(``library.py``) rather than remembered in each route.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from m5_agents_mlops.contracts.answering import Answerer
from m5_agents_mlops.contracts.auth import AuthError, AuthSettings, decode_access
from m5_agents_mlops.contracts.library import Library
from m5_agents_mlops.contracts.ratelimit import LoginLimiter
from m5_agents_mlops.contracts.settings import ContractQAConfig
from m5_agents_mlops.contracts.tracing import Tracing


@dataclass
class AppContext:
    config: ContractQAConfig
    sessions: sessionmaker[Session]
    library: Library
    answerer: Answerer
    auth: AuthSettings
    limiter: LoginLimiter
    tracing: Tracing
    embed: Any = None
    """``embed(texts) -> (n, d)`` unit vectors, for comparing contracts by meaning."""
    model_lock: threading.Lock = field(default_factory=threading.Lock)
    """The lock of ``answerer.model`` (``answering.OneAtATime``): one generation at a time."""


def context(request: Request) -> AppContext:
    return request.app.state.context


bearer = HTTPBearer(auto_error=False, description="The access token from /api/auth/login.")


def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    """The id of the user whose valid access token came with the request; 401 otherwise."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthError("sign in first: send 'Authorization: Bearer <access token>'")
    claims = decode_access(credentials.credentials, context(request).auth)
    return claims.user_id


User = Annotated[str, Depends(current_user)]
Context = Annotated[AppContext, Depends(context)]
