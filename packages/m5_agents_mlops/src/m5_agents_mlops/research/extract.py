"""From a fetched page to what a model should read: the title and the main text, and the links.

A web page is mostly not its article: navigation, footers, cookie banners, scripts. Feeding all
of it to a model wastes its context and dilutes the summary, so we extract the *main text*:

1. **trafilatura**, a library built for exactly this (it scores the page's blocks by text
   density and structure, and keeps the article);
2. **BeautifulSoup** as the fallback when trafilatura returns nothing (a page that is all
   "boilerplate" to its heuristics): the visible text of ``<main>``/``<article>``/``<body>``
   with scripts, styles, navigation and footers removed.

Plain-text pages are taken as they are. ``extract_links`` lists a page's outgoing links as
absolute URLs, for the crawler of ``search.SiteSearch``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urldefrag, urljoin, urlsplit

import trafilatura
from bs4 import BeautifulSoup

from m5_agents_mlops.research.web import Page

Extractor = Literal["trafilatura", "beautifulsoup", "plain"]
NOISE_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template")


@dataclass(frozen=True)
class Document:
    """A page's readable content."""

    url: str
    """Where the text came from (the page's final URL, after redirects)."""
    title: str
    text: str
    extractor: Extractor
    """Which method produced ``text``."""


def extract(page: Page) -> Document:
    """The title and main text of ``page`` (empty text when the page has none)."""
    if not page.is_html:
        lines = page.text.strip().splitlines()
        title = lines[0].strip() if lines else ""
        return Document(
            page.final_url, title or fallback_title(page.final_url), page.text.strip(), "plain"
        )
    found = trafilatura.bare_extraction(
        page.text, url=page.final_url, with_metadata=True, include_comments=True
    )
    soup = BeautifulSoup(page.text, "html.parser")
    title = (getattr(found, "title", None) or "").strip() or html_title(soup)
    text = (getattr(found, "text", None) or "").strip()
    if text:
        return Document(
            page.final_url, title or fallback_title(page.final_url), text, "trafilatura"
        )
    return Document(
        page.final_url, title or fallback_title(page.final_url), visible_text(soup), "beautifulsoup"
    )


def html_title(soup: BeautifulSoup) -> str:
    """``<title>``, else the first ``<h1>``, else empty."""
    for tag in (soup.title, soup.find("h1")):
        if tag is not None and tag.get_text(strip=True):
            return " ".join(tag.get_text().split())
    return ""


def visible_text(soup: BeautifulSoup) -> str:
    """The page's readable text without code or page furniture, one block per line."""
    for tag in soup(NOISE_TAGS):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    text = root.get_text("\n", strip=True)
    return re.sub(r"\n{3,}", "\n\n", text)


def fallback_title(url: str) -> str:
    """A title made from the URL when a page has none: ``example.org/docs/intro.html``."""
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}".rstrip("/") or url


def extract_links(page: Page) -> list[str]:
    """The page's ``<a href>`` targets as absolute http(s) URLs without ``#fragments``, in page
    order, each once."""
    if not page.is_html:
        return []
    links: list[str] = []
    for anchor in BeautifulSoup(page.text, "html.parser").find_all("a", href=True):
        url, _ = urldefrag(urljoin(page.final_url, str(anchor["href"]).strip()))
        if urlsplit(url).scheme in ("http", "https") and url not in links:
            links.append(url)
    return links
