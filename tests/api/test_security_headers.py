"""Every answer of the API carries the security headers: each route of the app (found in
app.routes, so a new route is covered without editing this file), errors, refusals, and the 500
of an unhandled exception. HTML pages are no-store and run no inline script or style."""

import re
import socket
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from api.security_headers import CONTENT_SECURITY_POLICY
from passage.config import Settings, get_settings
from passage.runtime.api_app import api_app
from tests.conftest import _clear_cached_wiring

EXPECTED = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
}
TEMPLATES = Path(__file__).parents[2] / "api" / "templates"
_PARAM = re.compile(r"\{[^}]+\}")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def app(database: Settings, monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    # The chat route must never reach a real Rasa server: nothing listens on this port.
    monkeypatch.setenv("PASSAGE_RASA_URL", f"http://127.0.0.1:{_closed_port()}")
    _clear_cached_wiring()
    get_settings()
    return api_app()


def _requests(app: FastAPI) -> list[tuple[str, str]]:
    """One (method, path) per method of every route, those of included routers too (as FastAPI
    flattens them for the OpenAPI document); path parameters filled with "1"."""
    requests = []
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, Mount):
            requests.append(("GET", f"{route.path}/chat.js"))
            requests.append(("GET", f"{route.path}/no-such-file"))
        elif route.path and route.methods:
            path = _PARAM.sub("1", route.path)
            requests.extend((method, path) for method in sorted(route.methods))
    return requests


def _assert_protected(response: httpx.Response, what: object) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (what, name, response.status_code)
    if response.headers.get("content-type", "").startswith("text/html"):
        assert response.headers.get("cache-control") == "no-store", what
        _assert_no_inline_code(response.text, what)


def _assert_no_inline_code(page: str, what: object) -> None:
    """What the CSP would block: inline scripts, style elements or attributes, event handlers."""
    for script in re.findall(r"<script\b[^>]*>", page, re.I):
        assert "src=" in script or 'type="application/json"' in script, (what, script)
    assert not re.search(r"<style\b|\sstyle\s*=", page, re.I), what
    assert not re.search(r"\son[a-z]+\s*=", page, re.I), what
    assert "javascript:" not in page.lower(), what


def test_the_routes_are_found(app: FastAPI) -> None:
    found = set(_requests(app))
    assert {("GET", "/"), ("POST", "/chat/messages"), ("GET", "/static/chat.js")} <= found
    assert ("GET", "/intake/login") in found
    assert ("GET", "/openapi.json") in found


def test_every_route_answers_with_the_security_headers(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False, raise_server_exceptions=False)
    for method, path in _requests(app):
        response = client.request(method, path)
        _assert_protected(response, (method, path))


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/no/such/page", 404),
        ("DELETE", "/chat/messages", 405),
        ("POST", "/chat/messages", 422),
        ("GET", "/?lang=" + "x" * 100, 422),
        ("GET", "/api/v1/referrals", 401),
        ("POST", "/webhooks/twilio/sms", 403),
    ],
)
def test_errors_carry_the_headers(app: FastAPI, method: str, path: str, status: int) -> None:
    response = TestClient(app).request(method, path)
    assert response.status_code == status
    _assert_protected(response, path)


def test_html_pages_are_no_store_and_other_answers_keep_their_caching(app: FastAPI) -> None:
    client = TestClient(app)
    page = client.get("/")
    script = client.get("/static/chat.js")

    assert page.headers["cache-control"] == "no-store"
    assert (
        "cache-control" not in script.headers or "no-store" not in script.headers["cache-control"]
    )
    assert client.get("/openapi.json").headers.get("cache-control") is None


def test_the_refusals_of_the_limits_carry_the_headers(
    database: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASSAGE_RATE_LIMIT_PER_IP_PER_MINUTE", "1")
    _clear_cached_wiring()
    client = TestClient(api_app())

    too_large = client.post("/chat/messages", content=b"x" * 70_000)
    limited = client.get("/")

    assert (too_large.status_code, limited.status_code) == (413, 429)
    _assert_protected(too_large, "413")
    _assert_protected(limited, "429")


def test_an_unhandled_exception_answers_500_with_the_headers(app: FastAPI) -> None:
    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    response = TestClient(app, raise_server_exceptions=False).get("/boom")

    assert response.status_code == 500
    assert "a bug" not in response.text
    _assert_protected(response, "/boom")


def test_the_exception_still_reaches_the_server_log(app: FastAPI) -> None:
    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError, match="a bug"):
        TestClient(app).get("/boom")


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_templates_have_no_inline_script_or_style(template: Path) -> None:
    _assert_no_inline_code(template.read_text(encoding="utf-8"), template.name)


def test_the_chat_page_loads_only_its_own_script_and_style(app: FastAPI) -> None:
    page = TestClient(app).get("/").text

    assert re.findall(r'<script src="([^"]+)"', page) == [
        "/static/vendor/socket.io/socket.io.min.js",  # vendored with its licence, no CDN
        "/static/chat.js",
    ]
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', page) == ["/static/chat.css"]
    assert '<script id="config" type="application/json">' in page
