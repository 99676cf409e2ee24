"""The dashboard and the checkout widget, served from their dist/ folders as the CDN would serve them.

Rules, in order: generated /config.js; an existing file under dist/; dist/routes.json pages, prefixes
and redirects; dist/404.html with status 404. werkzeug does the file serving (safe paths, types, HEAD).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from werkzeug.exceptions import NotFound
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.utils import redirect, send_from_directory
from werkzeug.wrappers import Request, Response

NOT_BUILT = (
    "<!doctype html><title>Not built</title><h1>{name} is not built yet</h1>"
    "<p>Run <code>make frontend</code> (or <code>make run</code>) to build <code>{dist}</code>.</p>"
)


def config_script(urls: dict[str, str]) -> str:
    return f"window.GATEWAY_CONFIG = {json.dumps(urls)};\n"


def site_app(name: str, dist: Path, urls: dict[str, str]) -> Any:
    """The WSGI application of one site."""

    @Request.application
    def serve(request: Request) -> Response:
        if request.path == "/config.js":
            response = Response(config_script(urls), mimetype="application/javascript")
        elif not dist.is_dir():
            response = Response(NOT_BUILT.format(name=name, dist=dist), mimetype="text/html")
        else:
            response = _from_dist(request, dist)
        # Locally every file is revalidated, so a rebuild shows up on the next reload.
        response.headers["Cache-Control"] = "no-cache"
        return response

    return serve


def _from_dist(request: Request, dist: Path) -> Response:
    routes = _routes(dist)
    for candidate in (
        request.path.lstrip("/"),
        routes.get("pages", {}).get(request.path),
        _by_prefix(routes.get("prefixes", {}), request.path),
    ):
        if candidate:
            try:
                return send_from_directory(dist, candidate, request.environ)
            except NotFound:
                pass
    target = routes.get("redirects", {}).get(request.path)
    if target is not None:
        query = request.query_string.decode()
        return redirect(target + (f"?{query}" if query else ""), 302)
    try:
        response = send_from_directory(dist, "404.html", request.environ, etag=False)
    except NotFound:
        return Response("Not found", 404, mimetype="text/plain")
    response.status_code = 404
    return response


def _by_prefix(prefixes: dict[str, str], path: str) -> str | None:
    """The page for a path under one of the route list's prefixes (`/pay/<id>`), as the CDN's router does."""
    for prefix, page in prefixes.items():
        if path.startswith(prefix) and len(path) > len(prefix):
            return page
    return None


def _routes(dist: Path) -> dict[str, Any]:
    try:
        routes = json.loads((dist / "routes.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return routes if isinstance(routes, dict) else {}


def static_site_server(name: str, port: int, dist: Path, urls: dict[str, str]) -> BaseWSGIServer:
    return make_server("127.0.0.1", port, site_app(name, dist, urls), threaded=True)
