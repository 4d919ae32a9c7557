"""The chat endpoint's input checks. With the Rasa server down, a valid message gets a 503."""

import socket

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from passage.settings import Settings, get_settings
from tests.conftest import _clear_cached_wiring

SENDER = "web-0123456789abcdef"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def client(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    # Nothing listens on this port: the Rasa server is "down".
    monkeypatch.setenv("PASSAGE_RASA_URL", f"http://127.0.0.1:{_free_port()}")
    _clear_cached_wiring()
    get_settings()
    return TestClient(create_app())


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"sender": SENDER, "message": ""}, 422),
        ({"sender": SENDER, "message": "   \n "}, 422),
        ({"sender": SENDER, "message": "a\x00b"}, 422),
        ({"sender": SENDER, "message": None}, 422),
        ({"sender": SENDER, "message": 42}, 422),
        ({"sender": SENDER}, 422),
        ({"message": "hello"}, 422),
        ({"sender": "x", "message": "hello"}, 422),
        ({"sender": "../../etc/passwd", "message": "hello"}, 422),
        ({"sender": SENDER, "message": "x" * 10_000}, 413),
        ([1, 2, 3], 422),
        ("hello", 422),
    ],
)
def test_bad_messages_are_refused_with_a_4xx(client: TestClient, body: object, status: int) -> None:
    response = client.post("/chat/messages", json=body)
    assert response.status_code == status
    assert response.json()["detail"]


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe\x00garbage", b""])
def test_malformed_bodies_are_refused_with_a_4xx(client: TestClient, raw: bytes) -> None:
    response = client.post(
        "/chat/messages", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422


def test_a_valid_message_with_rasa_down_is_503_with_a_reason(client: TestClient) -> None:
    response = client.post("/chat/messages", json={"sender": SENDER, "message": "hello"})
    assert response.status_code == 503
    assert response.json() == {"detail": "the assistant is not reachable"}
