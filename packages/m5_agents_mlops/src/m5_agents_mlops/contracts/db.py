"""Contract-QA's database: the tables as typed SQLAlchemy 2 models, and how to open them.

One schema, two engines: a SQLite file under the data directory by default (one machine, no
server) and PostgreSQL by URL (several API processes behind a load balancer share it). Everything
that must hold across processes lives here rather than in memory: users, refresh tokens, login
attempts (so rate limiting still works with four uvicorn workers), documents, clauses and traces.

The schema is created by Alembic (``migrations/``), never by ``create_all`` in production: a
deployed database changes by migrations, and ``tests/contracts/test_db.py`` proves the migrations
build exactly these models.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Engine,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    make_url,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker
from sqlalchemy.orm import Session as Session
from sqlalchemy.pool import StaticPool

# Named constraints: Alembic can only alter or drop a constraint it can name, and SQLite has no
# ALTER CONSTRAINT at all, so every index, key and check gets a predictable name up front.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC: the only kind of datetime this package stores."""
    return datetime.now(UTC)


def new_id() -> str:
    """A random 32-hex-digit id (uuid4). Unguessable, so ids in URLs reveal nothing."""
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that goes in and comes out timezone-aware in UTC, on every backend.

    PostgreSQL's ``timestamptz`` keeps the zone, but SQLite has no datetime type: SQLAlchemy
    stores text and hands back *naive* datetimes, and comparing naive with aware raises
    TypeError. Normalising here, once, spares every caller that trap.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware one (utc_now())")
        value = value.astimezone(UTC)
        # SQLite compares the stored text, so every row must use the same (UTC, no offset) form.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower-cased and trimmed
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id, parameters included
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    documents: Mapped[list[Document]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class RefreshToken(Base):
    """One refresh token. ``family_id`` links every token rotated from the same login."""

    __tablename__ = "refresh_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    family_id: Mapped[str] = mapped_column(String(32), index=True)
    # sha256 of the token: the token has 256 random bits, so a fast hash is enough, and a stolen
    # database yields nothing that can be presented to the API.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replaced_by: Mapped[str | None] = mapped_column(String(32))  # the id of its successor
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class LoginAttempt(Base):
    """One login attempt under one key (``email:a@b.c`` or ``ip:1.2.3.4``), for rate limiting."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(320))  # indexed by (key, at) above
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ok: Mapped[bool] = mapped_column(Boolean)


class Document(Base):
    """An uploaded contract. The same bytes uploaded twice by one user are one document."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("user_id", "sha256"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))  # for display only; never a path
    kind: Mapped[str] = mapped_column(String(8))  # "pdf" | "docx" | "txt", from the content
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int | None] = mapped_column(Integer)
    clauses_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    user: Mapped[User] = relationship(back_populates="documents")
    clauses: Mapped[list[Clause]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,  # the database's ON DELETE CASCADE does the work
        order_by="Clause.position",
    )


class DocumentFile(Base):
    """The uploaded bytes, kept in the database: written in the same transaction as the document's
    row (no file without its row, or the reverse), and shared by every API process without a
    shared disk. A table of its own, so listing documents never reads the files."""

    __tablename__ = "document_files"

    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Clause(Base):
    """One clause of a document (see ``parsed.ParsedClause``): what a citation points at."""

    __tablename__ = "clauses"
    __table_args__ = (UniqueConstraint("document_id", "position"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String(64))
    heading: Mapped[str | None] = mapped_column(String(500))
    page: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="clauses")


class Span(Base):
    """One OpenTelemetry span (a question, a retrieval, a model call, a tool call).

    Times are nanoseconds since the epoch, exactly as OpenTelemetry records them. ``user_id`` is
    deliberately not a foreign key: traces are a log, written by a background exporter that must
    never fail because the user was deleted a moment earlier.
    """

    __tablename__ = "spans"

    span_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    trace_id: Mapped[str] = mapped_column(String(32), index=True)
    parent_id: Mapped[str | None] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    start_ns: Mapped[int] = mapped_column(BigInteger, index=True)
    end_ns: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))  # "UNSET" | "OK" | "ERROR"
    attributes: Mapped[str] = mapped_column(Text, default="{}")  # JSON object
    user_id: Mapped[str | None] = mapped_column(String(32), index=True)


def default_database_url(data_dir: Path) -> str:
    """The SQLite file Contract-QA uses when no ``DATABASE_URL`` is given."""
    return f"sqlite:///{Path(data_dir) / 'contract-qa' / 'contract-qa.sqlite'}"


def normalise_url(url: str) -> str:
    """``postgresql://`` (and Heroku-style ``postgres://``) → the psycopg 3 driver; else as is.

    Plain ``postgresql://`` would make SQLAlchemy look for psycopg2, which is not installed.
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, echo: bool = False, busy_timeout_ms: int = 30_000) -> Engine:
    """An engine for ``url``, tuned per backend.

    SQLite: one file shared by threads (FastAPI runs sync routes in a pool, hence
    ``check_same_thread=False``), WAL so readers never block the writer, foreign keys switched on
    (SQLite ignores ON DELETE CASCADE otherwise) and a busy timeout so concurrent writers wait
    instead of failing with "database is locked". PostgreSQL: psycopg 3 and a pre-ping that drops
    connections the server closed while they sat in the pool.
    """
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, echo=echo, pool_pre_ping=True)
    memory = parsed.database in (None, "", ":memory:")
    if not memory:
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": busy_timeout_ms / 1000}
    }
    if memory:  # an in-memory database lives as long as its connection: share that one
        options["poolclass"] = StaticPool
    engine = create_engine(parsed, echo=echo, **options)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``. ``expire_on_commit=False`` keeps loaded rows readable after
    commit, so a route can commit and then serialise what it wrote."""
    return sessionmaker(bind=engine, expire_on_commit=False)
