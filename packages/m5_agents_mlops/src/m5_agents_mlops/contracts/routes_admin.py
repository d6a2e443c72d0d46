"""``/admin/traces``: every question's trace (retrieval, prompt, model call, tools), for admins.

Admins are the e-mail addresses in ``--admins`` (``CONTRACT_QA_ADMINS``). A trace holds the
question and the clauses it retrieved, so this page is as private as the documents themselves:
anyone else gets 404, as if it did not exist. The HTML page is a few lines of server-rendered
markup (escaped), readable without the web app.
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from m5_agents_mlops.contracts.context import Context, User
from m5_agents_mlops.contracts.db import User as UserRow
from m5_agents_mlops.contracts.library import NotFound
from m5_agents_mlops.contracts.tracing import recent_traces

router = APIRouter(tags=["admin"])


def require_admin(ctx: Context, user_id: str) -> None:
    with ctx.sessions() as session:
        email = session.scalar(select(UserRow.email).where(UserRow.id == user_id))
    if email is None or email not in ctx.config.admin_emails:
        raise NotFound("no such page")


@router.get("/api/admin/traces", responses={404: {"description": "Not an admin."}})
def traces_json(ctx: Context, user_id: User, limit: int = Query(50, ge=1, le=500)) -> dict:
    """The most recent traces, newest first, each with its spans."""
    require_admin(ctx, user_id)
    return {"traces": recent_traces(ctx.sessions, limit)}


@router.get(
    "/admin/traces", response_class=HTMLResponse, responses={404: {"description": "Not an admin."}}
)
def traces_page(ctx: Context, user_id: User, limit: int = Query(50, ge=1, le=500)) -> HTMLResponse:
    """The same traces as an HTML page: one table per trace, spans indented by depth."""
    require_admin(ctx, user_id)
    sections = []
    for trace in recent_traces(ctx.sessions, limit):
        depth: dict[str | None, int] = {None: -1}
        rows = []
        for span in trace["spans"]:
            depth[span["span_id"]] = depth.get(span["parent_id"], 0) + 1
            attributes = "<br>".join(
                f"<b>{escape(k)}</b>: {escape(str(v)[:600])}" for k, v in span["attributes"].items()
            )
            indent = "&nbsp;" * 4 * depth[span["span_id"]]
            rows.append(
                f"<tr><td>{indent}{escape(span['name'])}</td><td>{span['ms']}</td>"
                f"<td>{escape(span['status'])}</td><td>{attributes}</td></tr>"
            )
        sections.append(
            f"<h2>{escape(trace['trace_id'])}</h2><table><tr><th>span</th><th>ms</th>"
            f"<th>status</th><th>attributes</th></tr>{''.join(rows)}</table>"
        )
    body = "".join(sections) or "<p>No traces yet: ask a question.</p>"
    style = (
        "body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:4px;vertical-align:top}"
    )
    return HTMLResponse(
        f"<!doctype html><html><head><meta charset='utf-8'><title>Traces</title>"
        f"<style>{style}</style></head><body><h1>Contract-QA traces</h1>{body}</body></html>"
    )
