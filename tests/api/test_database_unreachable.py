"""When the app database does not answer (restarting, failing over), requests get a clear 503
with Retry-After, whichever credential they carry, never a 500."""

import re
import socket

import httpx
import pytest
from fastapi.testclient import TestClient

from passage.config import Settings
from passage.runtime.api_app import api_app
from tests.conftest import _clear_cached_wiring

DETAIL = "the database is not reachable; try again in a moment"


@pytest.fixture
def client(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    url = f"postgresql+psycopg://passage@127.0.0.1:{closed_port}/passage?connect_timeout=2"
    monkeypatch.setenv("PASSAGE_DATABASE_URL", url)
    _clear_cached_wiring()
    return TestClient(api_app(), raise_server_exceptions=False)


def _is_database_unreachable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.json() == {"detail": DETAIL}
    assert response.headers["Retry-After"] == "5"


def test_a_partner_whose_key_cannot_be_checked_gets_503(client: TestClient) -> None:
    well_formed_key = "psg_0123456789ab_" + "k" * 43

    response = client.get(
        "/api/v1/referrals", headers={"Authorization": f"Bearer {well_formed_key}"}
    )

    _is_database_unreachable(response)


def test_a_staff_login_that_cannot_be_checked_gets_503(client: TestClient) -> None:
    page = client.get("/intake/login")
    assert page.status_code == 200
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None

    response = client.post(
        "/intake/login",
        data={"username": "intake.worker", "password": "a password", "csrf": csrf.group(1)},
    )

    _is_database_unreachable(response)
