"""The dashboard and the checkout widget, served from their dist/ folders as the CDN would serve them.

Rules, in order: generated /config.js; an existing file under dist/; dist/routes.json pages and
redirects; dist/404.html with status 404.
"""

from __future__ import annotations

import json
import logging
import mimetypes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

log = logging.getLogger("static")

NOT_BUILT = (
    "<!doctype html><title>Not built</title><h1>{name} is not built yet</h1>"
    "<p>Run <code>make frontend</code> (or <code>make run</code>) to build <code>{dist}</code>.</p>"
)
mimetypes.add_type("application/javascript", ".js")
mimetypes.add_type("application/javascript", ".mjs")


def config_script(urls: dict[str, str]) -> str:
    return f"window.GATEWAY_CONFIG = {json.dumps(urls)};\n"


def resolve_request(dist: Path, raw_path: str) -> tuple[int, dict[str, str], Path | None]:
    """What a request for `raw_path` gets: (status, extra headers, file to send or None)."""
    url = urlsplit(raw_path)
    path = unquote(url.path)
    root = dist.resolve()
    candidate = (root / path.lstrip("/")).resolve()
    if candidate.is_relative_to(root) and candidate.is_file():
        return 200, {}, candidate
    routes = _routes(root)
    page = routes.get("pages", {}).get(path)
    if page is not None and (root / page).resolve().is_relative_to(root) and (root / page).is_file():
        return 200, {}, (root / page).resolve()
    target = routes.get("redirects", {}).get(path)
    if target is not None:
        location = target + (f"?{url.query}" if url.query else "")
        return 302, {"Location": location}, None
    not_found = root / "404.html"
    return 404, {}, not_found if not_found.is_file() else None


def _routes(root: Path) -> dict[str, Any]:
    try:
        routes = json.loads((root / "routes.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return routes if isinstance(routes, dict) else {}


class StaticSiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, name: str, port: int, dist: Path, urls: dict[str, str]) -> None:
        super().__init__(("127.0.0.1", port), _StaticRequestHandler)
        self.name, self.dist, self.urls = name, dist, urls


class _StaticRequestHandler(BaseHTTPRequestHandler):
    server: StaticSiteServer

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *args)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        dist = self.server.dist
        if urlsplit(self.path).path == "/config.js":
            self._send(200, {}, config_script(self.server.urls).encode(), "application/javascript")
            return
        if not dist.is_dir():
            body = NOT_BUILT.format(name=self.server.name, dist=dist).encode()
            self._send(200, {}, body, "text/html; charset=utf-8")
            return
        status, headers, file = resolve_request(dist, self.path)
        if file is None:
            self._send(status, headers, b"" if status == 302 else b"Not found", "text/plain; charset=utf-8")
            return
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type == "application/javascript":
            content_type += "; charset=utf-8"
        self._send(status, headers, file.read_bytes(), content_type)

    def _send(self, status: int, headers: dict[str, str], body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        # Locally every file is revalidated, so a rebuild shows up on the next reload.
        self.send_header("Cache-Control", "no-cache")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
