"""A user's contracts: add (parse, split, embed, store, index), list, read, delete.

Two stores hold a document: the database (its row, its clauses, the original bytes) and the
clause index (vectors and keywords). They cannot share one transaction, so ``add`` orders the
work to make a half-written document impossible to observe:

1. everything that can fail on bad input or take long happens first, writing nothing: parse,
   split into clauses, embed (an upload that fails here leaves no trace);
2. the rows are written inside a transaction and *flushed* (constraint errors surface now),
   then the chunks go into the index, and only then is the transaction committed;
3. if indexing or the commit fails, the index entries are removed, the transaction rolls
   back, and the caller gets ``NotStored`` (503: try again). A crash between the index write
   and the commit leaves chunks without a row: they are never cited (citations are read back
   from the database, by owner) and ``reconcile`` deletes them at the next start.

Every read filters by owner in the query itself (``WHERE user_id = :me``): another user's
document id answers "not found" exactly like an id that does not exist, so ids leak nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from m5_agents_mlops.contracts.clause_index import ClauseIndex
from m5_agents_mlops.contracts.clauses import split_clauses
from m5_agents_mlops.contracts.db import Clause, Document, DocumentFile, User
from m5_agents_mlops.contracts.parsed import ParsedClause
from m5_agents_mlops.contracts.schemas import ClauseOut, DocumentDetail, DocumentOut
from m5_agents_mlops.contracts.uploads import (
    MAX_UPLOAD_BYTES,
    UploadError,
    parse,
    safe_display_name,
)
from m5_agents_mlops.errors import AgentError


class NotFound(AgentError):
    """No such document or clause *for this user* (another user's id included)."""

    status = 404


class NotStored(AgentError):
    """503: the index or the database failed while storing an upload; nothing of it was kept,
    so the same upload can simply be tried again."""

    status = 503


def document_out(row: Document) -> DocumentOut:
    return DocumentOut.model_validate(row, from_attributes=True)


def clause_out(row: Clause) -> ClauseOut:
    return ClauseOut.model_validate(row, from_attributes=True)


def as_parsed(row: Clause | ClauseOut) -> ParsedClause:
    """A stored clause (a row, or its API form) as the fact tools read it."""
    return ParsedClause(row.position, row.number, row.heading, row.page, row.text)


@dataclass
class Library:
    """Documents in the database, their clauses in ``index``."""

    sessions: sessionmaker[Session]
    index: ClauseIndex
    max_upload_bytes: int = MAX_UPLOAD_BYTES

    def add(self, user_id: str, filename: str | None, data: bytes) -> tuple[DocumentOut, bool]:
        """Store an upload; ``(document, created)``. The same bytes again: the first upload, False."""
        if len(data) > self.max_upload_bytes:
            raise UploadError(413, f"the file is over the {self.max_upload_bytes:,}-byte limit")
        sha256 = hashlib.sha256(data).hexdigest()
        known = self._by_hash(user_id, sha256)  # before parsing: a repeat costs one query
        if known is not None:
            return known, False
        kind, pages = parse(data, self.max_upload_bytes)  # UploadError: 413, 415 or 422
        clauses = [c for c in split_clauses(pages) if c.text.strip()]
        if not clauses:
            raise UploadError(422, "the file holds no text to answer questions from")
        name = safe_display_name(filename)
        document_id = uuid.uuid4().hex
        rows = [(uuid.uuid4().hex, clause) for clause in clauses]
        chunks = self.index.chunks(document_id, sha256, kind, rows)
        vectors = self.index.embed(chunks, name)  # the slow part, before any write
        numbered_pages = [p.number for p in pages if p.number is not None]
        document = Document(
            id=document_id, user_id=user_id, filename=name, kind=kind, size=len(data),
            sha256=sha256, pages=len(numbered_pages) or None, clauses_count=len(rows),
        )  # fmt: skip
        try:
            with self.sessions() as session, session.begin():
                session.add(document)
                session.add(DocumentFile(document_id=document_id, data=data))
                session.add_all(
                    Clause(id=clause_id, document_id=document_id, position=c.position,
                           number=c.number, heading=c.heading, page=c.page, text=c.text)
                    for clause_id, c in rows
                )  # fmt: skip
                session.flush()
                try:
                    self.index.add(user_id, chunks, vectors)
                except Exception as error:  # a chunk or two may be in: take them out
                    self._forget(user_id, document_id)
                    raise NotStored("could not index the document; nothing was stored") from error
                out = document_out(document)
        except IntegrityError as error:  # the same file, uploaded at that moment by another request
            self._forget(user_id, document_id)
            known = self._by_hash(user_id, sha256)
            if known is None:  # another constraint (the account deleted meanwhile, say)
                raise NotStored("could not save the document; nothing was stored") from error
            return known, False
        except NotStored:
            raise
        except Exception as error:  # the commit failed after indexing
            self._forget(user_id, document_id)
            raise NotStored("could not save the document; nothing was stored") from error
        except BaseException:  # interrupted: still leave nothing behind
            self._forget(user_id, document_id)
            raise
        return out, True

    def _forget(self, user_id: str, document_id: str) -> None:
        """Remove a failed upload's chunks. If the index fails again, the chunks stay unseen
        (citations are read from the database) until ``reconcile`` removes them."""
        with contextlib.suppress(Exception):
            self.index.remove(user_id, document_id)

    def _by_hash(self, user_id: str, sha256: str) -> DocumentOut | None:
        with self.sessions() as session:
            row = session.scalar(
                select(Document).where(Document.user_id == user_id, Document.sha256 == sha256)
            )
            return None if row is None else document_out(row)

    def list(self, user_id: str) -> list[DocumentOut]:
        """The user's documents, newest first."""
        with self.sessions() as session:
            rows = session.scalars(
                select(Document)
                .where(Document.user_id == user_id)
                .order_by(Document.created_at.desc(), Document.id)
            )
            return [document_out(row) for row in rows]

    def _owned(self, session: Session, user_id: str, document_id: str) -> Document:
        row = session.scalar(
            select(Document).where(Document.id == document_id, Document.user_id == user_id)
        )
        if row is None:
            raise NotFound(f"no document {document_id!r}")
        return row

    def get(self, user_id: str, document_id: str) -> DocumentDetail:
        with self.sessions() as session:
            row = self._owned(session, user_id, document_id)
            clauses = [clause_out(c) for c in self._clauses(session, document_id)]
            return DocumentDetail(**document_out(row).model_dump(), clauses=clauses)

    def clauses(self, user_id: str, document_id: str) -> tuple[DocumentOut, list[ParsedClause]]:
        """A document and its clauses as the fact tools read them."""
        with self.sessions() as session:
            row = self._owned(session, user_id, document_id)
            return document_out(row), [as_parsed(c) for c in self._clauses(session, document_id)]

    @staticmethod
    def _clauses(session: Session, document_id: str) -> list[Clause]:
        query = select(Clause).where(Clause.document_id == document_id).order_by(Clause.position)
        return list(session.scalars(query))

    def clause(self, user_id: str, document_id: str, clause_id: str) -> ClauseOut:
        with self.sessions() as session:
            self._owned(session, user_id, document_id)
            row = session.scalar(
                select(Clause).where(Clause.id == clause_id, Clause.document_id == document_id)
            )
            if row is None:
                raise NotFound(f"no clause {clause_id!r} in document {document_id!r}")
            return clause_out(row)

    def file(self, user_id: str, document_id: str) -> tuple[DocumentOut, bytes]:
        """The document and its original bytes."""
        with self.sessions() as session:
            row = self._owned(session, user_id, document_id)
            blob = session.get(DocumentFile, document_id)
            if blob is None:  # written with its row, so only a damaged database lacks it
                raise NotFound(f"the file of document {document_id!r} is missing")
            return document_out(row), blob.data

    def cited(self, user_id: str, clause_ids: list[str]) -> dict[str, tuple[ClauseOut, str]]:
        """``clause id → (clause, document name)`` for those of ``clause_ids`` the user owns."""
        if not clause_ids:
            return {}
        with self.sessions() as session:
            rows = session.execute(
                select(Clause, Document.filename)
                .join(Document, Clause.document_id == Document.id)
                .where(Clause.id.in_(set(clause_ids)), Document.user_id == user_id)
            )
            return {clause.id: (clause_out(clause), name) for clause, name in rows}

    def delete(self, user_id: str, document_id: str) -> None:
        """Delete the document, its clauses and file (database first), then its index entries."""
        with self.sessions() as session, session.begin():
            self._owned(session, user_id, document_id)
            session.execute(delete(Document).where(Document.id == document_id))
        self._forget(user_id, document_id)  # gone for the user already: reconcile mops up

    def reconcile_all(self) -> int:
        """``reconcile`` every user's index (``contract-qa`` does it at start-up)."""
        with self.sessions() as session:
            users = list(session.scalars(select(User.id)))
        return sum(self.reconcile(user_id) for user_id in users)

    def reconcile(self, user_id: str) -> int:
        """Remove index entries whose document has no row (a crash between index and commit)."""
        with self.sessions() as session:
            known = set(session.scalars(select(Document.id).where(Document.user_id == user_id)))
        orphans = self.index.documents(user_id) - known
        for document_id in orphans:
            self.index.remove(user_id, document_id)
        return len(orphans)
