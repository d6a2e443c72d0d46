"""A small website on 127.0.0.1, served from the fixture pages bundled with this package.

The research assistant is tested against a real HTTP server, not a mock: real sockets, real
headers, real redirects, so the fetcher's rules (robots.txt, size limit, content type, timeouts)
meet the same bytes they would meet on the internet. ``research --smoke`` uses it too, so the
whole assistant runs offline in seconds.

The site (``site/``) is a short guide to SQLite indexes, written for this project, with the traps
a crawler must handle:

- ``/robots.txt`` disallows ``/internal/``, and ``/`` links to ``/internal/drafts.html``;
- ``/cheatsheet.pdf`` is not HTML;
- ``/changelog.html`` is generated here: ``oversize_bytes`` of HTML streamed *without* a
  Content-Length header, so only a limit enforced while reading can stop it;
- ``/write-costs.html`` carries a prompt injection in its "reader comments";
- ``/old-guide.html`` redirects to ``/btree.html``, ``/latest-draft.html`` into ``/internal/``,
  and ``/loop.html`` to itself;
- ``/slow.html`` answers after ``slow_seconds`` (not linked: only the timeout test asks for it).

``site.requests`` logs every path asked for, so a test can prove a page was *never* requested::

    with LocalSite() as site:
        fetcher.fetch(site.url_of("/btree.html"))
        assert "/internal/drafts.html" not in site.requests
"""

from __future__ import annotations

import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from types import TracebackType
from typing import ClassVar

SITE_DIR = Path(str(files("m5_agents_mlops.research") / "site"))
"""The bundled pages (package data, so an installed package can serve them too)."""

REDIRECTS = {
    "/old-guide.html": "/btree.html",
    "/loop.html": "/loop.html",
    "/latest-draft.html": "/internal/drafts.html",  # a redirect into the disallowed folder
}
CHANGELOG_ENTRY = (
    "<h2>Revision {n}</h2><p>Reworded the paragraph on B-tree page splits, fixed a typo in the "
    "EXPLAIN QUERY PLAN example and updated the links to the SQLite documentation.</p>\n"
)


class LocalSite:
    """The fixture website on a free port of 127.0.0.1, served by a background thread."""

    def __init__(
        self,
        root: Path = SITE_DIR,
        *,
        oversize_bytes: int = 2_000_000,
        slow_seconds: float = 3.0,
    ) -> None:
        self.root, self.oversize_bytes, self.slow_seconds = (
            root.resolve(),
            oversize_bytes,
            slow_seconds,
        )
        self.requests: list[str] = []
        """Every path requested, in order (query strings included)."""
        self.user_agents: set[str] = set()
        """The User-Agent headers seen."""
        self.lock, self.stopping = threading.Lock(), threading.Event()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """The home page, e.g. ``http://127.0.0.1:40123/``."""
        if self.server is None:
            raise RuntimeError("the site is not running: use `with LocalSite() as site:`")
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def url_of(self, path: str) -> str:
        """The absolute URL of ``path`` on this site."""
        return self.url + path.lstrip("/")

    def start(self) -> LocalSite:
        self.stopping.clear()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), SiteHandler)  # port 0: any free one
        self.server.site = self  # type: ignore[attr-defined]  (the handler reads it)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.stopping.set()  # wakes a /slow.html handler that is still waiting
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def log(self, path: str, user_agent: str) -> None:
        with self.lock:
            self.requests.append(path)
            self.user_agents.add(user_agent)


class SiteHandler(BaseHTTPRequestHandler):
    """Serves the files of ``site.root`` plus the generated traps listed in the module docstring."""

    server_version = "LocalSite/1.0"
    CONTENT_TYPES: ClassVar = {".html": "text/html; charset=utf-8", ".txt": "text/plain"}

    @property
    def site(self) -> LocalSite:
        return self.server.site  # type: ignore[attr-defined, no-any-return]

    def do_GET(self) -> None:
        self.site.log(self.path, self.headers.get("User-Agent", ""))
        path = self.path.split("?", 1)[0]
        try:
            if path in REDIRECTS:
                self.send_response(301 if path == "/old-guide.html" else 302)  # moved / found
                self.send_header("Location", REDIRECTS[path])
                self.end_headers()
            elif path == "/changelog.html":
                self.send_changelog()
            elif path == "/slow.html":
                if not self.site.stopping.wait(self.site.slow_seconds):
                    self.send_body(b"<html><body><p>Finally.</p></body></html>", ".html")
            else:
                self.send_file(path)
        except (BrokenPipeError, ConnectionResetError):  # the client stopped reading: its right
            pass

    def send_file(self, path: str) -> None:
        file = (self.site.root / (path.lstrip("/") or "index.html")).resolve()
        if not file.is_file() or not file.is_relative_to(self.site.root):  # no ../ escapes
            self.send_error(404, "no such page")
            return
        self.send_body(file.read_bytes(), file.suffix)

    def send_body(self, body: bytes, suffix: str) -> None:
        kind = self.CONTENT_TYPES.get(suffix) or mimetypes.guess_type(f"x{suffix}")[0]
        self.send_response(200)
        self.send_header("Content-Type", kind or "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_changelog(self) -> None:
        """A huge page, streamed with no Content-Length (the body ends when the connection does)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(b"<html><head><title>Changelog</title></head><body><h1>Changelog</h1>")
        sent, n = 0, 1
        while sent < self.site.oversize_bytes and not self.site.stopping.is_set():
            chunk = "".join(CHANGELOG_ENTRY.format(n=n + i) for i in range(50)).encode()
            self.wfile.write(chunk)
            sent, n = sent + len(chunk), n + 50
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: ``site.requests`` is the log."""
