"""Login rate limiting, per account and per client address, stored in the database.

A sliding window over the ``login_attempts`` table: at most ``max_per_account`` failed logins for
one email and ``max_per_ip`` for one client address in the last ``window_s`` seconds. It lives in
the database, not in process memory, so four uvicorn workers (or four machines sharing a
PostgreSQL) enforce one limit together instead of four separate ones.

Two limits because they stop two attacks: the per-account limit stops guessing one user's
password from many addresses; the per-address limit stops one address trying a common password
against many accounts ("password spraying"). A successful login clears the account's failures
but not the address's, or an attacker with one valid account could reset their own counter.

Check-then-record is not atomic: N requests that arrive together may all pass the check before
any records its failure, so the limit can be overshot by the number of concurrent requests. That
bound is small and known; a strict limit would need a lock per key on every login.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from m5_agents_mlops.contracts.db import LoginAttempt, utc_now
from m5_agents_mlops.contracts.security import RateLimited


def account_key(email: str) -> str:
    return f"email:{email.strip().lower()[:300]}"


def ip_key(ip: str) -> str:
    """``ip:<address>``. IPv6 clients are counted per /64, the block one subscriber usually
    gets: counting single addresses would give an attacker 2**64 fresh counters."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return f"ip:{ip.strip()[:64]}"  # e.g. "testclient": still a stable key
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return f"ip:{address.ipv4_mapped}"
        return f"ip:{ipaddress.ip_network(f'{address}/64', strict=False)}"
    return f"ip:{address}"


@dataclass
class LoginLimiter:
    """Sliding-window limits on failed logins. ``now`` is injectable so tests control time."""

    max_per_account: int = 5
    max_per_ip: int = 20
    window_s: int = 300
    now: Callable[[], datetime] = field(default=utc_now)

    def _limits(self, email: str, ip: str | None) -> list[tuple[str, int, str]]:
        limits = [(account_key(email), self.max_per_account, "account")]
        if ip:
            limits.append((ip_key(ip), self.max_per_ip, "address"))
        return limits

    def check(self, session: Session, email: str, ip: str | None) -> None:
        """Raise RateLimited if the account or the address is at its limit of failures.

        The limit-th most recent failure is the one that must leave the window before another
        attempt is allowed, so Retry-After is the time until it does.
        """
        now = self.now()
        since = now - timedelta(seconds=self.window_s)
        waits: list[tuple[float, str]] = []
        for key, limit, scope in self._limits(email, ip):
            recent = session.scalars(
                select(LoginAttempt.at)
                .where(LoginAttempt.key == key, LoginAttempt.ok.is_(False))
                .where(LoginAttempt.at > since)
                .order_by(LoginAttempt.at.desc())
                .limit(limit)
            ).all()
            if len(recent) >= limit:
                waits.append(((recent[-1] - since).total_seconds(), scope))
        if waits:
            wait, scope = max(waits)
            raise RateLimited(max(1, math.ceil(wait)), scope)

    def record_failure(self, session: Session, email: str, ip: str | None) -> None:
        """Count a failed login against the account and the address (the caller commits)."""
        now = self.now()
        for key, _limit, _scope in self._limits(email, ip):
            session.add(LoginAttempt(key=key, at=now, ok=False))
        self._prune(session, now)

    def record_success(self, session: Session, email: str, ip: str | None) -> None:
        """Clear the account's failures (not the address's) and note the success."""
        now = self.now()
        key = account_key(email)
        session.execute(
            delete(LoginAttempt).where(LoginAttempt.key == key, LoginAttempt.ok.is_(False))
        )
        session.add(LoginAttempt(key=key, at=now, ok=True))
        self._prune(session, now)

    def _prune(self, session: Session, now: datetime) -> None:
        # Rows older than the window can never matter again; the index on `at` makes this cheap
        # and keeps the table as small as the last few minutes of traffic.
        cutoff = now - timedelta(seconds=self.window_s)
        session.execute(delete(LoginAttempt).where(LoginAttempt.at < cutoff))
