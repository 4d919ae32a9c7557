"""Providers' SMS replies handled: a localized or digit answer by the registered number
changes the referral, free places reported with the word for beds update every service
behind the number with the time, anything else gets help or nothing, a replay is applied
once, and the webhook confirms in the provider's language. How replies are parsed is in
test_sms_reply_words.py."""

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

from casework.referral_models import Referral
from casework.referrals import send_chosen_referral
from casework.sms_replies import MAX_PLACES, Outcome, ReplyResult, handle_sms_reply
from passage.config import Settings, get_settings, session_factory
from passage.runtime.api_app import api_app
from referral_directory.importer import import_directory
from referral_directory.models import ServiceAtLocation, ServiceCapacity
from tests.casework.referral_builders import NOW, NUMBERS, OFFICER, POLICY, ready_case, shelters
from tests.referral_directory.hsds_builders import ALMATY, sal_id, service, write
from translations.catalog import shipped_catalogs

CATALOGS = shipped_catalogs()


def _reply(session: Session, sender: str, body: str, sid: str) -> ReplyResult:
    return handle_sms_reply(
        session, sender=sender, body=body, carrier_id=sid, policy=POLICY, now=NOW
    )


def _capacities(session: Session) -> dict[str, tuple[float, object]]:
    session.expire_all()
    return {
        c.service_id: (c.available, c.updated) for c in session.scalars(select(ServiceCapacity))
    }


def _service_of(session: Session, key: str) -> str:
    place = session.get(ServiceAtLocation, sal_id(key))
    assert place is not None
    return place.service_id


@pytest.fixture
def directory(session: Session, tmp_path: Path) -> None:
    shelters(session, tmp_path)


@pytest.fixture
def sent(session: Session, directory: None) -> Referral:
    """A referral to shelter-a, waiting for its answer."""
    return send_chosen_referral(
        session, ready_case(session), "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )


def test_a_localized_accept_by_the_registered_number_accepts(
    session: Session, sent: Referral
) -> None:
    result = _reply(session, NUMBERS["shelter-a"], f"ПРИНЯТЬ {sent.code.lower()}", "SM1")

    assert (result.outcome, result.language) == (Outcome.ACCEPTED, "ru")
    assert sent.status == "accepted"


def test_a_digit_decline_by_the_registered_number_declines(
    session: Session, sent: Referral
) -> None:
    result = _reply(session, NUMBERS["shelter-a"], f"2 {sent.code} full tonight", "SM1")

    assert result.outcome is Outcome.DECLINED
    assert (sent.status, sent.status_reason, sent.status_text) == (
        "rejected",
        "no_capacity",
        "full tonight",
    )


@pytest.mark.parametrize("body", ["YES", "OK thanks", "3 {code}", "BEDS many", "ПРИНЯТЬ"])
def test_an_unknown_word_gets_help_and_changes_nothing(
    session: Session, sent: Referral, body: str
) -> None:
    result = _reply(session, NUMBERS["shelter-a"], body.format(code=sent.code), "SM1")

    assert (result.outcome, result.answer_id, result.language) == (Outcome.HELP, "sms.help", "ru")
    assert sent.status == "requested" and _capacities(session) == {}


def test_a_registered_number_updates_its_capacity_with_the_time(
    session: Session, directory: None
) -> None:
    result = _reply(session, NUMBERS["shelter-a"], "BEDS 3", "SM1")

    assert (result.outcome, result.answer_id) == (Outcome.CAPACITY_UPDATED, "sms.capacity_updated")
    # No referral was sent to it yet: the answer is in the language a referral would be in.
    assert (result.language, result.values) == ("ru", {"available": "3"})
    assert _capacities(session) == {_service_of(session, "shelter-a"): (3, NOW)}

    later = NOW + timedelta(hours=2)
    again = handle_sms_reply(
        session,
        sender=NUMBERS["shelter-a"],
        body="места 0",
        carrier_id="SM2",
        policy=POLICY,
        now=later,
    )
    assert again.outcome is Outcome.CAPACITY_UPDATED
    assert _capacities(session) == {_service_of(session, "shelter-a"): (0, later)}


def test_every_service_behind_the_number_is_updated(session: Session, tmp_path: Path) -> None:
    number = "+15005551099"
    records = [
        service(key, at=ALMATY, languages=("vi",), endpoint_address=number)
        for key in ("night-shelter", "day-centre")
    ]
    assert import_directory(session, write(tmp_path / "two.json", records)).ok
    vi_policy = replace(POLICY, shipped_languages=("en", "vi"))

    result = handle_sms_reply(
        session, sender=number, body="Giường 7", carrier_id="SM1", policy=vi_policy, now=NOW
    )

    assert (result.outcome, result.language) == (Outcome.CAPACITY_UPDATED, "vi")
    assert _capacities(session) == {
        _service_of(session, "night-shelter"): (7, NOW),
        _service_of(session, "day-centre"): (7, NOW),
    }


def test_an_unknown_number_changes_nothing_and_gets_no_answer(
    session: Session, directory: None
) -> None:
    result = _reply(session, "+15005559999", "BEDS 3", "SM1")

    assert (result.outcome, result.answer_id) == (Outcome.UNKNOWN_SENDER, None)
    assert _capacities(session) == {}


@pytest.mark.parametrize("body", [f"BEDS {MAX_PLACES + 1}", "BEDS -2", "BEDS 3 tonight"])
def test_a_count_out_of_bounds_changes_nothing_and_gets_help(
    session: Session, directory: None, body: str
) -> None:
    _reply(session, NUMBERS["shelter-a"], "BEDS 4", "SM1")

    result = _reply(session, NUMBERS["shelter-a"], body, "SM2")

    assert result.outcome is Outcome.HELP
    assert _capacities(session) == {_service_of(session, "shelter-a"): (4, NOW)}


def test_a_replayed_capacity_sms_is_applied_once(session: Session, directory: None) -> None:
    assert _reply(session, NUMBERS["shelter-a"], "BEDS 4", "SM1").outcome is (
        Outcome.CAPACITY_UPDATED
    )
    assert _reply(session, NUMBERS["shelter-a"], "BEDS 9", "SM1").outcome is Outcome.REPLAY
    assert _capacities(session) == {_service_of(session, "shelter-a"): (4, NOW)}


# The webhook answers a capacity update in the provider's language.

TOKEN = "test-auth-token"


def test_the_webhook_confirms_a_capacity_update(
    database: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PASSAGE_TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("PASSAGE_PUBLIC_BASE_URL", "https://passage.example.org")
    get_settings.cache_clear()
    client = TestClient(api_app())
    with session_factory()() as session:
        shelters(session, tmp_path)
        session.commit()
    params = {"From": NUMBERS["shelter-b"], "Body": "места: 2", "MessageSid": "SM1"}
    url = "https://passage.example.org/webhooks/twilio/sms"
    signature = RequestValidator(TOKEN).compute_signature(url, params)

    response = client.post(
        "/webhooks/twilio/sms", data=params, headers={"X-Twilio-Signature": signature}
    )

    assert response.status_code == 200
    assert CATALOGS.render("sms.capacity_updated", "ru", available="2") in response.text
