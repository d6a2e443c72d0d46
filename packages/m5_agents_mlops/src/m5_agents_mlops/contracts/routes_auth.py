"""Sign-up, login, token refresh and logout (the rules live in ``auth.py``; this is HTTP)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy import select

from m5_agents_mlops.contracts import auth
from m5_agents_mlops.contracts.context import Context, User
from m5_agents_mlops.contracts.db import User as UserRow
from m5_agents_mlops.contracts.schemas import Credentials, MeOut, RefreshRequest, Tokens

router = APIRouter(prefix="/api", tags=["auth"])
AUTH_ERRORS = {
    401: {"description": "Wrong credentials, or a missing, expired or revoked token."},
    409: {"description": "That e-mail address already has an account."},
    422: {"description": "Invalid e-mail address or too weak a password (the detail says why)."},
    429: {"description": "Too many failed logins: wait Retry-After seconds."},
}


def client_ip(request: Request) -> str | None:
    """The caller's address as the server sees it. Behind a reverse proxy, run uvicorn with
    ``--proxy-headers`` so this is the client's and not the proxy's (else one client's failures
    would lock everybody out)."""
    return request.client.host if request.client else None


@router.post("/auth/signup", status_code=201, response_model=Tokens, responses=AUTH_ERRORS)
def signup(body: Credentials, ctx: Context) -> dict:
    """Create an account and sign in."""
    with ctx.sessions() as session:
        user = auth.signup(session, body.email, body.password)
        return auth.issue_tokens(session, user, ctx.auth).as_dict()


@router.post("/auth/login", response_model=Tokens, responses=AUTH_ERRORS)
def login(body: Credentials, request: Request, ctx: Context) -> dict:
    """Trade an e-mail and password for an access token and a refresh token."""
    with ctx.sessions() as session:
        user = auth.login(session, ctx.limiter, body.email, body.password, client_ip(request))
        return auth.issue_tokens(session, user, ctx.auth).as_dict()


@router.post("/auth/refresh", response_model=Tokens, responses=AUTH_ERRORS)
def refresh(body: RefreshRequest, ctx: Context) -> dict:
    """A new pair for a refresh token, which stops working (reusing it revokes the login)."""
    with ctx.sessions() as session:
        return auth.rotate(session, body.refresh_token, ctx.auth).as_dict()


@router.post("/auth/logout", status_code=204)
def logout(body: RefreshRequest, ctx: Context) -> Response:
    """Revoke the refresh token (and every token rotated from the same login)."""
    with ctx.sessions() as session:
        auth.logout(session, body.refresh_token)
    return Response(status_code=204)


@router.get("/me", response_model=MeOut, responses=AUTH_ERRORS)
def me(user_id: User, ctx: Context) -> MeOut:
    """Who the access token belongs to, and whether they are an admin (may read the traces)."""
    with ctx.sessions() as session:
        row = session.scalar(select(UserRow).where(UserRow.id == user_id))
        if row is None:
            raise auth.AuthError("the account of this token no longer exists")
        admin = row.email in ctx.config.admin_emails
        return MeOut(id=row.id, email=row.email, admin=admin)
