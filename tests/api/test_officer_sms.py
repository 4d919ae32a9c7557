"""An officer writing by SMS or WhatsApp: a number not in the directory is an officer's (or a
stranger's) chat. The webhook answers at once when the message cannot reach Rasa, and says why;
the phone number is kept encrypted here only. Rasa is not running in these tests."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from twilio.request_validator import RequestValidator

from casework.chat_addresses import ChatAddress, conversation_id
from passage.config import Settings, session_factory
from passage.runtime.api_app import api_app
from tests.conftest import _clear_cached_wiring
from translations.catalog import shipped_catalogs

TOKEN = "test-auth-token"
OFFICER = "whatsapp:+15005553007"
BASE = "https://passage.example.org"


@pytest.fixture
def client(database: Settings, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("PASSAGE_TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("PASSAGE_PUBLIC_BASE_URL", BASE)
    monkeypatch.setenv("PASSAGE_RASA_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("PASSAGE_RATE_LIMIT_PER_CHAT_SENDER_PER_MINUTE", "1")
    _clear_cached_wiring()
    return TestClient(api_app())


def _post(client: TestClient, body: str, sid: str) -> str:
    params = {"From": OFFICER, "Body": body, "MessageSid": sid}
    url = f"{BASE}/webhooks/twilio/sms"
    signature = RequestValidator(TOKEN).compute_signature(url, params)
    response = client.post(
        "/webhooks/twilio/sms", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 200
    return response.text


def test_the_officer_is_told_why_when_the_message_cannot_go_on(client: TestClient) -> None:
    unavailable = shipped_catalogs().lookup("chat.unavailable", "en").text
    too_many = shipped_catalogs().lookup("chat.too_many_messages", "en").text

    assert unavailable in _post(client, "open a case", "SM-officer-1")
    assert too_many in _post(client, "open a case", "SM-officer-2")  # one a minute here

    with session_factory()() as session:
        (row,) = session.scalars(select(ChatAddress))
        stored = session.execute(text("SELECT address FROM chat_address")).scalar_one()
    key = client.app.state.chat_key  # type: ignore[attr-defined]
    assert row.conversation == conversation_id(key, "twilio", OFFICER)
    assert row.address == OFFICER and "15005553007" not in stored  # encrypted at rest
