"""The research assistant: search, fetch, extract, summarise, and a Markdown report with citations.

web.py         Fetcher protocol, HttpFetcher (robots.txt, size/type limits, timeouts), CachedFetcher
extract.py     main text and title (trafilatura, BeautifulSoup fallback), links
search.py      Searcher protocol, SiteSearch (crawl + BM25), SearxSearch (SearXNG JSON API)
prompts.py     the prompts, and web text wrapped as untrusted data
report.py      Source, citation checks, the Markdown report
assistant.py   ResearchAssistant: an agent gathers, a pipeline writes
scripted.py    ScriptedResearcher, the model of ``research --smoke``
local_site.py  LocalSite, the bundled fixture website on 127.0.0.1 (tests and --smoke)
"""

from m5_agents_mlops.research.assistant import RESEARCH_TOOLS, ResearchAssistant
from m5_agents_mlops.research.extract import Document, extract, extract_links
from m5_agents_mlops.research.local_site import LocalSite
from m5_agents_mlops.research.prompts import untrusted
from m5_agents_mlops.research.report import Research, Source, check_citations, render_report
from m5_agents_mlops.research.scripted import ScriptedResearcher
from m5_agents_mlops.research.search import (
    NoSearchBackendError,
    Searcher,
    SearchHit,
    SearxSearch,
    SiteSearch,
)
from m5_agents_mlops.research.web import USER_AGENT, CachedFetcher, Fetcher, HttpFetcher, Page

__all__ = [
    "RESEARCH_TOOLS",
    "USER_AGENT",
    "CachedFetcher",
    "Document",
    "Fetcher",
    "HttpFetcher",
    "LocalSite",
    "NoSearchBackendError",
    "Page",
    "Research",
    "ResearchAssistant",
    "ScriptedResearcher",
    "SearchHit",
    "Searcher",
    "SearxSearch",
    "SiteSearch",
    "Source",
    "check_citations",
    "extract",
    "extract_links",
    "render_report",
    "untrusted",
]
