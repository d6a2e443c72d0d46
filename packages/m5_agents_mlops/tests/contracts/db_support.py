"""Database helpers shared by ``test_db.py`` (SQLite) and ``test_postgres.py`` (PostgreSQL)."""

from __future__ import annotations

import threading

from m5_agents_mlops.contracts.migrations import migrate


def migrate_concurrently(url: str, workers: int = 3) -> list[BaseException]:
    """Run ``migrate(url)`` from ``workers`` threads at once, as uvicorn workers do when they all
    start together, and return what they raised: empty when the migration lock serialised them.

    Errors are collected rather than left to the threads because an exception in a thread only
    prints; the test must see it to fail."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            migrate(url)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
