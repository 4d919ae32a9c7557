import json
import re

import pytest
from fastapi.testclient import TestClient

from passage.config import Settings
from passage.runtime.api_app import api_app
from translations.catalog import shipped_catalogs


@pytest.fixture
def client(settings: Settings) -> TestClient:
    return TestClient(api_app())


def _config(page: str) -> dict:
    found = re.search(r'<script id="config" type="application/json">(.*?)</script>', page, re.S)
    assert found is not None
    return json.loads(found.group(1))


def test_page_is_english_by_default(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert shipped_catalogs().lookup("web.chat.title", "en").text in response.text
    assert _config(response.text)["maxChars"] == 2000


def test_page_in_russian(client: TestClient) -> None:
    page = client.get("/?lang=ru").text
    assert '<html lang="ru">' in page
    assert shipped_catalogs().lookup("web.chat.send", "ru").text in page
    assert (
        _config(page)["texts"]["unreachable"]
        == shipped_catalogs().lookup("web.chat.unreachable", "ru").text
    )


@pytest.mark.parametrize("lang", ["xx", "<script>", ""])
def test_unknown_page_language_falls_back_to_english(client: TestClient, lang: str) -> None:
    response = client.get("/", params={"lang": lang})
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "<script>" not in response.text.split("<body>")[0]


def test_overlong_language_parameter_is_a_4xx(client: TestClient) -> None:
    assert client.get("/", params={"lang": "x" * 100}).status_code == 422


def test_script_and_style_are_served(client: TestClient) -> None:
    assert client.get("/static/chat.js").status_code == 200
    assert client.get("/static/chat.css").status_code == 200
