"""Twilio webhooks refuse what Twilio did not sign, and malformed parameters, with a 4xx."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from casework.capacity_requests import request_capacity
from casework.operation_models import CapacityRequest
from casework.operations import plan_operation
from passage.config import Settings, get_settings, session_factory
from passage.runtime.api_app import api_app
from referral_directory.match_values import MatchingRules
from tests.casework.account_builders import account
from tests.casework.test_operations import details, operation_directory
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


def test_a_provider_holds_places_for_an_operation_by_sms(
    client: TestClient, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    with session_factory()() as session:
        operation_directory(session, tmp_path)
        window = {"window_start": now + timedelta(hours=2), "window_end": now + timedelta(hours=8)}
        plan = plan_operation(session, account(session), details(**window), now=now)
        shelter = request_capacity(session, plan, MatchingRules(), now=now)[0]
        session.commit()
        code, number = shelter.code, shelter.recipient

    params = {"From": number, "Body": f"hold {code.lower()} 4", "MessageSid": "SM10"}
    response = client.post(
        "/webhooks/twilio/sms", data=params, headers=_signed("/webhooks/twilio/sms", params)
    )

    assert response.status_code == 200
    assert code in response.text and "4" in response.text
    with session_factory()() as session:
        held = session.scalars(select(CapacityRequest).where(CapacityRequest.code == code)).one()
        assert held.places_held == 4
