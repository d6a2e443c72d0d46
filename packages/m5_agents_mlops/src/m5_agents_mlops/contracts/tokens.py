"""Access tokens (short-lived JWTs) and refresh tokens (long-lived, opaque, rotated).

Why two kinds: a JWT is checked with the secret alone, no database read per request, which is
what lets several API processes scale out; the price is that it cannot be revoked, so it lives
15 minutes. The refresh token is the opposite: a random string the database knows (by hash),
so logout can revoke it, and it buys a new pair when the access token expires.

Rotation with reuse detection (OAuth 2.0 Security BCP, section 4.14): every refresh replaces the
refresh token, and the tokens descended from one login form a *family*. A refresh token that
was already rotated can only be presented again by someone holding a copy, i.e. a thief (or the
victim, after the thief used it first); we cannot tell which, so the whole family is revoked and
both must log in again. Two browser tabs refreshing with the same token at the same instant
look the same, which is the accepted cost of the scheme.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from m5_agents_mlops.contracts.db import RefreshToken, User, new_id, utc_now
from m5_agents_mlops.contracts.security import AuthError, AuthSettings

ALGORITHM = "HS256"
MAX_TOKEN_CHARS = 4096  # no honest token is longer; refuse before parsing anything


@dataclass(frozen=True)
class AccessClaims:
    """What a valid access token says: whose it is and when it stops being valid."""

    user_id: str
    jti: str
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Tokens:
    """A new pair, as the API returns it (``as_dict`` is the ``Tokens`` JSON of the design)."""

    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_at: datetime
    user_id: str
    email: str
    token_type: str = "bearer"

    def as_dict(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": self.token_type,
            "expires_in": self.expires_in,
            "user": {"id": self.user_id, "email": self.email},
        }


def create_access_token(
    user_id: str, settings: AuthSettings, *, now: datetime | None = None
) -> str:
    """A signed JWT: ``sub`` (the user), ``type: access``, ``iat``, ``exp``, ``iss``, ``jti``."""
    now = now or utc_now()
    claims = {
        "sub": user_id,
        "type": "access",
        "iat": int(now.timestamp()),
        "exp": int(now.timestamp()) + settings.access_ttl_s,
        "iss": settings.issuer,
        "jti": new_id(),  # unique per token: lets a log line or a deny-list name one token
    }
    return jwt.encode(claims, settings.secret, algorithm=ALGORITHM)


def _reason(error: jwt.PyJWTError) -> str:
    # Most specific first: several of these subclass each other (all are InvalidTokenError).
    reasons: list[tuple[type[jwt.PyJWTError], str]] = [
        (jwt.ExpiredSignatureError, "access token expired"),
        (jwt.InvalidAlgorithmError, "token algorithm not allowed"),
        (jwt.InvalidSignatureError, "token signature is invalid"),
        (jwt.MissingRequiredClaimError, f"token lacks a required claim: {error}"),
        (jwt.InvalidIssuerError, "token was issued by someone else"),
        (jwt.ImmatureSignatureError, "token is not valid yet"),
        (jwt.DecodeError, "malformed token"),
    ]
    for kind, reason in reasons:
        if isinstance(error, kind):
            return reason
    return f"invalid token: {error}"


def decode_access(token: str, settings: AuthSettings) -> AccessClaims:
    """Check an access token and return its claims, or raise AuthError (401) with the reason.

    ``algorithms=["HS256"]`` is the line that matters: the token's own header names its
    algorithm, and trusting it is the classic JWT hole (``alg: none`` skips the signature;
    ``RS256`` tricks a verifier into using a public key as an HMAC secret). We accept exactly
    the one algorithm we sign with, whatever the header says.
    """
    if not token or len(token) > MAX_TOKEN_CHARS:
        raise AuthError("malformed token")
    try:
        claims = jwt.decode(
            token,
            settings.secret,
            algorithms=[ALGORITHM],
            issuer=settings.issuer,
            leeway=settings.leeway_s,
            options={"require": ["exp", "iat", "sub", "iss", "jti"]},
        )
    except jwt.PyJWTError as error:
        raise AuthError(_reason(error)) from error
    if claims.get("type") != "access":
        raise AuthError("not an access token")
    return AccessClaims(
        user_id=str(claims["sub"]),
        jti=str(claims["jti"]),
        issued_at=datetime.fromtimestamp(claims["iat"], UTC),
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
    )


def hash_token(token: str) -> str:
    """The sha256 hex digest under which a refresh token is stored (never the token itself)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_refresh(
    session: Session, user_id: str, family_id: str, settings: AuthSettings, now: datetime
) -> tuple[str, RefreshToken]:
    token = secrets.token_urlsafe(32)  # 256 random bits
    row = RefreshToken(
        id=new_id(),
        user_id=user_id,
        family_id=family_id,
        token_hash=hash_token(token),
        expires_at=now + timedelta(seconds=settings.refresh_ttl_s),
        created_at=now,
    )
    session.add(row)
    return token, row


def _pair(
    user: User, token: str, row: RefreshToken, settings: AuthSettings, now: datetime
) -> Tokens:
    return Tokens(
        access_token=create_access_token(user.id, settings, now=now),
        refresh_token=token,
        expires_in=settings.access_ttl_s,
        refresh_expires_at=row.expires_at,
        user_id=user.id,
        email=user.email,
    )


def issue_tokens(
    session: Session, user: User, settings: AuthSettings, *, now: datetime | None = None
) -> Tokens:
    """A fresh pair after sign-up or login: the first token of a new family. Commits."""
    now = now or utc_now()
    token, row = _new_refresh(session, user.id, new_id(), settings, now)
    session.commit()
    return _pair(user, token, row, settings, now)


def revoke_family(session: Session, family_id: str, now: datetime | None = None) -> int:
    """Revoke every live token of one family (the caller commits). Returns how many."""
    result = session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now or utc_now())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) if isinstance(result, CursorResult) else 0


def _find(session: Session, refresh_token: str) -> RefreshToken | None:
    if not refresh_token or len(refresh_token) > 256:
        return None
    return session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == hash_token(refresh_token))
    )


def rotate(
    session: Session, refresh_token: str, settings: AuthSettings, *, now: datetime | None = None
) -> Tokens:
    """Trade a refresh token for a new pair; the old token is revoked and points at its successor.

    Raises AuthError for an unknown, expired or revoked token; a token that was already rotated
    also revokes its whole family first (see the module docstring). The "mark as used" is a
    conditional UPDATE (``WHERE revoked_at IS NULL``), so of two processes rotating the same
    token at once exactly one wins and the other is treated as a reuse.
    """
    now = now or utc_now()
    row = _find(session, refresh_token)
    if row is None:
        raise AuthError("unknown refresh token")
    if row.revoked_at is not None:
        if row.replaced_by is not None:
            revoke_family(session, row.family_id, now)
            session.commit()
            raise AuthError("refresh token reused: every session of that login is revoked")
        raise AuthError("refresh token revoked")
    if row.expires_at <= now:
        raise AuthError("refresh token expired")
    user = session.get(User, row.user_id)
    if user is None:  # the cascade normally removes the token with its user
        raise AuthError("unknown refresh token")
    successor_id = new_id()
    claimed = session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == row.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now, replaced_by=successor_id)
        .execution_options(synchronize_session=False)
    )
    if not isinstance(claimed, CursorResult) or claimed.rowcount != 1:
        revoke_family(session, row.family_id, now)
        session.commit()
        raise AuthError("refresh token reused: every session of that login is revoked")
    token, successor = _new_refresh(session, user.id, row.family_id, settings, now)
    successor.id = successor_id
    session.commit()
    return _pair(user, token, successor, settings, now)


def logout(session: Session, refresh_token: str, *, now: datetime | None = None) -> bool:
    """Revoke the family of ``refresh_token`` (this login, on this device). Commits.

    Idempotent: an unknown or already revoked token is not an error (the user is logged out
    either way), and the return value says whether anything was revoked.
    """
    row = _find(session, refresh_token)
    if row is None:
        return False
    revoked = revoke_family(session, row.family_id, now)
    session.commit()
    return revoked > 0


def revoke_all(session: Session, user_id: str, *, now: datetime | None = None) -> int:
    """Revoke every refresh token of a user (after a password change: "log out everywhere")."""
    result = session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now or utc_now())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return int(result.rowcount) if isinstance(result, CursorResult) else 0
