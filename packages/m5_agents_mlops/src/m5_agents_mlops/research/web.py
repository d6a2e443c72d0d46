"""Fetching web pages politely and defensively: the ``Fetcher`` protocol and ``HttpFetcher``.

An agent that reads the web takes whatever a URL sends back, so the fetcher is a boundary with
rules, each refusal a ``FetchError`` that says why (the agent reads the reason as a tool error):

1. **http(s) only**: no ``file://``, no ``ftp://``.
2. **robots.txt**: read once per site (cached) and honoured for every URL, *including each
   redirect hop*, so a redirect cannot smuggle the crawler into a disallowed folder. Missing
   (4xx) means "crawl anything"; unreachable (5xx, timeout) means "crawl nothing" (RFC 9309).
3. **redirects** are followed by hand, at most ``max_redirects``: a loop ends with a reason.
4. **timeouts**: one per network wait (connect, each read) *and* a deadline for the whole
   download, since a server that sends one byte a second never trips a per-read timeout.
5. **content type**: HTML or plain text only, decided from the headers before the body is read.
6. **size**: a Content-Length over the limit is refused up front, and the limit is enforced
   while streaming, because a server may send no length (or lie about it).
7. **a User-Agent naming the project**, so a site owner can see who calls and block it.

``CachedFetcher`` wraps any fetcher so each URL is requested once per run: the crawler behind
``SiteSearch`` and the agent's ``fetch_page`` share what was already downloaded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from m5_agents_mlops.errors import FetchError

PRODUCT = "ai-roadmap-research"
"""The name robots.txt rules match (``User-agent: ai-roadmap-research``)."""
USER_AGENT = (
    f"{PRODUCT}/0.1 (research assistant of the ai-roadmap learning project; obeys robots.txt)"
)
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
REDIRECT_CODES = (301, 302, 303, 307, 308)
ROBOTS_MAX_BYTES = 500_000
"""The most of a robots.txt anyone reads (Google's limit is 500 KiB)."""


@dataclass(frozen=True)
class Page:
    """One fetched page: where we asked, where we ended up (after redirects), and its text."""

    url: str
    final_url: str
    status: int
    content_type: str
    """The media type without parameters, e.g. ``text/html``."""
    text: str
    """The decoded body: HTML or plain text."""

    @property
    def is_html(self) -> bool:
        return self.content_type != "text/plain"


class Fetcher(Protocol):
    """Anything that turns a URL into a ``Page`` or raises ``FetchError`` saying why not."""

    def fetch(self, url: str) -> Page: ...


class HttpFetcher:
    """The real fetcher (httpx), with every rule of the module docstring."""

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        max_bytes: int = 1_000_000,
        max_redirects: int = 5,
        deadline: float | None = None,
        user_agent: str = USER_AGENT,
        client: httpx.Client | None = None,
    ) -> None:
        self.timeout, self.max_bytes, self.max_redirects = timeout, max_bytes, max_redirects
        self.deadline = deadline or 3 * timeout
        """Seconds the whole download of one page may take (default 3 × ``timeout``)."""
        self.user_agent = user_agent
        self.client = client or httpx.Client(
            timeout=timeout,
            follow_redirects=False,  # by hand: each hop is checked against robots.txt
            headers={"User-Agent": user_agent},
            # A proxy from the environment must never carry requests meant for this machine.
            mounts={"all://127.0.0.1": None, "all://localhost": None},
        )
        self.robots: dict[str, RobotFileParser] = {}
        """robots.txt rules by site (``scheme://host:port``), read once each."""

    def fetch(self, url: str) -> Page:
        """Download ``url`` (following up to ``max_redirects`` redirects) or raise FetchError."""
        current = url
        for _ in range(self.max_redirects + 1):
            self.check_allowed(current)
            page_or_location = self.download(url, current)
            if isinstance(page_or_location, Page):
                return page_or_location
            current = urljoin(current, page_or_location)
        raise FetchError(f"{url}: more than {self.max_redirects} redirects")

    def check_allowed(self, url: str) -> None:
        """Refuse non-http(s) URLs and anything robots.txt disallows for our user agent."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FetchError(f"{url}: only http(s) URLs can be fetched")
        if not self.robots_for(f"{parts.scheme}://{parts.netloc}").can_fetch(self.user_agent, url):
            raise FetchError(f"{url}: disallowed by the site's robots.txt")

    def robots_for(self, site: str) -> RobotFileParser:
        """The site's robots.txt rules, fetched on first use and cached."""
        if site not in self.robots:
            rules = RobotFileParser(f"{site}/robots.txt")
            status, text = self.read_robots(site)
            if status >= 500:
                rules.disallow_all = True  # RFC 9309: unreachable → assume everything disallowed
            elif status >= 400:
                rules.allow_all = True  # no robots.txt → no restrictions
            else:
                rules.parse(text.splitlines())
            self.robots[site] = rules
        return self.robots[site]

    def read_robots(self, site: str) -> tuple[int, str]:
        """``(status, text)`` of the site's robots.txt (its first 500 KB); unreachable is a 503."""
        body = bytearray()
        try:
            with self.client.stream("GET", f"{site}/robots.txt", follow_redirects=True) as response:
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) >= ROBOTS_MAX_BYTES:
                        break
                return response.status_code, body.decode("utf-8", errors="replace")
        except httpx.HTTPError:
            return 503, ""

    def download(self, asked: str, url: str) -> Page | str:
        """One GET: a ``Page``, or the Location of a redirect; refusals raise FetchError."""
        ends_at = time.monotonic() + self.deadline  # the whole download, not one read
        try:
            with self.client.stream("GET", url) as response:
                if response.status_code in REDIRECT_CODES:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(f"{asked}: redirect without a Location header")
                    return location
                if response.status_code >= 400:
                    raise FetchError(f"{asked}: HTTP {response.status_code}")
                kind = media_type(response.headers.get("content-type", ""))
                if kind not in TEXT_TYPES:
                    raise FetchError(
                        f"{asked}: content type {kind or 'missing'} is not HTML or plain text"
                    )
                body = self.read_limited(asked, response, ends_at)
                text = body.decode(charset(response), errors="replace")
                return Page(asked, str(response.url), response.status_code, kind, text)
        except httpx.TimeoutException as error:
            raise FetchError(f"{asked}: timed out after {self.timeout:g} s") from error
        except httpx.HTTPError as error:
            raise FetchError(f"{asked}: {type(error).__name__}: {error}") from error

    def read_limited(self, url: str, response: httpx.Response, ends_at: float) -> bytes:
        """The body, refusing it as soon as it is known to pass ``max_bytes`` or the deadline."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(
                f"{url}: {int(declared):,} bytes is over the {self.max_bytes:,}-byte limit"
            )
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > self.max_bytes:  # stop reading: the rest never leaves the socket
                raise FetchError(f"{url}: larger than the {self.max_bytes:,}-byte limit")
            if time.monotonic() > ends_at:
                raise FetchError(f"{url}: timed out: still downloading after {self.deadline:g} s")
        return bytes(body)

    def close(self) -> None:
        self.client.close()


class CachedFetcher:
    """Fetch each URL once per run (successes and refusals alike) through ``fetcher``."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self.cache: dict[str, Page | str] = {}
        """URL → its page, or the reason it was refused."""

    def fetch(self, url: str) -> Page:
        if url not in self.cache:
            try:
                self.cache[url] = self.fetcher.fetch(url)
            except FetchError as error:
                self.cache[url] = str(error)
        page = self.cache[url]
        if isinstance(page, str):
            raise FetchError(page)
        return page


def media_type(header: str) -> str:
    """``text/html; charset=utf-8`` → ``text/html``."""
    return header.split(";", 1)[0].strip().lower()


def charset(response: httpx.Response) -> str:
    """The charset the headers declare, if Python knows it; else UTF-8."""
    declared = response.charset_encoding or "utf-8"
    try:
        "".encode(declared)
    except LookupError:
        return "utf-8"
    return declared
