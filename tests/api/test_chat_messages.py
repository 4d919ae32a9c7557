"""The chat endpoint's input checks. With the Rasa server down, a valid message gets a 503."""

import pytest
from fastapi.testclient import TestClient

from passage.config import Settings, get_settings
from passage.runtime.api_app import api_app
from tests.api.chat_client import TAB, chat_client
from tests.conftest import _clear_cached_wiring
from tests.ports import free_port


@pytest.fixture
def client(database: Settings, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    # Nothing listens on this port: the Rasa server is "down".
    monkeypatch.setenv("PASSAGE_RASA_URL", f"http://127.0.0.1:{free_port()}")
    _clear_cached_wiring()
    get_settings()
    return chat_client(api_app())


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"tab": TAB, "message": ""}, 422),
        ({"tab": TAB, "message": "   \n "}, 422),
        ({"tab": TAB, "message": "a\x00b"}, 422),
        ({"tab": TAB, "message": None}, 422),
        ({"tab": TAB, "message": 42}, 422),
        ({"tab": TAB}, 422),
        ({"message": "hello"}, 422),
        ({"tab": "x", "message": "hello"}, 422),
        ({"tab": "../../etc/passwd", "message": "hello"}, 422),
        ({"tab": TAB, "message": "yes", "step": "../x"}, 422),
        ({"tab": TAB, "message": "yes", "shown": "x" * 2001}, 422),
        ({"tab": TAB, "message": "x" * 10_000}, 422),  # maxLength in the OpenAPI document
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
    response = client.post("/chat/messages", json={"tab": TAB, "message": "hello"})
    assert response.status_code == 503
    assert response.json() == {"detail": "the assistant is not reachable"}


def test_without_the_chat_cookie_there_is_no_conversation(client: TestClient) -> None:
    """Knowing a tab id is not enough: the conversation is the cookie's and the tab's."""
    client.cookies.clear()
    response = client.post("/chat/messages", json={"tab": TAB, "message": "hello"})
    assert response.status_code == 401
    client.cookies.set("passage_chat", "forged")
    assert client.post("/chat/messages", json={"tab": TAB, "message": "hi"}).status_code == 401
