"""Static sites are served with the CDN's rules: config.js, files, routes.json, 404.html."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from werkzeug.test import Client

from local_runtime.static_sites import config_script, site_app


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    site = tmp_path / "dist"
    (site / "assets").mkdir(parents=True)
    (site / "assets" / "app.js").write_text("console.log(1)")
    (site / "login.html").write_text("<h1>login</h1>")
    (site / "404.html").write_text("<h1>missing</h1>")
    (site / "routes.json").write_text(
        json.dumps(
            {
                "pages": {"/login": "login.html", "/dashboard/docs": "login.html"},
                "prefixes": {"/pay/": "login.html"},
                "redirects": {"/": "/login"},
            }
        )
    )
    (tmp_path / "secret.txt").write_text("do not serve")
    return site


@pytest.fixture
def site(dist: Path) -> Client:
    return Client(site_app("dashboard", dist, {"apiUrl": "http://api"}))


def test_an_existing_file_is_served_with_its_type_and_no_cache(site: Client) -> None:
    response = site.get("/assets/app.js?v=1")
    assert (response.status_code, response.data) == (200, b"console.log(1)")
    assert "javascript" in response.headers["Content-Type"]
    assert response.headers["Cache-Control"] == "no-cache"


def test_routes_json_pages_map_paths_to_files(site: Client) -> None:
    for path in ("/login", "/dashboard/docs"):
        response = site.get(path)
        assert (response.status_code, response.data) == (200, b"<h1>login</h1>")
        assert response.headers["Content-Type"].startswith("text/html")


def test_routes_json_prefixes_serve_their_page_for_any_path_below(site: Client) -> None:
    response = site.get("/pay/plink_abcdefghijklmnop")
    assert (response.status_code, response.data) == (200, b"<h1>login</h1>")
    assert site.get("/pay/").status_code == 404


def test_routes_json_redirects_keep_the_query(site: Client) -> None:
    response = site.get("/?a=1")
    assert (response.status_code, response.headers["Location"]) == (302, "/login?a=1")


def test_anything_else_is_the_404_page(site: Client) -> None:
    response = site.get("/nowhere")
    assert (response.status_code, response.data) == (404, b"<h1>missing</h1>")


def test_paths_cannot_escape_dist(site: Client) -> None:
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt"):
        response = site.get(path)
        assert response.status_code == 404 and b"do not serve" not in response.data


def test_without_404_page_the_answer_is_still_404(dist: Path, site: Client) -> None:
    (dist / "404.html").unlink()
    assert site.get("/nowhere").status_code == 404


def test_config_script_sets_the_global_config(site: Client) -> None:
    script = config_script({"apiUrl": "http://localhost:8000", "checkoutUrl": "http://localhost:3001"})
    assert script.startswith('window.GATEWAY_CONFIG = {"apiUrl": "http://localhost:8000"')
    assert script.rstrip().endswith(";")
    response = site.get("/config.js")
    assert response.status_code == 200 and b'"apiUrl": "http://api"' in response.data
    assert response.headers["Content-Type"].startswith("application/javascript")


def test_a_site_that_is_not_built_says_so(tmp_path: Path) -> None:
    response = Client(site_app("checkout", tmp_path / "absent", {})).get("/checkout")
    assert response.status_code == 200 and b"not built" in response.data


def test_head_is_answered_without_a_body(site: Client) -> None:
    response = site.head("/login")
    assert response.status_code == 200 and response.data == b""
