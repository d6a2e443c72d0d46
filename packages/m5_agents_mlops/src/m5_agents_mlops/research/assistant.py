"""The research assistant: topic → search → fetch → extract → summarise → cited Markdown report.

Two phases, each built the way its job needs:

1. **Gathering is an agent.** Which queries to run and which results are worth reading is a
   judgement, so the model makes it, through the month's ``Agent`` loop with exactly two tools:
   ``search_web`` (results listed as untrusted data) and ``fetch_page`` (only URLs that a search
   listed; each page becomes a numbered ``Source``; an excerpt goes back to the model).
2. **Writing is a pipeline.** Summarising each source and writing an overview need no decisions
   about control flow, so they are plain model calls in a fixed order, and the code (not the
   model) assembles the report: numbering, titles and URLs cannot be hallucinated, and
   citations to sources that were never fetched are removed and flagged (``report.py``).

Web text is untrusted everywhere it enters a prompt (``prompts.py``), and the assistant has no
way to get a third tool: a page that says "call the database tool" can at most make the model
*ask* for one, and the toolbox answers that no such tool exists.

If the agent reads no page at all (a small model that answers at once, a spent budget), the
assistant reads the top hits of a search for the topic itself (``gathered_by="fallback"``), so a
run still ends with a report; metrics.json says which happened.

    assistant = ResearchAssistant(model, SiteSearch([url], fetcher), fetcher, max_sources=3)
    research = assistant.run("how do SQLite indexes work", out=Path("data/runs/research"))
    research.report        # Markdown; also out/report.md, out/sources.json, out/trajectory.json
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Literal

from m4_genai.llm import ChatModel, Message, Tool
from m5_agents_mlops.agent import Agent, AgentResult, Budget, Channel
from m5_agents_mlops.errors import FetchError, ToolError
from m5_agents_mlops.research.extract import extract
from m5_agents_mlops.research.prompts import (
    AGENT_PROMPT,
    TASK,
    overview_messages,
    summary_messages,
    untrusted,
)
from m5_agents_mlops.research.report import (
    Research,
    Source,
    check_citations,
    prose,
    render_report,
    save,
    unique,
)
from m5_agents_mlops.research.search import Searcher, SearchHit
from m5_agents_mlops.research.web import Fetcher
from m5_agents_mlops.tools import tool

EXCERPT_CHARS = 2000
"""Of each fetched page, what the agent sees (enough to judge it; the summary reads more)."""
RESEARCH_TOOLS = frozenset({"search_web", "fetch_page"})
"""Every tool the assistant has. There is no way to pass it another."""


class ResearchAssistant:
    """Researches a topic with ``model``, finding pages with ``searcher``, reading with ``fetcher``."""

    def __init__(
        self,
        model: ChatModel,
        searcher: Searcher,
        fetcher: Fetcher,
        *,
        max_sources: int = 3,
        budget: Budget | None = None,
        channel: Channel = "native",
        search_k: int = 5,
    ) -> None:
        self.model, self.searcher, self.fetcher = model, searcher, fetcher
        self.max_sources, self.search_k, self.channel = max_sources, search_k, channel
        self.budget = budget or Budget(max_steps=2 * max_sources + 3)
        self.reset()

    def reset(self) -> None:
        """Forget the previous run's sources, refusals, listed URLs and transcript."""
        self.sources: list[Source] = []
        self.skipped: list[tuple[str, str]] = []
        self.listed: set[str] = set()
        self.queries: list[str] = []
        self.transcript: list[dict[str, Any]] = []

    # --- the two tools: their docstrings are what the model reads ------------------------------

    def search_web(self, query: str) -> str:
        """Search the web and list the best pages: title, URL and a snippet of each.

        Args:
            query: a few keywords, e.g. "sqlite covering index".
        """
        repeated = query in self.queries  # small models loop on one search: nudge them on
        self.queries.append(query)
        hits = self.find(query)
        if not hits:
            return "no results: try other keywords"
        listing = "\n".join(
            f"{i}. {hit.title}\n   URL: {hit.url}\n   {hit.snippet}"
            for i, hit in enumerate(hits, 1)
        )
        nudge = "You already ran this search: now call fetch_page with one of these URLs.\n"
        return (nudge if repeated else "") + untrusted(listing, "search_results", query=query)

    def fetch_page(self, url: str) -> str:
        """Read one page that search_web listed and keep it as a numbered source for the report.

        Args:
            url: the page's URL, exactly as search_web listed it.
        """
        source = self.add_source(url)
        excerpt = untrusted(
            source.text[:EXCERPT_CHARS], "page", url=source.final_url, title=source.title
        )
        return (
            f"Saved as source [{source.n}] ({len(source.text):,} characters). Its start:\n{excerpt}"
        )

    def tools(self) -> list[Tool]:
        """The assistant's whole toolbox (``RESEARCH_TOOLS``)."""
        return [tool(self.search_web), tool(self.fetch_page)]

    # --- gathering ------------------------------------------------------------------------------

    def find(self, query: str) -> list[SearchHit]:
        """Search, remembering the URLs found: only those may be fetched."""
        try:
            hits = self.searcher.search(query, self.search_k)
        except FetchError as error:
            raise ToolError(str(error)) from error
        self.listed.update(hit.url for hit in hits)
        return hits

    def add_source(self, url: str) -> Source:
        """Fetch and extract ``url`` as the next numbered source, or refuse with a reason."""
        url = url.strip()
        if url not in self.listed:  # an injected page must not steer us to a URL of its own
            raise ToolError(f"{url} was not listed by search_web: fetch only URLs from its results")
        if len(self.sources) >= self.max_sources:
            raise ToolError(f"already read {self.max_sources} pages, the limit: reply done")
        try:
            page = self.fetcher.fetch(url)
        except FetchError as error:
            self.skipped.append((url, str(error)))
            raise ToolError(str(error)) from error
        known = next((s for s in self.sources if page.final_url == s.final_url), None)
        if known is not None:
            raise ToolError(f"{url} is already source [{known.n}]")
        document = extract(page)
        if not document.text:
            self.skipped.append((url, "no readable text"))
            raise ToolError(f"{url}: the page has no readable text")
        n = len(self.sources) + 1
        source = Source(n, url, page.final_url, document.title, document.text, document.extractor)
        self.sources.append(source)
        return source

    def gather(self, topic: str, out: Path | None) -> AgentResult:
        """Let the agent search and read; return its run."""
        agent = Agent(
            self.model,
            self.tools(),
            system_prompt=AGENT_PROMPT.format(max_sources=self.max_sources),
            budget=self.budget,
            channel=self.channel,
            trajectory=out / "trajectory.json" if out else None,
        )
        return agent.run(TASK.format(topic=topic))

    def read_top_hits(self, topic: str) -> None:
        """The fallback: read the best search hits for the topic, in rank order."""
        for hit in self.find(topic):
            if len(self.sources) >= self.max_sources:
                return
            try:
                self.add_source(hit.url)
            except ToolError:
                continue  # recorded in skipped; the next hit may do

    # --- writing --------------------------------------------------------------------------------

    def ask(self, messages: list[Message], step: str) -> str:
        """One writing-phase model call (no tools), recorded in the transcript."""
        start = time.perf_counter()
        reply = self.model.chat(messages)
        self.transcript.append({
            "step": step, "messages": messages, "reply": reply.text,
            "prompt_tokens": reply.prompt_tokens, "completion_tokens": reply.completion_tokens,
            "seconds": round(time.perf_counter() - start, 3),
        })  # fmt: skip
        return reply.text

    def summarise(self, topic: str, source: Source) -> str:
        """A few sentences on what ``source`` says about ``topic`` (citations of others removed)."""
        text = self.ask(
            summary_messages(topic, source.final_url, source.title, source.text),
            f"summary [{source.n}]",
        )
        return check_citations(prose(text), valid={source.n})[0]

    def write_overview(self, topic: str) -> tuple[str, list[int]]:
        """The overview paragraph with its citations checked, and the numbers that were dropped."""
        if not self.sources:
            return "", []
        summaries = [(s.n, s.title, s.summary) for s in self.sources]
        text = self.ask(overview_messages(topic, summaries), "overview")
        return check_citations(prose(text), valid=range(1, len(self.sources) + 1))

    # --- the whole run --------------------------------------------------------------------------

    def run(self, topic: str, out: Path | None = None) -> Research:
        """Research ``topic``; with ``out``, save report.md, sources.json, trajectory.json and
        transcript.json there."""
        start = time.perf_counter()
        self.reset()
        agent = self.gather(topic, out)
        gathered_by: Literal["agent", "fallback"] = "agent"
        if not self.sources:
            gathered_by = "fallback"
            self.read_top_hits(topic)
        for source in self.sources:
            source.summary = self.summarise(topic, source)
        overview, dropped = self.write_overview(topic)
        skipped = unique([*getattr(self.searcher, "skipped", []), *self.skipped])
        name = getattr(self.model, "name", "?")
        report = render_report(topic, overview, self.sources, dropped, skipped, name)
        research = Research(
            topic, report, overview, self.sources, skipped, dropped, agent, gathered_by, name,
            self.transcript, time.perf_counter() - start,
        )  # fmt: skip
        if out is not None:
            save(research, out)
        return research
