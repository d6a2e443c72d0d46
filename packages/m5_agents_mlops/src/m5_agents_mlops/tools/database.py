"""A database tool: read-only SQL over real data, with every way to write refused, three times.

An agent that can write SQL can answer "what fraction of third-class passengers survived?" from
data instead of from memory. It can also write ``DROP TABLE``, because a model does what its
context suggests, and its context may hold text it fetched from the web. So the database is built
once from the registry's data (Titanic; MovieLens normalised into movies + ratings) and opened
in a way that cannot change it, in layers, each enough on its own:

1. the file is opened read-only (``file:...?mode=ro``) and ``PRAGMA query_only`` is on;
2. an *authorizer* (``Connection.set_authorizer``) lets SQLite's compiler use only reads:
   SELECT, reading columns, functions, recursive CTEs. INSERT, ATTACH, PRAGMA... are denied
   before anything runs, whatever text produced them (``WITH x AS (...) DELETE ...`` included);
3. the text must be one statement (``execute`` itself refuses a second one) starting with SELECT
   or WITH, which lets us say *why* a query is refused in words the model understands.

A query also gets a time limit (a progress handler interrupts SQLite) and a row cap: a model
that writes ``SELECT * FROM ratings`` gets 50 rows and a note saying how many more there were.
``describe_database`` shows the schema (with column comments) and row counts, because a model
must see the tables before it can write SQL against them.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from m4_genai.llm import Tool
from m5_agents_mlops.errors import ToolError
from m5_agents_mlops.tools.core import tool
from roadmap_data import data_dir, load_movielens, load_titanic

SCHEMA_VERSION = 1
"""Stored as ``PRAGMA user_version``: a database built with an older schema is rebuilt."""
MAX_ROWS = 50
MAX_SECONDS = 2.0
MAX_CELL_CHARS = 80
# SQLite keeps a CREATE statement's text verbatim, comments included: they document the columns
# for the model in ``describe_database``.
SCHEMA = """
CREATE TABLE passengers (  -- Titanic passengers, one row each
    passenger_id INTEGER PRIMARY KEY,
    pclass INTEGER NOT NULL,    -- ticket class: 1, 2 or 3
    survived INTEGER NOT NULL,  -- 1 = survived, 0 = died
    sex TEXT NOT NULL,          -- 'female' or 'male'
    age REAL,                   -- years (fractions under 1); NULL when unknown
    sibsp INTEGER NOT NULL,     -- siblings + spouses aboard
    parch INTEGER NOT NULL      -- parents + children aboard
);
CREATE TABLE movies (  -- MovieLens movies
    movie_id INTEGER PRIMARY KEY,
    title TEXT,                 -- without the year, e.g. 'Toy Story'; NULL when unknown
    year INTEGER,               -- release year; NULL when unknown
    genres TEXT NOT NULL        -- '|'-separated, e.g. 'Adventure|Comedy'
);
CREATE TABLE ratings (  -- MovieLens ratings, one per user and movie
    user_id INTEGER NOT NULL,
    movie_id INTEGER NOT NULL REFERENCES movies(movie_id),
    rating REAL NOT NULL,       -- 0.5 to 5 stars, in halves
    rated_at TEXT NOT NULL      -- UTC time, 'YYYY-MM-DD HH:MM:SS'
);
CREATE INDEX ratings_by_movie ON ratings(movie_id);
CREATE INDEX ratings_by_user ON ratings(user_id);
"""
TABLES = ("passengers", "movies", "ratings")
LEADING_COMMENTS = re.compile(r"^(?:\s+|--[^\n]*|/\*.*?\*/)*", re.S)
READ_ACTIONS = {  # all the authorizer lets a statement do: read, call functions, recurse (CTEs)
    sqlite3.SQLITE_SELECT,
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_FUNCTION,
    sqlite3.SQLITE_RECURSIVE,
}


def default_database_path() -> Path:
    """Where the roadmap database lives: ``<data dir>/agents/roadmap.sqlite``."""
    return data_dir() / "agents" / "roadmap.sqlite"


def build_database(path: Path | None = None, force: bool = False) -> Path:
    """Write the roadmap database at ``path`` (default ``default_database_path()``); returns it.

    A file already built with this ``SCHEMA_VERSION`` is kept unless ``force``. The new file is
    written beside the target and moved into place with ``os.replace``, so a reader (or a second
    builder) never sees a half-written database.
    """
    path = Path(path) if path is not None else default_database_path()
    if not force and _schema_version(path) == SCHEMA_VERSION:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    os.chmod(temporary, 0o644)  # mkstemp makes it private; the database is meant to be shared
    try:
        # closing() closes the file; the connection's own context commits one transaction.
        with closing(sqlite3.connect(temporary)) as connection, connection:
            connection.executescript(SCHEMA)
            tables = {"passengers": _passengers(load_titanic()), **_movielens(load_movielens())}
            for table, frame in tables.items():  # NaN and pd.NA are written as NULL
                frame.to_sql(table, connection, if_exists="append", index=False)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return path


def _passengers(titanic: pd.DataFrame) -> pd.DataFrame:
    """Titanic with numbers where SQL wants them: ``pclass`` 1-3 (not '1st'), ``survived`` 0/1."""
    return pd.DataFrame({
        "passenger_id": range(1, len(titanic) + 1),
        "pclass": titanic["pclass"].str[0].astype(int),
        "survived": (titanic["survived"] == "survived").astype(int),
        "sex": titanic["sex"],
        "age": titanic["age"],
        "sibsp": titanic["sibsp"],
        "parch": titanic["parch"],
    })  # fmt: skip


def _movielens(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The registry's one wide table split into ``movies`` (one row per movie) and ``ratings``."""
    movies = (
        frame[["movieId", "title", "year", "genres"]]
        .drop_duplicates("movieId")
        .sort_values("movieId")
        .rename(columns={"movieId": "movie_id"})
    )
    movies["year"] = movies["year"].astype("Int64")  # NaN → NULL, 1995.0 → 1995
    rated_at = pd.to_datetime(frame["timestamp"], unit="s", utc=True).dt.strftime(
        "%Y-%m-%d %H:%M:%S"
    )
    ratings = pd.DataFrame({
        "user_id": frame["userId"], "movie_id": frame["movieId"],
        "rating": frame["rating"], "rated_at": rated_at,
    })  # fmt: skip
    return {"movies": movies, "ratings": ratings}


def _schema_version(path: Path) -> int | None:
    """The ``user_version`` of an existing database file, None when there is none."""
    if not path.is_file():
        return None
    try:
        with closing(_open_read_only(path)) as connection:
            return int(connection.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError:  # not a database (a truncated or foreign file): rebuild it
        return None


def _open_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write: read-only file mode, ``query_only`` on."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    connection.execute("PRAGMA query_only = ON")
    return connection


def _authorize(action: int, *_: Any) -> int:
    """The authorizer: SQLite asks before each operation a statement would do; only reads pass."""
    return sqlite3.SQLITE_OK if action in READ_ACTIONS else sqlite3.SQLITE_DENY


@dataclass(frozen=True)
class QueryResult:
    """Rows of one query: at most ``max_rows`` kept, ``more`` counts the rest."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    more: int = 0
    complete: bool = True
    """False when the time limit stopped the count of the rows beyond the cap."""

    def to_text(self) -> str:
        """A compact ``a | b`` table with a footer saying how many rows there were."""
        lines = [" | ".join(self.columns)]
        lines += [" | ".join(_cell(value) for value in row) for row in self.rows]
        shown = len(self.rows)
        if self.more or not self.complete:
            total = f"{shown + self.more}{'' if self.complete else '+'}"
            lines.append(f"({shown} of {total} rows shown: aggregate, filter or add a LIMIT)")
        else:
            lines.append(f"({shown} row{'' if shown == 1 else 's'})")
        return "\n".join(lines)


def _cell(value: Any) -> str:
    text = "NULL" if value is None else str(value)
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def run_query(
    query: str, path: Path | None = None, max_rows: int = MAX_ROWS, max_seconds: float = MAX_SECONDS
) -> QueryResult:
    """Run one read-only ``query`` on the database at ``path`` (built on first use).

    Raises ToolError saying why a query is refused (not a single SELECT/WITH, a write, too slow)
    or why SQLite rejected it (a misspelled column...).
    """
    words = LEADING_COMMENTS.sub("", query).split(None, 1)
    if not words or words[0].upper() not in ("SELECT", "WITH"):
        raise ToolError("only read queries are allowed: one statement starting with SELECT or WITH")
    connection = _open_read_only(build_database(path))
    connection.set_authorizer(_authorize)
    # A value of more than 10 MB (randomblob(10**9)) is an error, not a gigabyte in memory.
    connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 10_000_000)
    deadline = time.perf_counter() + max_seconds
    # Called every 1000 SQLite VM instructions; a true value interrupts the query.
    connection.set_progress_handler(lambda: time.perf_counter() > deadline, 1000)
    try:
        cursor = connection.execute(query)
        columns = [column[0] for column in cursor.description or ()]
        rows = cursor.fetchmany(max_rows)
        more, complete = _count_rest(cursor)
    except sqlite3.Error as error:
        raise ToolError(_explain(error, max_seconds)) from None
    finally:
        connection.close()
    return QueryResult(columns, rows, more, complete)


def _count_rest(cursor: sqlite3.Cursor) -> tuple[int, bool]:
    """How many rows remain beyond the cap (counted, not kept), and whether the count finished."""
    more = 0
    try:
        for _ in cursor:
            more += 1
    except sqlite3.OperationalError as error:
        if "interrupted" not in str(error):
            raise
        return more, False
    return more, True


def _explain(error: sqlite3.Error, max_seconds: float) -> str:
    """SQLite's message, with the reason in words for the refusals a model must understand."""
    message = str(error)
    if "not authorized" in message or "readonly" in message:
        return f"only read queries are allowed ({message})"
    if "one statement at a time" in message:  # execute() refuses "SELECT 1; DROP TABLE x"
        return "one statement at a time: send a single SELECT, without a second statement after ;"
    if "interrupted" in message:
        return f"the query was stopped after {max_seconds:g} s: simplify it or add a LIMIT"
    return f"SQLite error: {message}"


def describe(path: Path | None = None) -> str:
    """Each table's CREATE statement (with its column comments) and row count, as text."""
    with closing(_open_read_only(build_database(path))) as connection:
        schemas = dict(connection.execute("SELECT name, sql FROM sqlite_master WHERE type='table'"))
        parts = ["SQLite database (read-only). Tables:"]
        for table in TABLES:
            (rows,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
            parts.append(f"-- {table}: {rows} rows\n{schemas[table]};")
    return "\n\n".join(parts)


SQL_QUERY_DESCRIPTION = (
    "Run one read-only SQL query (SQLite dialect) on the database that describe_database shows, "
    "and return the rows as a table. One statement only, starting with SELECT or WITH; writes "
    "are refused. At most {max_rows} rows are shown: aggregate (COUNT, AVG, GROUP BY) or use "
    "LIMIT rather than reading whole tables."
)


def database_tools(
    path: Path | None = None, max_rows: int = MAX_ROWS, max_seconds: float = MAX_SECONDS
) -> list[Tool]:
    """``[describe_database, sql_query]`` over the database at ``path`` (default location when
    None; built on the first call, not here)."""

    @tool
    def describe_database() -> str:
        """Show the tables of the SQL database (Titanic passengers; MovieLens movies and
        ratings): each table's columns with their meaning, and its number of rows. Call it before
        writing a query with sql_query."""
        return describe(path)

    @tool(description=SQL_QUERY_DESCRIPTION.format(max_rows=max_rows))
    def sql_query(query: str) -> str:
        """Run one read-only SQL query (the description says more).

        Args:
            query: a single SELECT (or WITH ... SELECT) statement, e.g.
                "SELECT pclass, AVG(survived) FROM passengers GROUP BY pclass".
        """
        return run_query(query, path, max_rows, max_seconds).to_text()

    return [describe_database, sql_query]


describe_database, sql_query = database_tools()
"""The two tools over the default database (``data/agents/roadmap.sqlite``)."""
