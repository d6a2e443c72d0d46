"""The research assistant's web layer against a real HTTP server on 127.0.0.1: the fetcher's rules
(robots.txt, size, content type, timeouts, redirects), extraction, and both searchers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from m5_agents_mlops.errors import FetchError
from m5_agents_mlops.research import (
    USER_AGENT,
    CachedFetcher,
    HttpFetcher,
    LocalSite,
    Page,
    SearxSearch,
    SiteSearch,
    extract,
    extract_links,
)


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with LocalSite(oversize_bytes=200_000, slow_seconds=5.0) as running:
        yield running


@pytest.fixture
def fetcher() -> HttpFetcher:
    return HttpFetcher(timeout=1.0, max_bytes=50_000)


def test_fetches_a_page_with_the_project_user_agent(site: LocalSite, fetcher: HttpFetcher) -> None:
    page = fetcher.fetch(site.url_of("btree.html"))
    assert (page.status, page.content_type, page.final_url) == (200, "text/html", page.url)
    assert "<h1>How SQLite stores an index: B-trees</h1>" in page.text
    assert site.user_agents == {USER_AGENT} and "ai-roadmap-research/" in USER_AGENT
    assert site.requests == ["/robots.txt", "/btree.html"]


def test_robots_disallowed_pages_are_never_requested(site: LocalSite, fetcher: HttpFetcher) -> None:
    with pytest.raises(FetchError, match=r"disallowed by the site's robots\.txt"):
        fetcher.fetch(site.url_of("internal/drafts.html"))
    # A redirect into the disallowed folder is refused at the hop, before it is followed.
    with pytest.raises(FetchError, match=r"robots\.txt"):
        fetcher.fetch(site.url_of("latest-draft.html"))
    fetcher.fetch(site.url_of("btree.html"))
    assert site.requests == ["/robots.txt", "/latest-draft.html", "/btree.html"]  # robots once


def test_oversize_page_is_cut_off_while_streaming(site: LocalSite, fetcher: HttpFetcher) -> None:
    # /changelog.html sends 200 kB with no Content-Length: only the streaming check can stop it.
    with pytest.raises(FetchError, match="larger than the 50,000-byte limit"):
        fetcher.fetch(site.url_of("changelog.html"))
    # A declared Content-Length over the limit is refused before the body is read.
    small = HttpFetcher(timeout=1.0, max_bytes=500)
    with pytest.raises(FetchError, match=r"[\d,]+ bytes is over the 500-byte limit"):
        small.fetch(site.url_of("btree.html"))


def test_non_html_content_is_refused_with_its_type(site: LocalSite, fetcher: HttpFetcher) -> None:
    with pytest.raises(FetchError, match="content type application/pdf is not HTML or plain text"):
        fetcher.fetch(site.url_of("cheatsheet.pdf"))
    assert fetcher.fetch(site.url_of("robots.txt")).content_type == "text/plain"


def test_a_slow_server_times_out(site: LocalSite) -> None:
    start = time.perf_counter()
    with pytest.raises(FetchError, match=r"timed out after 0.5 s"):
        HttpFetcher(timeout=0.5).fetch(site.url_of("slow.html"))
    assert time.perf_counter() - start < 3.0  # the page would answer after 5 s


def test_a_download_that_never_ends_hits_the_deadline() -> None:
    # Bytes keep arriving, so no read ever times out: only the whole-download deadline stops it.
    with LocalSite(oversize_bytes=10**10) as endless:
        fetcher = HttpFetcher(timeout=5.0, max_bytes=10**10, deadline=0.3)
        start = time.perf_counter()
        with pytest.raises(FetchError, match=r"still downloading after 0\.3 s"):
            fetcher.fetch(endless.url_of("changelog.html"))
        assert time.perf_counter() - start < 3.0


def test_redirects_are_followed_and_limited(site: LocalSite, fetcher: HttpFetcher) -> None:
    page = fetcher.fetch(site.url_of("old-guide.html"))
    assert (page.url, page.final_url) == (site.url_of("old-guide.html"), site.url_of("btree.html"))
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetcher.fetch(site.url_of("loop.html"))
    assert site.requests.count("/loop.html") == 6  # the first request and 5 redirects


def test_errors_and_schemes(site: LocalSite, fetcher: HttpFetcher) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        fetcher.fetch(site.url_of("no-such-page.html"))
    with pytest.raises(FetchError, match="only http"):
        fetcher.fetch("file:///etc/passwd")


def test_robots_txt_status_rules() -> None:
    """RFC 9309: a missing robots.txt (4xx) allows everything, an unreachable one (5xx) nothing."""

    def server(robots_status: int) -> httpx.Client:
        def answer(request: httpx.Request) -> httpx.Response:
            if request.url.path == "/robots.txt":
                return httpx.Response(robots_status, text="")
            return httpx.Response(200, headers={"content-type": "text/html"}, text="<p>hi</p>")

        return httpx.Client(transport=httpx.MockTransport(answer))

    assert HttpFetcher(client=server(404)).fetch("http://site.test/a").text == "<p>hi</p>"
    with pytest.raises(FetchError, match=r"robots\.txt"):
        HttpFetcher(client=server(503)).fetch("http://site.test/a")


def test_cached_fetcher_requests_each_url_once(site: LocalSite, fetcher: HttpFetcher) -> None:
    cached = CachedFetcher(fetcher)
    assert cached.fetch(site.url_of("btree.html")) is cached.fetch(site.url_of("btree.html"))
    for _ in range(2):
        with pytest.raises(FetchError, match="application/pdf"):
            cached.fetch(site.url_of("cheatsheet.pdf"))
    assert site.requests == ["/robots.txt", "/btree.html", "/cheatsheet.pdf"]


def test_extract_main_text_title_and_links(site: LocalSite, fetcher: HttpFetcher) -> None:
    document = extract(fetcher.fetch(site.url_of("write-costs.html")))
    assert document.extractor == "trafilatura" and document.title == "What indexes cost"
    assert "six B-tree updates per inserted row" in document.text
    assert "CC BY 4.0" not in document.text  # the footer is page furniture, not content
    assert "Ignore previous instructions" in document.text  # the injection is in the content
    links = extract_links(fetcher.fetch(site.url))
    assert site.url_of("btree.html") in links and site.url_of("internal/drafts.html") in links
    assert all(link.startswith(site.url) and "#" not in link for link in links)


def test_extract_falls_back_to_beautifulsoup_and_reads_plain_text() -> None:
    # trafilatura finds no article in a page that is one footer-classed div.
    html = "<html><head><title>Glossary</title><script>x()</script></head><body>"
    html += "<div class='footer'>B-tree: a balanced search tree.</div></body></html>"
    document = extract(Page("http://x/g", "http://x/g", 200, "text/html", html))
    assert (document.extractor, document.title) == ("beautifulsoup", "Glossary")
    assert document.text == "B-tree: a balanced search tree."
    plain = extract(Page("http://x/n.txt", "http://x/n.txt", 200, "text/plain", "Notes\nline two"))
    assert (plain.extractor, plain.title, plain.text) == ("plain", "Notes", "Notes\nline two")


def test_site_search_crawls_the_site_and_ranks_by_bm25(
    site: LocalSite, fetcher: HttpFetcher
) -> None:
    search = SiteSearch([site.url], fetcher, max_pages=20, max_depth=2)
    hits = search.search("covering index table lookup", k=3)
    assert hits[0].url == site.url_of("covering-indexes.html")
    assert search.search("leftmost prefix multi-column", k=1)[0].title == "Multi-column indexes"
    assert len(search.documents) == 6  # the six readable pages; the redirect is not a 7th
    reasons = dict(search.skipped)
    assert "robots.txt" in reasons[site.url_of("internal/drafts.html")]
    assert "application/pdf" in reasons[site.url_of("cheatsheet.pdf")]
    assert "byte limit" in reasons[site.url_of("changelog.html")]
    assert "/internal/drafts.html" not in site.requests
    assert search.search("", k=3) == [] and search.search("zeppelin", k=3) == []


def test_site_search_respects_its_bounds(site: LocalSite, fetcher: HttpFetcher) -> None:
    SiteSearch([site.url], fetcher, max_depth=0).crawl()
    assert site.requests == ["/robots.txt", "/"]  # the seed only
    SiteSearch([site.url_of("btree.html")], fetcher, max_pages=2).crawl()
    assert len(site.requests) == 4  # + two pages


class FakeSearx(BaseHTTPRequestHandler):
    """A SearXNG JSON API: ``/search?q=...&format=json`` → results; ``q=forbidden`` → 403."""

    results: list[dict[str, str]] = []  # noqa: RUF012 (set per test)
    queries: list[dict[str, list[str]]] = []  # noqa: RUF012

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        FakeSearx.queries.append(query)
        status = 403 if query.get("q") == ["forbidden"] else 200
        body = json.dumps({"query": query["q"][0], "results": FakeSearx.results}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def searx() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSearx)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    FakeSearx.queries.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_searx_search_reads_the_json_api(searx: str) -> None:
    FakeSearx.results = [
        {
            "url": "https://sqlite.org/queryplanner.html",
            "title": "Query Planning",
            "content": "How",
        },
        {"url": "javascript:alert(1)", "title": "junk"},
        {"url": "https://sqlite.org/lang_createindex.html", "title": "CREATE INDEX"},
    ]
    hits = SearxSearch(searx + "/").search("sqlite index", k=5)
    assert [(h.url, h.title) for h in hits] == [
        ("https://sqlite.org/queryplanner.html", "Query Planning"),
        ("https://sqlite.org/lang_createindex.html", "CREATE INDEX"),
    ]
    assert FakeSearx.queries == [{"q": ["sqlite index"], "format": ["json"]}]
    assert len(SearxSearch(searx).search("sqlite index", k=1)) == 1
    with pytest.raises(FetchError, match=r"settings\.yml"):
        SearxSearch(searx).search("forbidden")
