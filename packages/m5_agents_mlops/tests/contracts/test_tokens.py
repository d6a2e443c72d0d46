"""Access JWTs refuse every forgery we can build by hand; refresh tokens rotate and catch reuse."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from m5_agents_mlops.contracts.auth import (
    AuthError,
    AuthSettings,
    create_access_token,
    decode_access,
    issue_tokens,
    logout,
    revoke_all,
    rotate,
)
from m5_agents_mlops.contracts.db import RefreshToken, User
from m5_agents_mlops.errors import AgentError

SETTINGS = AuthSettings(secret=secrets.token_urlsafe(48))


@pytest.fixture
def user(session: Session) -> User:
    user = User(email="alice@example.com", password_hash="unused here")
    session.add(user)
    session.commit()
    return user


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict[str, Any], claims: dict[str, Any], key: bytes | None, digest: Any) -> str:
    """A JWT assembled by hand, signed with HMAC-``digest`` under ``key`` (unsigned if None)."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    signature = hmac.new(key, signing_input.encode(), digest).digest() if key else b""
    return f"{signing_input}.{b64(signature)}"


def good_claims(user_id: str = "u1") -> dict[str, Any]:
    now = int(time.time())
    return {"sub": user_id, "type": "access", "iat": now, "exp": now + 900,
            "iss": "contract-qa", "jti": "j1"}  # fmt: skip


def rejected(token: str) -> str:
    with pytest.raises(AuthError) as caught:
        decode_access(token, SETTINGS)
    assert caught.value.status == 401 and isinstance(caught.value, AgentError)
    return caught.value.reason


def test_a_fresh_access_token_decodes_to_its_user() -> None:
    now = datetime.now(UTC)
    claims = decode_access(create_access_token("u1", SETTINGS, now=now), SETTINGS)
    assert claims.user_id == "u1"
    assert (claims.expires_at - claims.issued_at).total_seconds() == SETTINGS.access_ttl_s
    # The hand-built signer agrees with pyjwt, so the forgeries below differ only where intended.
    secret = SETTINGS.secret.encode()
    assert decode_access(forge({"alg": "HS256"}, good_claims(), secret, hashlib.sha256), SETTINGS)


def test_alg_none_is_refused() -> None:
    unsigned = forge({"alg": "none", "typ": "JWT"}, good_claims(), None, None)
    assert rejected(unsigned) == "token algorithm not allowed"


def test_tampered_payload_is_refused() -> None:
    header, _payload, signature = create_access_token("u1", SETTINGS).split(".")
    evil = b64(json.dumps(good_claims("someone-else")).encode())
    assert rejected(f"{header}.{evil}.{signature}") == "token signature is invalid"


def test_a_token_signed_with_another_secret_is_refused() -> None:
    other = AuthSettings(secret=secrets.token_urlsafe(48))
    assert rejected(create_access_token("u1", other)) == "token signature is invalid"


def test_an_expired_token_is_refused() -> None:
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    assert rejected(create_access_token("u1", SETTINGS, now=an_hour_ago)) == "access token expired"


def test_a_token_from_the_future_is_refused() -> None:
    later = datetime.now(UTC) + timedelta(hours=1)
    assert rejected(create_access_token("u1", SETTINGS, now=later)) == "token is not valid yet"


def test_other_algorithms_are_refused_even_with_the_right_secret() -> None:
    secret = SETTINGS.secret.encode()
    assert rejected(forge({"alg": "HS512"}, good_claims(), secret, hashlib.sha512)) == (
        "token algorithm not allowed"
    )
    # Key confusion: claim RS256 but sign with HMAC, hoping the verifier feeds its "public key"
    # (here: the secret) to the HMAC check. The allow-list refuses before any key is used.
    confused = forge({"alg": "RS256"}, good_claims(), secret, hashlib.sha256)
    assert rejected(confused) == "token algorithm not allowed"


def test_a_genuine_rs256_token_is_refused() -> None:
    rsa = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.rsa")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert rejected(jwt.encode(good_claims(), key, algorithm="RS256")) == (
        "token algorithm not allowed"
    )


def test_missing_claims_wrong_issuer_and_garbage_are_refused() -> None:
    secret = SETTINGS.secret.encode()
    no_exp = {k: v for k, v in good_claims().items() if k != "exp"}
    assert "exp" in rejected(forge({"alg": "HS256"}, no_exp, secret, hashlib.sha256))
    elsewhere = {**good_claims(), "iss": "someone-else"}
    assert rejected(forge({"alg": "HS256"}, elsewhere, secret, hashlib.sha256)) == (
        "token was issued by someone else"
    )
    for garbage in ["", "abc", "a.b.c", "x" * 5000, "eyJhbGciOiJIUzI1NiJ9.e30"]:
        assert rejected(garbage) == "malformed token"


def test_a_refresh_token_is_not_an_access_token(session: Session, user: User) -> None:
    pair = issue_tokens(session, user, SETTINGS)
    assert rejected(pair.refresh_token) == "malformed token"  # opaque: not even a JWT
    # A correctly signed JWT of another type must not pass either.
    as_refresh = {**good_claims(user.id), "type": "refresh"}
    token = forge({"alg": "HS256"}, as_refresh, SETTINGS.secret.encode(), hashlib.sha256)
    assert rejected(token) == "not an access token"


def test_settings_keep_the_secret_out_of_logs() -> None:
    assert SETTINGS.secret not in repr(SETTINGS)


def _row(session: Session, token_id: str) -> RefreshToken:
    session.expire_all()
    row = session.get(RefreshToken, token_id)
    assert row is not None
    return row


def test_refresh_rotates_and_stores_only_hashes(session: Session, user: User) -> None:
    first = issue_tokens(session, user, SETTINGS)
    assert first.as_dict()["user"] == {"id": user.id, "email": "alice@example.com"}
    assert first.as_dict()["token_type"] == "bearer" and first.expires_in == 900
    second = rotate(session, first.refresh_token, SETTINGS)
    assert second.refresh_token != first.refresh_token
    assert decode_access(second.access_token, SETTINGS).user_id == user.id
    rows = session.scalars(select(RefreshToken).order_by(RefreshToken.created_at)).all()
    assert len(rows) == 2 and rows[0].family_id == rows[1].family_id
    old, new = sorted(rows, key=lambda r: r.revoked_at is None)
    assert old.revoked_at is not None and old.replaced_by == new.id and new.revoked_at is None
    for row in rows:  # the database never sees a token, only its sha256
        assert row.token_hash not in (first.refresh_token, second.refresh_token)
        assert len(row.token_hash) == 64
    lifetime = new.expires_at - new.created_at
    assert lifetime == timedelta(days=14)


def test_reusing_a_rotated_token_revokes_the_whole_family(session: Session, user: User) -> None:
    stolen = issue_tokens(session, user, SETTINGS)
    other_device = issue_tokens(session, user, SETTINGS)  # a second login: its own family
    legit = rotate(session, stolen.refresh_token, SETTINGS)
    with pytest.raises(AuthError, match="reused"):
        rotate(session, stolen.refresh_token, SETTINGS)
    with pytest.raises(AuthError, match="revoked"):  # the thief's copy of the successor too
        rotate(session, legit.refresh_token, SETTINGS)
    assert rotate(session, other_device.refresh_token, SETTINGS).user_id == user.id


def test_a_concurrent_rotation_loses_and_counts_as_reuse(make_session: Any, user: User) -> None:
    pair = issue_tokens(make_session(), user, SETTINGS)
    with make_session() as slow, make_session() as fast:
        # `slow` has read the token as live, then `fast` rotates it first.
        stale = slow.scalar(select(RefreshToken))
        assert stale is not None and stale.revoked_at is None
        rotate(fast, pair.refresh_token, SETTINGS)
        with pytest.raises(AuthError, match="reused"):
            rotate(slow, pair.refresh_token, SETTINGS)
        fast.expire_all()
        assert all(row.revoked_at for row in fast.scalars(select(RefreshToken)))


def test_expired_and_unknown_refresh_tokens_fail(session: Session, user: User) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=15)
    old = issue_tokens(session, user, SETTINGS, now=long_ago)
    with pytest.raises(AuthError, match="expired"):
        rotate(session, old.refresh_token, SETTINGS)
    with pytest.raises(AuthError, match="unknown"):
        rotate(session, secrets.token_urlsafe(32), SETTINGS)
    with pytest.raises(AuthError, match="unknown"):
        rotate(session, "x" * 10_000, SETTINGS)


def test_logout_revokes_the_family_and_is_idempotent(session: Session, user: User) -> None:
    first = issue_tokens(session, user, SETTINGS)
    second = rotate(session, first.refresh_token, SETTINGS)
    kept = issue_tokens(session, user, SETTINGS)
    assert logout(session, second.refresh_token) is True
    with pytest.raises(AuthError, match="revoked"):
        rotate(session, second.refresh_token, SETTINGS)
    assert logout(session, second.refresh_token) is False
    assert logout(session, "never-issued") is False
    assert rotate(session, kept.refresh_token, SETTINGS).user_id == user.id  # other login lives
    assert revoke_all(session, user.id) == 1
    tokens = session.scalars(select(RefreshToken)).all()
    assert len(tokens) == 4 and all(_row(session, t.id).revoked_at for t in tokens)
