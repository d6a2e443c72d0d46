"""Upload, list, read, download and delete contracts: always the caller's own (``library.py``)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Response, UploadFile

from m5_agents_mlops.contracts.context import Context, User
from m5_agents_mlops.contracts.schemas import ClauseOut, DocumentDetail, DocumentList, DocumentOut

router = APIRouter(prefix="/api/documents", tags=["documents"])
NOT_YOURS = {404: {"description": "No such document for this user (another user's id included)."}}
UPLOAD_ERRORS = {
    413: {"description": "The file is over the size limit."},
    415: {"description": "Not a PDF, DOCX or text file (judged by its content, not its name)."},
    422: {"description": "The file cannot be read: corrupt, encrypted, a zip bomb, or no text."},
}
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain; charset=utf-8",
}


@router.post("", response_model=DocumentOut, status_code=201, responses=UPLOAD_ERRORS)
def upload(file: UploadFile, user_id: User, ctx: Context, response: Response) -> DocumentOut:
    """Add a contract: 201 when new, 200 when the same file was uploaded before (idempotent)."""
    # One byte over the limit is enough for the library to answer 413.
    data = file.file.read(ctx.library.max_upload_bytes + 1)
    document, created = ctx.library.add(user_id, file.filename, data)
    response.status_code = 201 if created else 200
    return document


@router.get("", response_model=DocumentList)
def list_documents(user_id: User, ctx: Context) -> DocumentList:
    """The caller's documents, newest first."""
    return DocumentList(documents=ctx.library.list(user_id))


@router.get("/{document_id}", response_model=DocumentDetail, responses=NOT_YOURS)
def get_document(document_id: str, user_id: User, ctx: Context) -> DocumentDetail:
    """One document with all its clauses."""
    return ctx.library.get(user_id, document_id)


@router.get("/{document_id}/file", responses=NOT_YOURS, response_class=Response)
def download(document_id: str, user_id: User, ctx: Context) -> Response:
    """The original file, as uploaded."""
    document, data = ctx.library.file(user_id, document_id)
    # RFC 6266/5987: an ASCII fallback name and the real one percent-encoded; never a path.
    fallback = "".join(c if (c.isascii() and c.isalnum()) or c in "._-" else "_"
                       for c in document.filename)  # fmt: skip
    disposition = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(document.filename)}"
    )
    headers = {"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"}
    return Response(data, media_type=MEDIA_TYPES[document.kind], headers=headers)


@router.get("/{document_id}/clauses/{clause_id}", response_model=ClauseOut, responses=NOT_YOURS)
def get_clause(document_id: str, clause_id: str, user_id: User, ctx: Context) -> ClauseOut:
    """One clause: what a citation opens."""
    return ctx.library.clause(user_id, document_id, clause_id)


@router.delete("/{document_id}", status_code=204, responses=NOT_YOURS)
def delete_document(document_id: str, user_id: User, ctx: Context) -> Response:
    """Delete the document, its clauses, its file and its index entries."""
    ctx.library.delete(user_id, document_id)
    return Response(status_code=204)
