"""Contract-QA authentication: sign-up, login, and (re-exported) tokens and settings.

This is the module the API imports. The flow it implements:

1. ``signup`` validates the email and password, stores an argon2id hash, never the password.
2. ``login`` checks the rate limits first, then the password, always spending one argon2
   verification (against a dummy hash when the email is unknown) so that response time does not
   reveal which emails have accounts; every failure is recorded for the limiter.
3. ``tokens.issue_tokens`` hands out an access JWT (15 min) and a refresh token (14 days);
   ``tokens.rotate`` trades the refresh token for a new pair; ``tokens.logout`` revokes it.

Each function commits its own unit of work, so a recorded failure survives the exception that
reports it.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from m5_agents_mlops.contracts.db import User
from m5_agents_mlops.contracts.ratelimit import LoginLimiter
from m5_agents_mlops.contracts.security import (
    MAX_EMAIL_CHARS,
    MAX_PASSWORD_CHARS,
    PASSWORD_HASHER,
    SECRET_ENV,
    AuthConfigError,
    AuthError,
    AuthInputError,
    AuthSettings,
    EmailTaken,
    InvalidCredentials,
    InvalidEmail,
    RateLimited,
    WeakPassword,
    check_password_policy,
    default_secret_path,
    dummy_hash,
    hash_password,
    load_or_create_secret,
    normalise_email,
    verify_password,
)
from m5_agents_mlops.contracts.tokens import (
    AccessClaims,
    Tokens,
    create_access_token,
    decode_access,
    issue_tokens,
    logout,
    revoke_all,
    rotate,
)

__all__ = [
    "SECRET_ENV",
    "AccessClaims",
    "AuthConfigError",
    "AuthError",
    "AuthInputError",
    "AuthSettings",
    "EmailTaken",
    "InvalidCredentials",
    "InvalidEmail",
    "LoginLimiter",
    "RateLimited",
    "Tokens",
    "WeakPassword",
    "check_password_policy",
    "create_access_token",
    "decode_access",
    "default_secret_path",
    "hash_password",
    "issue_tokens",
    "load_or_create_secret",
    "login",
    "logout",
    "normalise_email",
    "revoke_all",
    "rotate",
    "signup",
    "verify_password",
]


def signup(
    session: Session, email: str, password: str, *, hasher: PasswordHasher = PASSWORD_HASHER
) -> User:
    """Create an account. Raises InvalidEmail / WeakPassword (422) or EmailTaken (409).

    The existence check up front only saves an argon2 hash for the common case; the unique
    constraint on ``users.email`` is what makes two simultaneous sign-ups safe: the second
    INSERT fails, and its IntegrityError becomes the same EmailTaken.
    """
    email = normalise_email(email)
    check_password_policy(password, email)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise EmailTaken()
    user = User(email=email, password_hash=hash_password(password, hasher))
    session.add(user)
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise EmailTaken() from error
    return user


def login(
    session: Session,
    limiter: LoginLimiter,
    email: str,
    password: str,
    ip: str | None,
    *,
    hasher: PasswordHasher = PASSWORD_HASHER,
) -> User:
    """The user whose email and password these are. Raises RateLimited (429) while the account
    or the address is over its limit, and InvalidCredentials (401) otherwise on any mismatch.

    Email format is not validated here: a malformed email simply has no account, and saying
    "invalid email" would answer differently from "wrong password".
    """
    email = email.strip().lower()
    limiter.check(session, email, ip)
    user = None
    if len(email) <= MAX_EMAIL_CHARS:
        user = session.scalar(select(User).where(User.email == email))
    if len(password) > MAX_PASSWORD_CHARS:
        ok = False  # never stored, so never right; and not worth hashing
    else:
        stored = user.password_hash if user is not None else dummy_hash(hasher)
        ok = verify_password(stored, password, hasher) and user is not None
    if not ok or user is None:
        limiter.record_failure(session, email, ip)
        session.commit()
        raise InvalidCredentials()
    if hasher.check_needs_rehash(user.password_hash):
        # The hash was made with weaker parameters than today's: upgrade it now, the only
        # moment we hold the plain password.
        user.password_hash = hash_password(password, hasher)
    limiter.record_success(session, email, ip)
    session.commit()
    return user
