"""The building blocks of Contract-QA's auth: errors, settings, the signing secret, passwords.

Every error carries the HTTP ``status`` it maps to, so the API turns any of them into
``{"detail": reason}`` with that status in one generic handler. ``auth.py`` assembles these
pieces into sign-up and login; ``tokens.py`` issues and checks tokens; ``ratelimit.py`` counts
failed logins.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from m5_agents_mlops.errors import AgentError

SECRET_ENV = "CONTRACT_QA_SECRET"
MIN_SECRET_BYTES = 32  # HS256 signs with a 256-bit HMAC; a shorter key is the weakest link
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 256
MAX_EMAIL_CHARS = 254  # RFC 5321's limit on a forward path, minus the angle brackets


# --- errors ---------------------------------------------------------------------------------


class AuthError(AgentError):
    """401: the caller is not authenticated (bad credentials, a bad or expired token)."""

    status = 401

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidCredentials(AuthError):
    """401 on login. One message for "no such user" and "wrong password": never say which."""

    def __init__(self) -> None:
        super().__init__("wrong email or password")


class EmailTaken(AgentError):
    """409: sign-up with an email that already has an account."""

    status = 409

    def __init__(self) -> None:
        super().__init__("an account with this email already exists")
        self.reason = str(self)


class AuthInputError(AgentError):
    """422: a sign-up field that breaks the rules (the message says which rule)."""

    status = 422

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidEmail(AuthInputError):
    """422: not an email address this service accepts."""


class WeakPassword(AuthInputError):
    """422: a password that fails the policy (``check_password_policy``)."""


class RateLimited(AgentError):
    """429: too many failed logins; ``retry_after_s`` goes into the Retry-After header."""

    status = 429

    def __init__(self, retry_after_s: int, scope: str = "account") -> None:
        super().__init__(f"too many failed logins for this {scope}; retry in {retry_after_s} s")
        self.reason = str(self)
        self.retry_after_s = retry_after_s
        self.scope = scope


class AuthConfigError(AgentError):
    """The server is misconfigured (a short secret): a start-up error, not the caller's fault."""

    status = 503


# --- settings and the signing secret --------------------------------------------------------


def check_secret(secret: str) -> str:
    """``secret`` if it is long enough to sign tokens with, else AuthConfigError."""
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise AuthConfigError(
            f"the token secret must be at least {MIN_SECRET_BYTES} bytes "
            f"(set {SECRET_ENV} to e.g. the output of: python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))')"
        )
    return secret


@dataclass(frozen=True)
class AuthSettings:
    """How tokens are made. ``secret`` signs access tokens (HS256); it is kept out of ``repr``
    so it never lands in a log line."""

    secret: str = field(repr=False)
    access_ttl_s: int = 900  # short: an access token cannot be revoked, only waited out
    refresh_ttl_s: int = 14 * 24 * 3600
    issuer: str = "contract-qa"
    leeway_s: int = 5  # clock skew tolerated between the API processes that share the secret

    def __post_init__(self) -> None:
        check_secret(self.secret)
        if self.access_ttl_s <= 0 or self.refresh_ttl_s <= 0:
            raise AuthConfigError("token lifetimes must be positive")


def default_secret_path(data_dir: Path) -> Path:
    """Where ``load_or_create_secret`` keeps the secret by default: beside the SQLite file."""
    return Path(data_dir) / "contract-qa" / "secret.key"


def load_or_create_secret(path: Path) -> str:
    """The token secret: ``$CONTRACT_QA_SECRET`` if set, else the file at ``path``, created on
    first use with 384 random bits and mode 0600.

    Several processes may start at once, so creation is atomic and first-wins: the secret is
    written to a private temporary file, then hard-linked into place, which fails if another
    process linked first; everyone then reads the one file that won.
    """
    from_env = os.environ.get(SECRET_ENV)
    if from_env:
        return check_secret(from_env.strip())
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-")  # created with 0600
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process won the race: use its secret
            except OSError:  # a filesystem without hard links
                if not path.exists():
                    os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return check_secret(path.read_text(encoding="utf-8").strip())


# --- emails and passwords -------------------------------------------------------------------

# Deliberately plain ASCII: local part of RFC 5322 "atext" dots, a domain of DNS labels with at
# least one dot. No network check (no MX lookup): confirming ownership would take an email.
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def normalise_email(email: str) -> str:
    """``email`` trimmed and lower-cased, or InvalidEmail. Lower-casing the local part is not
    strictly RFC-correct, but no real provider distinguishes case, and people type both."""
    email = email.strip().lower()
    if len(email) > MAX_EMAIL_CHARS or not _EMAIL.fullmatch(email):
        raise InvalidEmail("not a valid email address")
    if len(email.split("@")[0]) > 64:
        raise InvalidEmail("not a valid email address (the part before @ is too long)")
    return email


def _character_classes(password: str) -> int:
    classes = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),  # spaces, punctuation, symbols
    ]
    return sum(classes)


def check_password_policy(password: str, email: str | None = None) -> None:
    """The password policy, kept short on purpose (NIST SP 800-63B favours length over
    composition rules): 10 to 256 characters, at least two kinds of character (lower case,
    upper case, digits, others), and not containing the email's name. Raises WeakPassword.

    The upper bound is not about storage (the hash has a fixed size) but about the server doing
    unbounded work on an attacker's megabyte "password".
    """
    length = len(password)
    if length < MIN_PASSWORD_CHARS:
        raise WeakPassword(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
    if length > MAX_PASSWORD_CHARS:
        raise WeakPassword(f"the password may have at most {MAX_PASSWORD_CHARS} characters")
    if _character_classes(password) < 2:
        raise WeakPassword(
            "the password needs two kinds of character: lower case, upper case, digits, others"
        )
    name = (email or "").split("@")[0]
    if len(name) >= 4 and name in password.lower():
        raise WeakPassword("the password must not contain your email address")


# argon2id with the library's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes).
# The parameters are stored in each hash, so raising them later upgrades users as they log in.
PASSWORD_HASHER = PasswordHasher()
_dummy_hashes: dict[tuple[int, int, int], str] = {}


def _prepare(password: str) -> str:
    # NFKC: the same password typed on two keyboards (composed é vs e + accent) hashes the same.
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str, hasher: PasswordHasher = PASSWORD_HASHER) -> str:
    """An argon2id hash of ``password``, salt and parameters included (``$argon2id$v=19$...``)."""
    return hasher.hash(_prepare(password))


def verify_password(
    password_hash: str, password: str, hasher: PasswordHasher = PASSWORD_HASHER
) -> bool:
    """Whether ``password`` matches ``password_hash``. A corrupt hash is a mismatch, not a crash."""
    try:
        return hasher.verify(password_hash, _prepare(password))
    except (VerificationError, InvalidHashError):
        return False


def dummy_hash(hasher: PasswordHasher = PASSWORD_HASHER) -> str:
    """A hash of a random password with ``hasher``'s parameters, made once per parameter set.

    Login verifies against it when the email has no account, so "no such user" costs as much
    time as "wrong password" and response times do not reveal who has an account.
    """
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hasher.hash(secrets.token_urlsafe(16))
    return _dummy_hashes[key]
