"""Questions (RAG with citations), extracted facts, notice deadlines, comparisons, the agent.

Only the model's calls are serialised (``answering.OneAtATime``: one llama.cpp context);
retrieval, facts, deadlines and comparisons need no model and run in parallel.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter

from m5_agents_mlops.contracts.agent_tools import run_agent
from m5_agents_mlops.contracts.compare import compare_contracts
from m5_agents_mlops.contracts.context import Context, User
from m5_agents_mlops.contracts.deadlines import Deadline, notice_deadline
from m5_agents_mlops.contracts.facts import extract_facts
from m5_agents_mlops.contracts.library import as_parsed
from m5_agents_mlops.contracts.schemas import (
    AgentRequest,
    AskRequest,
    AskResponse,
    CompareRequest,
    DeadlineRequest,
)

router = APIRouter(prefix="/api", tags=["questions"])
NOT_YOURS = {404: {"description": "No such document for this user."}}


@router.post("/ask", response_model=AskResponse, responses=NOT_YOURS)
def ask(body: AskRequest, user_id: User, ctx: Context) -> AskResponse:
    """Answer from the caller's contracts, citing clauses; "Not found in your contracts." when
    the contracts do not cover the question."""
    return ctx.answerer.ask(user_id, body.question, body.document_ids)


@router.get("/documents/{document_id}/facts", responses=NOT_YOURS)
def facts(document_id: str, user_id: User, ctx: Context) -> dict[str, Any]:
    """The contract's key facts as a typed table, each with the clause it was read from."""
    detail = ctx.library.get(user_id, document_id)
    found, sources = extract_facts([as_parsed(clause) for clause in detail.clauses])
    ids = {clause.position: clause.id for clause in detail.clauses}
    return {
        "facts": found.model_dump(mode="json"),
        "sources": {field: ids[position] for field, position in sources.items() if position in ids},
    }


@router.post(
    "/deadline",
    response_model=Deadline,
    responses=NOT_YOURS | {422: {"description": "The contract lacks a fact the date needs."}},
)
def deadline(body: DeadlineRequest, user_id: User, ctx: Context) -> Deadline:
    """By when notice must be given so the contract ends at the end of its current term."""
    _, clauses = ctx.library.clauses(user_id, body.document_id)
    return notice_deadline(extract_facts(clauses)[0], body.today or date.today())


@router.post("/compare", responses=NOT_YOURS)
def compare(body: CompareRequest, user_id: User, ctx: Context) -> dict[str, Any]:
    """Two contracts clause by clause: same, changed (with what changed), or only in one."""
    left, right = (ctx.library.get(user_id, i) for i in (body.left_id, body.right_id))
    left_clauses = {c.position: c for c in left.clauses}
    right_clauses = {c.position: c for c in right.clauses}
    a, b = ([as_parsed(c) for c in detail.clauses] for detail in (left, right))
    rows = compare_contracts(a, b, ctx.embed)
    return {
        "rows": [
            {
                "status": row.status,
                "left": left_clauses[row.left.position] if row.left else None,
                "right": right_clauses[row.right.position] if row.right else None,
                "similarity": round(row.similarity, 3),
                "summary": row.summary,
            }
            for row in rows
        ]
    }


@router.post("/agent")
def agent(body: AgentRequest, user_id: User, ctx: Context) -> dict[str, Any]:
    """The question answered by the agent, with the tools it called and what they returned."""
    model = ctx.answerer.model  # one model call at a time (answering.OneAtATime), not the tools
    result = run_agent(ctx.library, model, user_id, body.question, ctx.tracing, ctx.embed)
    steps = [
        {"tool": call["name"], "arguments": call["arguments"], "result": call.get("content")}
        for call in result.tool_calls
    ]
    return {"answer": result.answer, "stopped_by": result.stopped_by, "steps": steps}
