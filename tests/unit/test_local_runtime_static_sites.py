"""Static sites are served with the CDN's rules: config.js, files, routes.json, 404.html."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from local_runtime.static_sites import StaticSiteServer, config_script, resolve_request


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    site = tmp_path / "dist"
    (site / "assets").mkdir(parents=True)
    (site / "assets" / "app.js").write_text("console.log(1)")
    (site / "login.html").write_text("<h1>login</h1>")
    (site / "404.html").write_text("<h1>missing</h1>")
    (site / "routes.json").write_text(
        json.dumps(
            {"pages": {"/login": "login.html", "/dashboard/docs": "login.html"}, "redirects": {"/": "/login"}}
        )
    )
    (tmp_path / "secret.txt").write_text("do not serve")
    return site


def test_an_existing_file_is_served(dist: Path) -> None:
    assert resolve_request(dist, "/assets/app.js?v=1") == (200, {}, (dist / "assets" / "app.js").resolve())


def test_routes_json_pages_map_paths_to_files(dist: Path) -> None:
    assert resolve_request(dist, "/dashboard/docs") == (200, {}, (dist / "login.html").resolve())


def test_routes_json_redirects_keep_the_query(dist: Path) -> None:
    assert resolve_request(dist, "/?a=1") == (302, {"Location": "/login?a=1"}, None)


def test_anything_else_is_the_404_page(dist: Path) -> None:
    assert resolve_request(dist, "/nowhere") == (404, {}, dist / "404.html")


def test_paths_cannot_escape_dist(dist: Path) -> None:
    status, _, file = resolve_request(dist, "/../secret.txt")
    assert status == 404 and file == dist / "404.html"
    status, _, file = resolve_request(dist, "/%2e%2e/secret.txt")
    assert status == 404 and file == dist / "404.html"


def test_without_404_page_the_answer_is_still_404(dist: Path) -> None:
    (dist / "404.html").unlink()
    assert resolve_request(dist, "/nowhere") == (404, {}, None)


def test_config_script_sets_the_global_config() -> None:
    script = config_script({"apiUrl": "http://localhost:8000", "checkoutUrl": "http://localhost:3001"})
    assert script.startswith('window.GATEWAY_CONFIG = {"apiUrl": "http://localhost:8000"')
    assert script.rstrip().endswith(";")


@pytest.fixture
def site(dist: Path) -> Iterator[str]:
    server = StaticSiteServer("dashboard", 0, dist, {"apiUrl": "http://api"})
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_served_over_http_with_no_cache_and_types(site: str) -> None:
    status, headers, body = _get(f"{site}/login")
    assert (status, body) == (200, b"<h1>login</h1>")
    assert headers["Content-Type"].startswith("text/html")
    assert headers["Cache-Control"] == "no-cache"
    status, headers, body = _get(f"{site}/config.js")
    assert status == 200 and b'"apiUrl": "http://api"' in body
    assert headers["Content-Type"].startswith("application/javascript")
    status, headers, _ = _get(f"{site}/")
    assert (status, headers["Location"]) == (302, "/login")
    status, _, body = _get(f"{site}/missing")
    assert (status, body) == (404, b"<h1>missing</h1>")


def test_a_site_that_is_not_built_says_so(tmp_path: Path) -> None:
    server = StaticSiteServer("checkout", 0, tmp_path / "absent", {})
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        status, _, body = _get(f"http://127.0.0.1:{server.server_address[1]}/checkout")
    finally:
        server.shutdown()
        server.server_close()
    assert status == 200 and b"not built" in body
