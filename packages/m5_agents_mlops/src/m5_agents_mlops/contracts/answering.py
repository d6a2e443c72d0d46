"""Questions over a user's own contracts, answered by month 4's RAG chain with clause citations.

    retrieve the user's best clauses → "not found" if the evidence is too weak (no model call)
    → prompt with numbered sources [1] [2] [3] → the model answers citing [n]
    → each [n] becomes a citation: document, page, clause number and heading, an excerpt

Citations are read back from the database by clause id *and owner*, never from the index alone,
so a stale index entry, or one that somehow belonged to someone else, can never be shown.
The thresholds of the "not found" rule are chosen on the golden set's dev questions
(``scripts/bench_contract_qa.py``) and reported on its test questions.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from m4_genai.llm import ChatModel, ChatResult, Message
from m4_genai.rag import RagAnswer, RagConfig, answer
from m4_genai.retrieval.chunks import Hit
from m4_genai.retrieval.search import Searcher
from m4_genai.retrieval.vectorstore import Where
from m5_agents_mlops.contracts.library import Library, NotFound
from m5_agents_mlops.contracts.schemas import NOT_FOUND, AskResponse, Citation
from m5_agents_mlops.contracts.tracing import TracedModel, TracedSearcher, Tracing
from m5_agents_mlops.errors import AgentError

CONTRACT_RAG = RagConfig(
    k=3, mode="dense", refusal="thresholds", min_similarity=0.23, max_unknown_share=1.0
)
"""Dense retrieval of 3 clauses; "not found" when the best clause's cosine is below 0.23.

Both chosen on the golden set's 30 *dev* questions by ``scripts/bench_contract_qa.py``
(``contracts/golden.py``): dense had the best dev hit@3 (0.86, against 0.64 hybrid, 0.36 BM25),
and 0.23 is ``choose_rule``'s pick, the middle of the tied bars 0.20-0.26 that answer every dev
answerable question (lowest best cosine 0.26; the old 0.30 refused it) and also refuse the dev
off-topic ones (highest 0.19). No cosine or unknown-word threshold refuses a dev near-topic
question ("parking spaces?", 0.37 to 0.46) without refusing answerable ones (0.38 would refuse
40 % of them and 14 % of answerable ones), so the unknown-word test stays off (1 = off): in a few
contracts' vocabulary, "many" or "get" are unknown words. Test-split figures: the package README."""
EXCERPT_CHARS = 300
CITE = re.compile(r"\[(\d+)\]")


@dataclass
class Answerer:
    """Answers one user's questions from their documents in ``library``."""

    library: Library
    model: ChatModel
    tracing: Tracing
    config: RagConfig = CONTRACT_RAG

    def ask(
        self, user_id: str, question: str, document_ids: Sequence[str] | None = None
    ) -> AskResponse:
        with self.tracing.span("ask", user_id=user_id, question=question) as root:
            documents = self.library.list(user_id)
            owned = {d.id for d in documents}
            wanted = list(dict.fromkeys(document_ids)) if document_ids else sorted(owned)
            for document_id in wanted:
                if document_id not in owned:
                    raise NotFound(f"no document {document_id!r}")
            if not wanted:
                reason = "you have not uploaded any contracts yet"
                return AskResponse(answer=NOT_FOUND, answered=False, reason=reason, citations=[])
            where = None if document_ids is None else {"source": {"$in": wanted}}
            names = {d.id: d.filename for d in documents}
            searcher = TracedSearcher(
                NamedSources(self.library.index.searcher(user_id), names), self.tracing
            )
            model = TracedModel(self.model, self.tracing)
            result = answer(question, searcher, model, self.config, where)
            root.set_attribute("answered", result.answered)
            return self._response(user_id, result, self.tracing.trace_id(root))

    def _response(self, user_id: str, result: RagAnswer, trace_id: str | None) -> AskResponse:
        if not result.answered:
            return AskResponse(
                answer=NOT_FOUND, answered=False, reason=result.refusal, citations=[],
                trace_id=trace_id,
            )  # fmt: skip
        owned = self.library.cited(user_id, [hit.chunk.symbol for hit in result.hits])
        used = {int(n) for n in CITE.findall(result.text)}
        citations = []
        for n, hit in enumerate(result.hits, start=1):
            if hit.chunk.symbol not in owned:
                continue  # an index entry without its row: never shown
            clause, document_name = owned[hit.chunk.symbol]
            citations.append(
                Citation(
                    n=n, document_id=clause.document_id, document_name=document_name,
                    clause_id=clause.id, number=clause.number, heading=clause.heading,
                    page=clause.page, excerpt=excerpt(hit.chunk.text), cited=n in used,
                )
            )  # fmt: skip
        return AskResponse(
            answer=result.text, answered=True, citations=citations, trace_id=trace_id
        )


class NamedSources:
    """A searcher whose hits name their document (``saas.pdf``) instead of its id: the prompt
    shows each source's ``citation``, and a model should cite names, not random hex."""

    def __init__(self, inner: Searcher, names: dict[str, str]) -> None:
        self.inner, self.names = inner, names

    def search(self, query: str, k: int = 3, where: Where | None = None) -> list[Hit]:
        hits = self.inner.search(query, k, where)
        return [
            replace(hit, chunk=replace(hit.chunk, source=self.names.get(hit.chunk.source, "?")))
            for hit in hits
        ]

    def __getattr__(self, name: str) -> Any:  # vocabulary_size, unknown_words
        return getattr(self.inner, name)


class ModelBusy(AgentError):
    """The model stayed busy with other requests for the whole wait: 503, try again later."""

    status = 503
    retry_after_s = 5


class OneAtATime:
    """A chat model that answers one request at a time (a llama.cpp context is not safe to
    share between threads), each waiting at most ``wait_s`` for its turn. Only the model call
    is serialised: retrieval, the database and the tools of other requests run meanwhile."""

    def __init__(self, inner: ChatModel, lock: threading.Lock, wait_s: float = 120.0) -> None:
        self.inner, self.lock, self.wait_s = inner, lock, wait_s

    def chat(self, messages: list[Message], tools: Any = None, **opts: Any) -> ChatResult:
        if not self.lock.acquire(timeout=self.wait_s):
            raise ModelBusy(f"the model was busy for {self.wait_s:.0f} s; try again shortly")
        try:
            return self.inner.chat(messages, tools=tools, **opts)
        finally:
            self.lock.release()

    def stream(self, messages: list[Message], **opts: Any) -> Iterator[str]:
        yield self.chat(messages, **opts).text

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a clause, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"
