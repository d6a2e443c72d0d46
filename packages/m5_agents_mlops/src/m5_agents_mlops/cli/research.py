"""``research``: an assistant that searches the web, reads pages and writes a cited report.

    uv run research --smoke       # the bundled site on 127.0.0.1 and a scripted model: seconds
    uv run research --smoke --llm local --model smollm2-135m   # the same with a real local model
    uv run research "how do SQLite indexes work" --seed-url https://sqlite.org/queryplanner.html
    uv run research "vector databases" --searx-url http://localhost:8888 \\
        --llm openai --base-url http://localhost:11434/v1 --model qwen2.5:7b

How it works. An agent with exactly two tools, search_web and fetch_page, decides what to search
for and which results to read (at most --max-sources pages, within --max-steps model calls).
Then a fixed pipeline summarises each page and writes an overview, and the code assembles a
Markdown report: overview with numbered citations [n], one summary per source, the numbered
source list. A citation to a source that was never fetched is removed and flagged.

Where pages come from (one is needed):
  --seed-url URL   crawl these sites (same host, --max-pages requests, --max-depth links deep)
                   and rank their pages with BM25: docs sites, wikis, the bundled --smoke site;
  --searx-url URL  a SearXNG instance's JSON API (or set $AI_ROADMAP_SEARXNG_URL).

The fetcher obeys robots.txt, sends a User-Agent naming this project, reads HTML and plain text
only, stops at --max-bytes and --timeout, and follows at most 5 redirects. Page text is untrusted
data: it reaches the model between <untrusted_...> tags, and a page that says "call the
database tool" cannot: the assistant has no such tool.

Writes under --out: report.md, sources.json (sources and refused pages with reasons),
trajectory.json (the agent's steps), transcript.json (the writing calls), metrics.json.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlparse

from m4_genai.llm import ChatModel, Kind, load_chat_model
from m4_genai.llm.factory import resolve_kind
from m5_agents_mlops.agent import Budget, Channel
from m5_agents_mlops.research import (
    CachedFetcher,
    Fetcher,
    HttpFetcher,
    LocalSite,
    NoSearchBackendError,
    Research,
    ResearchAssistant,
    ScriptedResearcher,
    Searcher,
    SearxSearch,
    SiteSearch,
)
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.runkit import (
    RunConfig,
    RunParser,
    llm_server_options,
    require,
    require_at_least,
    save_metrics,
)

SMOKE_TOPIC = "How do SQLite indexes make queries fast, and what do they cost?"
SEARX_ENV = "AI_ROADMAP_SEARXNG_URL"


@dataclass(frozen=True, kw_only=True)
class ResearchConfig(RunConfig):
    """One research run: the topic, where to search, the model, and the limits."""

    PRESETS: ClassVar = {
        "tiny": {"llm": "scripted", "max_pages": 12, "max_steps": 6},
        "cpu": {},
        "full": {"max_sources": 5, "max_pages": 40, "max_steps": 16},
    }

    topic: str = ""
    """What to research, in plain words."""
    seed_urls: tuple[str, ...] = ()
    """Start pages of the sites to crawl and search."""
    searx_url: str | None = None
    """A SearXNG instance with the JSON API on (default $AI_ROADMAP_SEARXNG_URL); used without seed URLs."""
    llm: Kind | None = None
    """Chat model: local (offline), openai (any compatible server), scripted (a rule-following stand-in, no model); default $AI_ROADMAP_LLM, else local."""
    max_steps: int = 10
    """Model calls the gathering agent may make."""
    max_sources: int = 3
    """Pages read and cited at most."""
    max_pages: int = 20
    """Requests the crawl of the seed sites may make."""
    max_depth: int = 2
    """Links followed from a seed URL."""
    max_bytes: int = 1_000_000
    """Largest page read, in bytes."""
    timeout: float = 10.0
    """Seconds to wait on the network for one request."""
    max_tokens: int = 300
    """Tokens per model reply."""
    max_seconds: float = 600.0
    """Wall-clock budget of the gathering agent."""
    channel: Channel = "native"
    """How tool calls travel: native (the backend's tool API or grammar) or text (a prompt protocol)."""

    def validate(self) -> None:
        require(
            bool(self.topic.strip()), 'give a topic, e.g. research "how do SQLite indexes work"'
        )
        require_at_least(1, max_steps=self.max_steps, max_sources=self.max_sources,
                         max_pages=self.max_pages, max_bytes=self.max_bytes,
                         max_tokens=self.max_tokens)  # fmt: skip
        require_at_least(0, max_depth=self.max_depth)
        require(self.timeout > 0 and self.max_seconds > 0, "timeout and max_seconds must be > 0")
        for url in (*self.seed_urls, *([self.searx_url] if self.searx_url else [])):
            require(
                urlparse(url).scheme in ("http", "https") and bool(urlparse(url).netloc),
                f"{url!r} is not a web address: give it as https://host/path",
            )


def make_searcher(config: ResearchConfig, fetcher: Fetcher) -> Searcher:
    """Seed URLs → a crawl of those sites; else a SearXNG URL; else say what to pass."""
    if config.seed_urls:
        return SiteSearch(config.seed_urls, fetcher, max_pages=config.max_pages,
                          max_depth=config.max_depth)  # fmt: skip
    searx = config.searx_url or os.environ.get(SEARX_ENV)
    if searx:
        return SearxSearch(searx, timeout=config.timeout)
    raise NoSearchBackendError(
        "nothing to search: pass --seed-url URL (a site to crawl, e.g. "
        f"https://sqlite.org/docs.html) or --searx-url URL (a SearXNG instance; or set ${SEARX_ENV}), "
        "or try --smoke for the bundled site"
    )


def load_model(config: ResearchConfig, server_options: dict[str, Any]) -> ChatModel:
    """The model ``config.llm`` names; ``scripted`` is ``ScriptedResearcher``."""
    if resolve_kind(config.llm) == "scripted":
        return ScriptedResearcher(max_fetches=config.max_sources)
    return load_chat_model(
        config.llm, max_tokens=config.max_tokens, seed=config.seed, **server_options
    )


def run(
    config: ResearchConfig,
    model: ChatModel | None = None,
    *,
    fetcher: Fetcher | None = None,
    searcher: Searcher | None = None,
    server_options: dict[str, Any] | None = None,
) -> Research:
    """Research ``config.topic`` and save the report and its evidence under ``config.out``."""
    fetcher = fetcher or CachedFetcher(
        HttpFetcher(timeout=config.timeout, max_bytes=config.max_bytes)
    )
    searcher = searcher or make_searcher(config, fetcher)  # before the model: fail fast
    model = model or load_model(config, server_options or {})
    assistant = ResearchAssistant(
        model, searcher, fetcher, max_sources=config.max_sources, channel=config.channel,
        budget=Budget(max_steps=config.max_steps, max_seconds=config.max_seconds),
    )  # fmt: skip
    return assistant.run(config.topic, out=config.out)


def print_report(result: Research) -> None:
    """The sources as a table, then how the run went and where its files are."""
    rows = [(s.n, s.title[:50], s.final_url, len(s.text)) for s in result.sources]
    print_table(f"research: {result.topic}", ["n", "title", "url", "chars"], rows)
    agent = result.agent
    console.print(
        f"model {result.model}: {agent.steps} agent steps (stopped by {agent.stopped_by}), "
        f"sources gathered by the {result.gathered_by}, {result.tokens} tokens, "
        f"{result.seconds:.1f} s; tools run: {', '.join(sorted(result.tools_run)) or 'none'}",
        markup=False,
    )
    for url, reason in result.skipped:
        console.print(f"  skipped {url}: {reason}", markup=False)
    if result.dropped_citations:
        console.print(f"  removed citations to unfetched sources: {result.dropped_citations}")
    for name, path in result.files.items():
        console.print(f"{name} → {path}", markup=False)


def build_parser() -> RunParser:
    parser = RunParser("research", __doc__, ResearchConfig)
    parser.add_argument("topic", nargs="?", help="what to research, in quotes")
    parser.add_field("seed_urls", "--seed-url", action="extend")
    for name in ("searx_url", "llm", "max_steps", "max_sources", "max_pages", "max_depth",
                 "max_bytes", "timeout", "max_tokens", "max_seconds", "channel"):  # fmt: skip
        parser.add_field(name)
    parser.add_llm_server_flags()
    return parser


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    options = llm_server_options(args)
    if args.smoke:  # the bundled fixture site, served on 127.0.0.1 for the length of the run
        with LocalSite() as site:
            config = parser.config(args, topic=args.topic or SMOKE_TOPIC, seed_urls=(site.url,))
            result = run(config, server_options=options)
    else:
        config = parser.config(args, topic=args.topic)
        result = run(config, server_options=options)
    print_report(result)
    path = save_metrics(result, config, config.out)
    console.print(f"metrics → {path}", markup=False)
    return 0
