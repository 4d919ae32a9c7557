"""Twilio webhooks refuse what Twilio did not sign, and malformed parameters, with a 4xx."""

import pytest
from fastapi.testclient import TestClient
from twilio.request_validator import RequestValidator

from passage.config import Settings, get_settings
from passage.runtime.api_app import api_app
from translations.catalog import shipped_catalogs

TOKEN = "test-auth-token"


@pytest.fixture
def client(database: Settings, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("PASSAGE_TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("PASSAGE_PUBLIC_BASE_URL", "https://passage.example.org")
    monkeypatch.setenv("PASSAGE_RASA_URL", "http://127.0.0.1:9")  # Rasa is down
    get_settings.cache_clear()
    return TestClient(api_app())


def _signed(path: str, params: dict[str, str]) -> dict[str, str]:
    url = f"https://passage.example.org{path}"
    return {"X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(url, params)}


def test_unsigned_and_wrongly_signed_requests_are_forbidden(client: TestClient) -> None:
    params = {"From": "+15005551001", "Body": "ACCEPT ABC234", "MessageSid": "SM1"}
    assert client.post("/webhooks/twilio/sms", data=params).status_code == 403
    wrong = {"X-Twilio-Signature": "bm9wZQ=="}
    assert client.post("/webhooks/twilio/sms", data=params, headers=wrong).status_code == 403


def test_a_number_not_in_the_directory_is_an_officers_chat_not_a_provider(
    client: TestClient,
) -> None:
    """It changes no referral: it goes to the assistant as an officer's message (here Rasa is
    down, so the answer says so), where anyone not enrolled gets only the public hotline."""
    params = {"From": "+15005559999", "Body": "ACCEPT ABC234", "MessageSid": "SM2"}
    response = client.post(
        "/webhooks/twilio/sms", data=params, headers=_signed("/webhooks/twilio/sms", params)
    )
    assert response.status_code == 200
    assert shipped_catalogs().lookup("chat.unavailable", "en").text in response.text


def test_signed_but_malformed_parameters_are_refused(client: TestClient) -> None:
    params = {"From": "+15005551001", "Body": "ACCEPT ABC234", "MessageSid": "SM" + "0" * 80}
    response = client.post(
        "/webhooks/twilio/sms", data=params, headers=_signed("/webhooks/twilio/sms", params)
    )
    assert response.status_code == 400
    status = {"MessageSid": "SM3"}
    path = "/webhooks/twilio/status?outbox=1"
    assert client.post(path, data=status, headers=_signed(path, status)).status_code == 400
    assert client.post("/webhooks/twilio/status?outbox=x", data=status).status_code == 422
