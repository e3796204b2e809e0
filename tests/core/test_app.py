"""Configuration, health check, security headers, static files, compression and error pages."""

from __future__ import annotations

import gzip

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms import create_app
from lms.config import PROJECT_ROOT, ConfigError
from tests.conftest import make_test_config


def test_production_requires_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("LMS_BASE_URL", "https://akademi.example.id")
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app({"DATABASE_URL": "sqlite://"})


def test_production_requires_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("LMS_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="LMS_BASE_URL is not set"):
        create_app({"DATABASE_URL": "sqlite://"})


def test_proxy_count_makes_client_address_right(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LMS_PROXY_COUNT", "1")
    app = create_app(make_test_config("sqlite://"))

    @app.get("/_addr")
    def _addr() -> str:
        from flask import request

        return request.remote_addr or ""

    response = app.test_client().get("/_addr", headers={"X-Forwarded-For": "36.80.1.2"})
    assert response.get_data(as_text=True) == "36.80.1.2"


def test_healthz_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["database"] == "ok" and body["status"] == "ok"


def test_healthz_503_when_database_unreachable() -> None:
    # A PostgreSQL URL whose server is not there (nothing listens on port 1).
    app = create_app(make_test_config("postgresql://postgres@127.0.0.1:1/test"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


@pytest.mark.parametrize("path", ["/login", "/does-not-exist", "/healthz"])
def test_security_headers_on_every_response(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_inline_scripts_or_handlers_in_templates() -> None:
    import re

    for template in (PROJECT_ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"inline script in {template}"
        assert not re.search(r"\son[a-z]+=", text), f"inline event handler in {template}"
        assert "style=" not in text, f"inline style in {template} (CSP allows only style-src 'self')"


def test_static_files_have_hashed_names_and_long_cache(app: Flask, client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    import re

    match = re.search(r'href="(/static/css/app\.[0-9a-f]{10}\.css)"', page)
    assert match, "stylesheet link without a content hash"
    response = client.get(match.group(1))
    assert response.status_code == 200
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert response.cache_control.immutable
    stale = client.get("/static/css/app.0000000000.css")
    assert stale.status_code == 200 and (stale.cache_control.max_age or 0) <= 300


def test_stylesheet_and_scripts_under_15_kb_compressed() -> None:
    total = sum(len(gzip.compress(path.read_bytes(), 9))
                for pattern in ("*.css", "*.js") for path in (PROJECT_ROOT / "static").rglob(pattern))
    assert total < 15 * 1024, f"CSS+JS are {total} bytes gzipped"


def test_html_is_compressed(client: FlaskClient) -> None:
    response = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"
    assert b"<html" in gzip.decompress(response.data)


def test_api_errors_are_json(client: FlaskClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json() == {"error": {"status": 404, "message": "Halaman tidak ditemukan"}}


def test_error_page_in_users_language(client: FlaskClient) -> None:
    assert "Halaman tidak ditemukan" in client.get("/tidak-ada").get_data(as_text=True)
    client.set_cookie("lang", "en")
    assert "Page not found" in client.get("/tidak-ada").get_data(as_text=True)
