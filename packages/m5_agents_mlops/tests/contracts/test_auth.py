"""Sign-up, login, passwords, the login rate limits and the signing secret."""

from __future__ import annotations

import os
import stat
import threading
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from m5_agents_mlops.contracts import auth
from m5_agents_mlops.contracts.db import Base, LoginAttempt, make_engine, session_factory
from m5_agents_mlops.contracts.ratelimit import ip_key
from m5_agents_mlops.errors import AgentError

PASSWORD = "correct horse 42"


class CountingHasher(PasswordHasher):
    """Cheap argon2 parameters (tests need speed, not strength) and a count of verifications."""

    def __init__(self, time_cost: int = 1, memory_cost: int = 1024) -> None:
        super().__init__(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def hasher() -> CountingHasher:
    return CountingHasher()


def test_argon2id_with_the_real_parameters(hasher: CountingHasher) -> None:
    stored = auth.hash_password(PASSWORD)  # the production parameters: ~0.1-0.4 s per call
    assert stored.startswith("$argon2id$") and "m=65536,t=3,p=4" in stored
    assert PASSWORD not in stored
    assert auth.verify_password(stored, PASSWORD)
    assert not auth.verify_password(stored, PASSWORD + "!")
    assert not auth.verify_password("not a hash", PASSWORD)  # corrupt: a mismatch, no crash
    cheap = auth.hash_password(PASSWORD, hasher)
    assert auth.hash_password(PASSWORD, hasher) != cheap  # salted: equal passwords, new hashes


def test_passwords_are_compared_after_unicode_normalisation(hasher: CountingHasher) -> None:
    composed = "Crème brûlée 1"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert auth.verify_password(auth.hash_password(composed, hasher), decomposed, hasher)


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Short1!", "at least 10"),
        ("x" * 257 + "A1", "at most 256"),
        ("alllowercaseletters", "two kinds"),
        ("12345678901234", "two kinds"),
        ("Xx alice 2024!", "email"),
    ],
)
def test_the_password_policy(password: str, rule: str) -> None:
    with pytest.raises(auth.WeakPassword, match=rule) as caught:
        auth.check_password_policy(password, "alice@example.com")
    assert caught.value.status == 422


def test_acceptable_passwords_pass_the_policy() -> None:
    for password in [PASSWORD, "ALLCAPS AND SPACE", "Passphrase-of-ten", "x" * 255 + "1"]:
        auth.check_password_policy(password, "alice@example.com")


def test_emails_are_trimmed_lower_cased_and_checked() -> None:
    assert auth.normalise_email("  Alice.B+tag@Example.COM ") == "alice.b+tag@example.com"
    for bad in ["", "alice", "alice@", "@example.com", "a@b", "a b@example.com",
                "a@exa mple.com", "a@@example.com", "x" * 65 + "@example.com",
                "a@" + "b" * 250 + ".com", "a@example.com\nBcc: x@y.zz"]:  # fmt: skip
        with pytest.raises(auth.InvalidEmail):
            auth.normalise_email(bad)


def test_signup_stores_a_hash_and_refuses_a_taken_email(
    session: Session, hasher: CountingHasher
) -> None:
    user = auth.signup(session, " Alice@Example.com", PASSWORD, hasher=hasher)
    assert user.email == "alice@example.com" and len(user.id) == 32
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    with pytest.raises(auth.EmailTaken) as caught:
        auth.signup(session, "ALICE@example.com", "another Password 1", hasher=hasher)
    assert caught.value.status == 409 and isinstance(caught.value, AgentError)
    with pytest.raises(auth.WeakPassword):
        auth.signup(session, "bob@example.com", "weak", hasher=hasher)
    with pytest.raises(auth.InvalidEmail):
        auth.signup(session, "bob", PASSWORD, hasher=hasher)


def test_simultaneous_signups_create_one_account(make_session: Any) -> None:
    # Both requests pass the "is the email free?" check before either inserts: only the unique
    # constraint can stop the second, and its IntegrityError must become EmailTaken.
    both_checked = threading.Barrier(2, timeout=10)

    class MeetingHasher(CountingHasher):
        def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
            both_checked.wait()
            return super().hash(password, salt=salt)

    outcomes: list[str] = []

    def sign_up() -> None:
        with make_session() as session:
            try:
                auth.signup(session, "race@example.com", PASSWORD, hasher=MeetingHasher())
                outcomes.append("created")
            except auth.EmailTaken:
                outcomes.append("taken")

    threads = [threading.Thread(target=sign_up) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "taken"]


def test_login_succeeds_and_fails_the_same_way_for_unknown_users(
    session: Session, hasher: CountingHasher
) -> None:
    user = auth.signup(session, "alice@example.com", PASSWORD, hasher=hasher)
    limiter = auth.LoginLimiter()
    assert auth.login(session, limiter, " ALICE@example.com", PASSWORD, "10.0.0.1",
                      hasher=hasher).id == user.id  # fmt: skip
    errors = []
    for email, password in [("alice@example.com", "wrong Password 1"), ("nobody@example.com",
                            PASSWORD), ("not an email", PASSWORD)]:  # fmt: skip
        before = hasher.verified
        with pytest.raises(auth.InvalidCredentials) as caught:
            auth.login(session, limiter, email, password, "10.0.0.1", hasher=hasher)
        errors.append((caught.value.status, str(caught.value)))
        # One argon2 verification every time, against a dummy hash when there is no account:
        # "no such user" takes as long as "wrong password".
        assert hasher.verified == before + 1
    assert set(errors) == {(401, "wrong email or password")}


def test_login_upgrades_a_hash_made_with_weaker_parameters(session: Session) -> None:
    weak, stronger = CountingHasher(time_cost=1), CountingHasher(time_cost=2)
    user = auth.signup(session, "alice@example.com", PASSWORD, hasher=weak)
    old = user.password_hash
    auth.login(session, auth.LoginLimiter(), "alice@example.com", PASSWORD, None, hasher=stronger)
    session.refresh(user)
    assert user.password_hash != old and ",t=2," in user.password_hash
    assert auth.verify_password(user.password_hash, PASSWORD, stronger)


def _fail(session: Session, limiter: auth.LoginLimiter, hasher: PasswordHasher,
          email: str = "alice@example.com", ip: str = "10.0.0.1") -> None:  # fmt: skip
    with pytest.raises(auth.InvalidCredentials):
        auth.login(session, limiter, email, "wrong Password 1", ip, hasher=hasher)


def test_rate_limit_per_account_with_retry_after(session: Session, hasher: CountingHasher) -> None:
    auth.signup(session, "alice@example.com", PASSWORD, hasher=hasher)
    clock = Clock()
    limiter = auth.LoginLimiter(max_per_account=5, max_per_ip=100, window_s=300, now=clock)
    for i in range(5):  # one failure every 10 s, from five different addresses
        _fail(session, limiter, hasher, ip=f"10.0.0.{i}")
        clock.advance(10)
    verified = hasher.verified
    with pytest.raises(auth.RateLimited) as caught:  # even the right password, from anywhere
        auth.login(session, limiter, "alice@example.com", PASSWORD, "10.9.9.9", hasher=hasher)
    assert caught.value.status == 429 and caught.value.scope == "account"
    assert caught.value.retry_after_s == 300 - 50  # until the first failure leaves the window
    assert hasher.verified == verified  # a limited attempt never reaches argon2
    clock.advance(caught.value.retry_after_s)
    user = auth.login(session, limiter, "alice@example.com", PASSWORD, "10.9.9.9", hasher=hasher)
    assert user.email == "alice@example.com"
    for _ in range(5):  # the success cleared the account's failures: five more are allowed
        _fail(session, limiter, hasher)
    with pytest.raises(auth.RateLimited):
        _fail(session, limiter, hasher)


def test_rate_limit_per_address(session: Session, hasher: CountingHasher) -> None:
    clock = Clock()
    limiter = auth.LoginLimiter(max_per_account=5, max_per_ip=20, window_s=300, now=clock)
    for i in range(20):  # password spraying: one guess each at twenty accounts
        _fail(session, limiter, hasher, email=f"user{i}@example.com", ip="203.0.113.7")
    with pytest.raises(auth.RateLimited) as caught:
        _fail(session, limiter, hasher, email="fresh@example.com", ip="203.0.113.7")
    assert caught.value.scope == "address" and caught.value.retry_after_s == 300
    _fail(session, limiter, hasher, email="fresh@example.com", ip="198.51.100.1")  # others pass
    # A success on some account does not reset the address's counter.
    auth.signup(session, "mine@example.com", PASSWORD, hasher=hasher)
    with pytest.raises(auth.RateLimited):
        auth.login(session, limiter, "mine@example.com", PASSWORD, "203.0.113.7", hasher=hasher)
    clock.advance(301)
    assert auth.login(session, limiter, "mine@example.com", PASSWORD, "203.0.113.7",
                      hasher=hasher).email == "mine@example.com"  # fmt: skip
    # Rows older than the window were pruned on the way: the table stays small.
    assert session.scalar(select(func.count()).select_from(LoginAttempt)) <= 3


def test_the_limit_is_shared_by_separate_processes(tmp_path: Path, hasher: CountingHasher) -> None:
    # Two engines on one file stand in for two API workers: the counts live in the database.
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    engines = [make_engine(url), make_engine(url)]
    Base.metadata.create_all(engines[0])
    clock = Clock()
    workers = [(session_factory(e)(), auth.LoginLimiter(max_per_account=4, now=clock))
               for e in engines]  # fmt: skip
    for i in range(4):
        session, limiter = workers[i % 2]
        _fail(session, limiter, hasher)
    for session, limiter in workers:
        with pytest.raises(auth.RateLimited):
            _fail(session, limiter, hasher)
        session.close()
    for engine in engines:
        engine.dispose()


def test_ipv6_clients_are_counted_per_64_block() -> None:
    assert ip_key("2001:db8:1:2::1") == ip_key("2001:db8:1:2:ffff::9") == "ip:2001:db8:1:2::/64"
    assert ip_key("2001:db8:1:3::1") != ip_key("2001:db8:1:2::1")
    assert ip_key("::ffff:192.0.2.1") == ip_key("192.0.2.1") == "ip:192.0.2.1"
    assert ip_key("testclient") == "ip:testclient"


def test_the_secret_comes_from_the_environment_or_a_private_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(auth.SECRET_ENV, raising=False)
    path = auth.default_secret_path(tmp_path)
    secret = auth.load_or_create_secret(path)
    assert len(secret) >= 32 and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert auth.load_or_create_secret(path) == secret  # the same one on the next start
    assert [p.name for p in path.parent.iterdir()] == ["secret.key"]  # no temporary left over
    monkeypatch.setenv(auth.SECRET_ENV, "e" * 40)
    assert auth.load_or_create_secret(path) == "e" * 40  # the environment wins
    monkeypatch.setenv(auth.SECRET_ENV, "too short")
    with pytest.raises(auth.AuthConfigError):
        auth.load_or_create_secret(path)
    with pytest.raises(auth.AuthConfigError):
        auth.AuthSettings(secret="too short")


def test_processes_starting_together_agree_on_one_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(auth.SECRET_ENV, raising=False)
    path = tmp_path / "data" / "secret.key"
    seen: list[str] = []
    threads = [threading.Thread(target=lambda: seen.append(auth.load_or_create_secret(path)))
               for _ in range(8)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8 and len(set(seen)) == 1
    path.write_text("short\n")
    with pytest.raises(auth.AuthConfigError):
        auth.load_or_create_secret(path)
