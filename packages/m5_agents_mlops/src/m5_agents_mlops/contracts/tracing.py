"""OpenTelemetry traces of every question, kept in our own database: a self-hosted LangSmith.

A *trace* is one question; its *spans* are the steps, nested: ``ask`` → ``retrieval`` (the
clauses found and their similarity), ``model`` (the prompt, the reply, the tokens) and, for the
agent, one ``tool`` span per call. We use the OpenTelemetry SDK as any service would, with one
exporter of our own that writes finished spans to the ``spans`` table, so ``/admin/traces`` can
show them without running a collector. Swapping in the OTLP exporter (Jaeger, Grafana Tempo,
Honeycomb) is one line in ``Tracing``.

Each app owns its ``Tracing`` (a tracer provider of its own, not the process-wide global), so
two apps in one test process never mix their traces.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import Span as OtelSpan
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from m4_genai.llm import ChatModel, ChatResult, Message
from m4_genai.retrieval.chunks import Hit
from m4_genai.retrieval.search import Searcher
from m5_agents_mlops.contracts.db import Span

MAX_ATTRIBUTE_CHARS = 4000
"""Long prompts are cut in the stored trace (the trace is for reading, not for replaying)."""


def attribute(value: Any) -> str | bool | int | float:
    """An OpenTelemetry attribute value: a primitive, long text cut, anything else as JSON."""
    if isinstance(value, bool | int | float):
        return value
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= MAX_ATTRIBUTE_CHARS else text[:MAX_ATTRIBUTE_CHARS] + " …"


class DatabaseExporter(SpanExporter):
    """Writes finished spans to the ``spans`` table."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        rows = []
        for item in spans:
            context, parent = item.get_span_context(), item.parent
            attributes = dict(item.attributes or {})
            rows.append(
                Span(
                    span_id=f"{context.span_id:016x}", trace_id=f"{context.trace_id:032x}",
                    parent_id=f"{parent.span_id:016x}" if parent else None, name=item.name,
                    start_ns=item.start_time or 0, end_ns=item.end_time or 0,
                    status=item.status.status_code.name,
                    attributes=json.dumps(attributes, default=str),
                    user_id=attributes.get("user_id"),
                )
            )  # fmt: skip
        try:
            with self.sessions() as session, session.begin():
                session.add_all(rows)
        except Exception:  # a trace must never break the request it describes
            return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS


class Tracing:
    """An app's tracer; ``exporter`` None records nothing (spans still nest and time)."""

    def __init__(self, exporter: SpanExporter | None = None) -> None:
        self.provider = TracerProvider(resource=Resource.create({"service.name": "contract-qa"}))
        if exporter is not None:
            self.provider.add_span_processor(SimpleSpanProcessor(exporter))
        self.tracer = self.provider.get_tracer("m5_agents_mlops.contracts")

    @contextmanager
    def span(self, name: str, **attributes: Any) -> Iterator[OtelSpan]:
        """A span around a block, child of the current one; an exception marks it as an error."""
        clean = {key: attribute(value) for key, value in attributes.items() if value is not None}
        with self.tracer.start_as_current_span(name, attributes=clean) as current:
            yield current

    @staticmethod
    def trace_id(span: OtelSpan) -> str:
        return f"{span.get_span_context().trace_id:032x}"

    def shutdown(self) -> None:
        self.provider.shutdown()


class TracedSearcher:
    """A searcher whose every search is a ``retrieval`` span."""

    def __init__(self, inner: Searcher, tracing: Tracing) -> None:
        self.inner, self.tracing = inner, tracing

    def search(self, query: str, k: int = 3, where: Any = None) -> list[Hit]:
        with self.tracing.span("retrieval", query=query, k=k) as current:
            hits = self.inner.search(query, k, where)
            found = [{"clause_id": h.chunk.symbol, "similarity": round(h.similarity, 3)}
                     for h in hits]  # fmt: skip
            current.set_attribute("hits", attribute(found))
            return hits

    def __getattr__(self, name: str) -> Any:  # vocabulary_size, unknown_words: the "not found" rule
        return getattr(self.inner, name)


class TracedModel:
    """A chat model whose every call is a ``model`` span with its prompt, reply and tokens."""

    def __init__(self, inner: ChatModel, tracing: Tracing) -> None:
        self.inner, self.tracing = inner, tracing
        self.name = getattr(inner, "name", type(inner).__name__)

    def chat(self, messages: list[Message], tools: Any = None, **opts: Any) -> ChatResult:
        with self.tracing.span("model", model=self.name, prompt=messages) as current:
            result = self.inner.chat(messages, tools=tools, **opts)
            current.set_attribute("reply", attribute(result.text))
            current.set_attribute("prompt_tokens", result.prompt_tokens)
            current.set_attribute("completion_tokens", result.completion_tokens)
            if result.tool_calls:
                calls = [{"name": c.name, "arguments": c.arguments} for c in result.tool_calls]
                current.set_attribute("tool_calls", attribute(calls))
            return result

    def stream(self, messages: list[Message], **opts: Any) -> Iterator[str]:
        yield from self.inner.stream(messages, **opts)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def recent_traces(sessions: sessionmaker[Session], limit: int = 50) -> list[dict[str, Any]]:
    """The ``limit`` most recent traces, newest first, each with its spans in start order."""
    with sessions() as session:
        roots = session.scalars(
            select(Span).where(Span.parent_id.is_(None)).order_by(Span.start_ns.desc()).limit(limit)
        ).all()
        ids = [root.trace_id for root in roots]
        spans = session.scalars(
            select(Span).where(Span.trace_id.in_(ids)).order_by(Span.start_ns)
        ).all()
    by_trace: dict[str, list[dict[str, Any]]] = {trace_id: [] for trace_id in ids}
    for item in spans:
        by_trace[item.trace_id].append(
            {
                "span_id": item.span_id, "parent_id": item.parent_id, "name": item.name,
                "status": item.status, "attributes": json.loads(item.attributes or "{}"),
                "start": datetime.fromtimestamp(item.start_ns / 1e9, UTC).isoformat(),
                "ms": round((item.end_ns - item.start_ns) / 1e6, 1),
            }
        )  # fmt: skip
    return [{"trace_id": trace_id, "spans": by_trace[trace_id]} for trace_id in ids]
