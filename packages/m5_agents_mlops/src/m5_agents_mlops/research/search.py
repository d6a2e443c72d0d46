"""Search behind one interface: ``search(query, k) -> [SearchHit(url, title, snippet)]``.

Two implementations:

- ``SiteSearch``: a search engine of your own, offline-first. It crawls from seed URLs (same
  site only, a bounded number of pages and link depth, every request through the ``Fetcher``,
  so robots.txt and the size and type limits apply to the crawl too), extracts each page's main
  text and ranks pages for a query with BM25, the keyword ranking of the month 4 library
  (``m4_genai.retrieval.bm25``). Documentation sites, a company wiki, the bundled fixture site:
  anything you can name a start page of.
- ``SearxSearch``: web search through a SearXNG instance (a self-hostable metasearch engine)
  and its JSON API, for users who are online and run one.

The agent never sees which one it uses: that is the point of the interface.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import httpx

from m4_genai.retrieval.bm25 import BM25, tokenize
from m5_agents_mlops.errors import AgentError, FetchError
from m5_agents_mlops.research.extract import Document, extract, extract_links
from m5_agents_mlops.research.web import USER_AGENT, Fetcher

SNIPPET_CHARS = 220
TITLE_WEIGHT = 3
"""A page's title words count this many times (a short BM25F: titles say what a page is about)."""


class NoSearchBackendError(AgentError):
    """Neither seed URLs nor a search engine were given, so there is nothing to search."""


@dataclass(frozen=True)
class SearchHit:
    """One search result."""

    url: str
    title: str
    snippet: str


class Searcher(Protocol):
    """Anything that finds pages for a query."""

    def search(self, query: str, k: int = 5) -> list[SearchHit]: ...


class SiteSearch:
    """Crawl the sites of ``seeds`` once, then answer queries by BM25 over the pages found."""

    def __init__(
        self, seeds: Sequence[str], fetcher: Fetcher, *, max_pages: int = 20, max_depth: int = 2
    ) -> None:
        if not seeds:
            raise NoSearchBackendError("SiteSearch needs at least one seed URL to crawl from")
        self.seeds, self.fetcher = list(seeds), fetcher
        self.max_pages, self.max_depth = max_pages, max_depth
        self.documents: list[Document] = []
        self.skipped: list[tuple[str, str]] = []
        """``(url, reason)`` of every page the crawl could not use."""
        self.crawled = False

    def crawl(self) -> None:
        """Breadth-first from the seeds: at most ``max_pages`` requests, ``max_depth`` links deep,
        never leaving the seeds' sites."""
        sites = {urlsplit(seed).netloc for seed in self.seeds}
        queue, seen = deque((seed, 0) for seed in self.seeds), set(self.seeds)
        kept: set[str] = set()  # final URLs: a redirect must not index a page twice
        requests = 0
        while queue and requests < self.max_pages:
            url, depth = queue.popleft()
            requests += 1
            try:
                page = self.fetcher.fetch(url)
            except FetchError as error:
                self.skipped.append((url, str(error)))
                continue
            document = extract(page)
            if document.text and page.final_url not in kept:
                kept.add(page.final_url)
                self.documents.append(document)
            elif not document.text:
                self.skipped.append((url, "no readable text"))
            if depth < self.max_depth:
                for link in extract_links(page):
                    if link not in seen and urlsplit(link).netloc in sites:
                        seen.add(link)
                        queue.append((link, depth + 1))
        self.crawled = True

    def search(self, query: str, k: int = 5) -> list[SearchHit]:
        """The ``k`` pages that best match ``query`` (BM25 over title and text), best first."""
        if not self.crawled:
            self.crawl()
        words = tokenize(query)
        if not self.documents or not words:
            return []
        corpus = [tokenize(f"{d.title} " * TITLE_WEIGHT + d.text) for d in self.documents]
        ranked = BM25(corpus).top_k(words, k)
        return [
            SearchHit(doc.url, doc.title, snippet(doc.text, words))
            for doc in (self.documents[i] for i, _ in ranked)
        ]


def snippet(text: str, words: Sequence[str], limit: int = SNIPPET_CHARS) -> str:
    """The sentence of ``text`` sharing the most query words, cut to ``limit`` characters."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s]
    if not sentences:
        return ""
    wanted = set(words)
    best = max(sentences, key=lambda s: len(wanted & set(tokenize(s))))  # first of the ties
    return best if len(best) <= limit else best[: limit - 1].rstrip() + "…"


class SearxSearch:
    """Web search through a SearXNG instance's JSON API (``GET /search?q=...&format=json``).

    The instance must allow the JSON format (``search: formats: [html, json]`` in its
    settings.yml); public instances usually do not, so run your own (``docker run searxng/searxng``).
    """

    def __init__(
        self, base_url: str, *, timeout: float = 10.0, client: httpx.Client | None = None
    ) -> None:
        self.endpoint = urljoin(base_url.rstrip("/") + "/", "search")
        self.client = client or httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT})

    def search(self, query: str, k: int = 5) -> list[SearchHit]:
        try:
            response = self.client.get(self.endpoint, params={"q": query, "format": "json"})
        except httpx.HTTPError as error:
            raise FetchError(
                f"search engine {self.endpoint}: {type(error).__name__}: {error}"
            ) from error
        if response.status_code == 403:
            raise FetchError(
                f"search engine {self.endpoint}: HTTP 403, the JSON API is off; enable it with "
                "`search: formats: [html, json]` in SearXNG's settings.yml"
            )
        if response.status_code >= 400:
            raise FetchError(f"search engine {self.endpoint}: HTTP {response.status_code}")
        try:
            payload = response.json()
        except ValueError as error:
            raise FetchError(f"search engine {self.endpoint}: the reply is not JSON") from error
        results = payload.get("results", []) if isinstance(payload, dict) else []
        hits = [
            SearchHit(
                str(item["url"]), str(item.get("title") or ""), str(item.get("content") or "")
            )
            for item in results
            if isinstance(item, dict)
            and str(item.get("url", "")).startswith(("http://", "https://"))
        ]
        return hits[:k]
