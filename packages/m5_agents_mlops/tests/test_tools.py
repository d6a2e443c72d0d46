"""The roadmap's tools: a safe calculator, and read-only SQL over real data.

Document search has its own file (``test_document_search.py``): it loads the embedder.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from m4_genai.llm import ToolCall
from m5_agents_mlops.errors import ToolError
from m5_agents_mlops.tools import (
    Toolbox,
    build_database,
    calculator,
    database_tools,
    evaluate,
    run_query,
)
from m5_agents_mlops.tools.database import _open_read_only
from roadmap_data import load_movielens, load_titanic

# ---------------------------------------------------------------- calculator


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("2 + 3 * 4", 14), ("(2 + 3) * 4", 20), ("2 ** 3 ** 2", 512), ("-2 ** 2", -4),
        ("7 // 2", 3), ("-7 // 2", -4), ("7 % 3", 1), ("7 / 2", 3.5), ("0.1 + 0.2", 0.3),
        ("2 ** -2", 0.25), ("1e3 + 1", 1001.0), ("sqrt(16) + abs(-3)", 7.0), ("log(e)", 1.0),
        ("log(8, 2)", 3.0), ("exp(0) + cos(0) + tan(0)", 2.0), ("sin(pi / 2)", 1.0),
        ("round(2.567, 2)", 2.57), ("max(1, 5, 3) - min(4, 2)", 3), ("floor(-2.5)", -3),
        ("ceil(2.1)", 3), ("2 ** 1000", 2**1000), ("(1309 - 809) / 1309 * 100", 38.197097),
    ],
)  # fmt: skip
def test_the_calculator_computes_like_python(expression: str, value: float) -> None:
    assert evaluate(expression) == pytest.approx(value, rel=1e-6)


def test_whole_arithmetic_stays_exact() -> None:
    assert evaluate("6 * 7") == 42 and isinstance(evaluate("6 * 7"), int)
    assert evaluate("3 ** 100 + 1") == 3**100 + 1  # no float rounding


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("__import__('os')", "unknown function '__import__'"),
        ("__import__('os').system('ls')", "unknown function"),
        ("(1).real", "attribute access (a.b) is not allowed"),
        ("().__class__.__bases__", "attribute access"),
        ("lambda: 1", "Lambda is not allowed"),
        ("[x for x in range(9)]", "ListComp is not allowed"),
        ("x + 1", "unknown name 'x'"),
        ("'a' * 3", "only numbers are allowed"),
        ("True + 1", "only numbers are allowed"),
        ("2 ^ 10", "'^' is not a power here: write 2 ** 10"),
        ("9 ** 9 ** 9", "is too large"),
        ("2 ** 1001", "exponent 1001 is too large"),
        ("(2 ** 999) ** 999", "would have more than 3010 digits"),
        ("10 ** 900 * 10 ** 900 * 10 ** 900 * 10 ** 900", "more than 3010 digits"),
        ("1e308 * 10", "too large (overflow)"),
        ("exp(1000)", "too large in exp() (overflow)"),
        ("1 / 0", "division by zero"),
        ("5 % (3 - 3)", "division by zero"),
        ("sqrt(-1)", "math domain error in sqrt()"),
        ("(-8) ** (1 / 3)", "not a real number"),
        ("min()", "in min()"),
        ("round(2.5, ndigits=1)", "plain positional arguments only"),
        ("1 +", "not a valid arithmetic expression"),
        ("  ", "empty"),
        ("1 + " * 100 + "1", "too long (401 characters, at most 300)"),
    ],
)
def test_the_calculator_refuses_with_a_reason(expression: str, reason: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ToolError, match=re.escape(reason)):
        evaluate(expression)
    assert time.perf_counter() - start < 0.5  # refused before any huge computation


def test_the_calculator_through_the_toolbox() -> None:
    toolbox = Toolbox([calculator])
    assert toolbox.run(ToolCall("1", "calculator", {"expression": "2 * (3 + 4)"})).content == "14"
    refused = toolbox.run(ToolCall("2", "calculator", {"expression": "10 / (5 - 5)"}))
    assert (refused.ok, refused.content) == (False, "error: division by zero")
    assert calculator.parameters["required"] == ["expression"]
    assert "** (power, not ^)" in calculator.description


_leaf = st.integers(-30, 30).map(lambda n: f"({n})" if n < 0 else str(n))
_power = st.tuples(_leaf, st.integers(0, 3)).map(lambda p: f"{p[0]} ** {p[1]}")
_operator = st.sampled_from(["+", "-", "*", "//", "%"])


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(children, _operator, children, st.booleans())
    return st.one_of(
        binary.map(lambda b: f"({b[0]} {b[1]} {b[2]})" if b[3] else f"{b[0]} {b[1]} {b[2]}"),
        children.map(lambda c: f"-{c}"),
    )


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.recursive(st.one_of(_leaf, _power), _combine, max_leaves=8))
def test_integer_arithmetic_matches_python(expression: str) -> None:
    try:
        expected = eval(expression)  # the oracle, on text this test generated
    except ZeroDivisionError:
        with pytest.raises(ToolError, match="division by zero"):
            evaluate(expression)
        return
    result = evaluate(expression)
    assert result == expected and type(result) is int, expression


# ---------------------------------------------------------------- database


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_database(tmp_path_factory.mktemp("agents") / "roadmap.sqlite")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_database_holds_the_registry_data(database: Path) -> None:
    ratings = load_movielens()
    counts = run_query(
        "SELECT (SELECT count(*) FROM passengers), (SELECT count(*) FROM movies), "
        "(SELECT count(*) FROM ratings)",
        database,
    ).rows
    assert counts == [(1309, ratings["movieId"].nunique(), len(ratings))]
    titanic = load_titanic()
    (mean_age,) = run_query("SELECT AVG(age) FROM passengers", database).rows[0]
    assert mean_age == pytest.approx(titanic["age"].mean())  # unknown ages are NULL, not 0


def test_survivors_by_class_match_pandas(database: Path) -> None:
    titanic = load_titanic()
    expected = titanic[titanic["survived"] == "survived"].groupby("pclass").size()
    _, sql_query = database_tools(database)
    text = sql_query(
        query="SELECT pclass, SUM(survived) AS survivors FROM passengers GROUP BY pclass"
    )
    assert text.splitlines() == [
        "pclass | survivors",
        *(f"{cls[0]} | {n}" for cls, n in expected.items()),  # '1st' → 1
        "(3 rows)",
    ]
    assert list(expected) == [200, 119, 181]


def test_the_average_rating_of_a_movie_matches_pandas(database: Path) -> None:
    ratings = load_movielens()
    per_movie = ratings.groupby("title")["rating"].agg(["mean", "size"])
    title = per_movie["size"].idxmax()  # the most-rated movie
    query = (
        "SELECT AVG(rating), COUNT(*) FROM ratings JOIN movies USING (movie_id) "
        f"WHERE title = '{title}'"
    )
    (average, n), *_ = run_query(query, database).rows
    assert n == per_movie.loc[title, "size"]
    assert average == pytest.approx(per_movie.loc[title, "mean"])


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("INSERT INTO movies VALUES (1, 'x', 2000, 'Drama')", "only read queries are allowed"),
        ("UPDATE passengers SET survived = 1", "only read queries are allowed"),
        ("DELETE FROM ratings", "only read queries are allowed"),
        ("DROP TABLE passengers", "only read queries are allowed"),
        ("ATTACH DATABASE 'other.sqlite' AS other", "only read queries are allowed"),
        ("PRAGMA query_only = OFF", "only read queries are allowed"),
        ("CREATE TABLE notes (text TEXT)", "only read queries are allowed"),
        ("SELECT 1; DROP TABLE passengers", "one statement at a time"),
        ("WITH doomed AS (SELECT 1) DELETE FROM ratings", "only read queries are allowed (not"),
        ("SELECT * FROM pragma_table_info('movies')", "only read queries are allowed (not"),
        ("SELECT load_extension('evil.so')", "only read queries are allowed (not"),
        ("SELECT nosuch FROM movies", "SQLite error: no such column: nosuch"),
    ],
)
def test_writes_and_second_statements_are_refused(database: Path, query: str, reason: str) -> None:
    before = _sha256(database)
    outcome = Toolbox(database_tools(database)).run(ToolCall("1", "sql_query", {"query": query}))
    assert not outcome.ok and outcome.content.startswith(f"error: {reason}"), outcome.content
    assert _sha256(database) == before
    assert run_query("SELECT count(*) FROM ratings", database).rows == [(100_004,)]


def test_file_mode_and_query_only_each_refuse_writes_on_their_own(
    database: Path, tmp_path: Path
) -> None:
    """Without the authorizer, each of the other two layers still refuses a write alone
    (SQLite words both refusals the same way: "attempt to write a readonly database")."""
    read_only_file = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        read_only_file.execute("DELETE FROM ratings")
    read_only_file.close()
    copy = tmp_path / "copy.sqlite"  # a writable file: if the layer failed, only a copy suffers
    copy.write_bytes(database.read_bytes())
    query_only = sqlite3.connect(copy)
    query_only.execute("PRAGMA query_only = ON")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        query_only.execute("DELETE FROM ratings")
    assert query_only.execute("SELECT count(*) FROM ratings").fetchone() == (100_004,)
    query_only.close()
    connection = _open_read_only(database)  # what run_query opens: both layers together
    with pytest.raises(sqlite3.OperationalError):
        connection.execute("DELETE FROM ratings")
    connection.close()


def test_rows_are_capped_and_the_rest_counted(database: Path) -> None:
    result = run_query("SELECT * FROM passengers", database)
    assert (len(result.rows), result.more, result.complete) == (50, 1259, True)
    assert result.to_text().endswith("(50 of 1309 rows shown: aggregate, filter or add a LIMIT)")
    _, small = database_tools(database, max_rows=2)
    assert "At most 2 rows are shown" in small.description
    assert small(query="SELECT title FROM movies ORDER BY movie_id").splitlines()[1:3] == [
        "Toy Story",
        "Jumanji",
    ]


def test_a_runaway_query_is_stopped_by_the_time_limit(database: Path) -> None:
    forever = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) "
    start = time.perf_counter()
    with pytest.raises(ToolError, match=r"stopped after 0.3 s"):
        run_query(forever + "SELECT count(*) FROM n", database, max_seconds=0.3)
    assert time.perf_counter() - start < 3
    endless = run_query(forever + "SELECT x FROM n", database, max_rows=3, max_seconds=0.3)
    assert endless.rows == [(1,), (2,), (3,)] and not endless.complete
    assert re.search(r"\(3 of \d+\+ rows shown", endless.to_text())


def test_describe_shows_schemas_comments_and_counts(database: Path) -> None:
    describe, _ = database_tools(database)
    text = describe()
    assert "-- passengers: 1309 rows" in text and "-- ratings: 100004 rows" in text
    assert "survived INTEGER NOT NULL,  -- 1 = survived, 0 = died" in text
    assert describe.parameters == {"type": "object", "properties": {}}


def test_building_is_idempotent_atomic_and_lazy(database: Path, tmp_path: Path) -> None:
    stamp = database.stat().st_mtime_ns
    assert build_database(database) == database and database.stat().st_mtime_ns == stamp
    lazy = tmp_path / "lazy.sqlite"
    _, sql_query = database_tools(lazy)
    assert not lazy.exists()  # nothing is built until the first query
    lazy.write_bytes(b"not a database")  # a broken file is rebuilt, not trusted
    assert sql_query(query="SELECT COUNT(*) AS n FROM passengers").splitlines()[1] == "1309"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lazy.sqlite"]  # no temporary left
