"""Choices per service, end to end over REST: consent to shelter only (a medical referral is
refused and the officer told why), and one service declined and cancelled alone, then agreed to
again."""

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.intake_questions import QUESTIONS
from casework.referral_models import AuditEntry
from tests.e2e.conftest import Stack
from tests.e2e.officer import ADULT_TO_CONSENT, CATALOGS, Officer, choose, en, walk
from tests.e2e.shymkent import NUMBERS, referral_by_code, send_referral, shymkent_shelters
from tests.referral_directory.hsds_builders import ALMATY, box, sal_id, service, write
from tests.waiting import eventually

pytestmark = pytest.mark.e2e

CLINIC = "+15005552201"
IN_SHYMKENT = [
    (answer if expect != "exploitation_form" else "Shymkent, Abay district", expect)
    for answer, expect in ADULT_TO_CONSENT
]
OPTIONS = next(q for q in QUESTIONS if q.id == "consent_decisions").options
SEND_MEDICAL = "/send_referral" + json.dumps({"referral_request": "services.medical send"})


@pytest.fixture(scope="module")
def directory(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The Shymkent shelters, and a clinic there."""
    folder = tmp_path_factory.mktemp("directory")
    shymkent_shelters(stack, folder)
    centre = (ALMATY[0] - 1.0, ALMATY[1] - 1.0)
    clinic = service(
        "consent-clinic",
        categories=("medical",),
        at=centre,
        languages=("ru",),
        areas=[box("Shymkent", centre)],
        organization="consent-clinic-ngo",
        endpoint_address=CLINIC,
    )
    stack.import_directory(write(folder / "clinic.json", [clinic]))


def _assessed(stack: Stack, decisions: str) -> tuple[Officer, list[str], dict, dict]:
    """Housing and medical care needed; returns the officer, what was shown with the consent
    question, and the proposals for housing and for medical care."""
    officer = Officer(stack)
    officer.start()
    asked = walk(officer, IN_SHYMKENT)
    officer.answer(decisions, "level_1")
    officer.answer(choose("basic.housing"), "level_1")
    officer.answer(choose("done"), "level_2")
    officer.answer(choose("services.medical"), "level_2")
    officer.answer(choose("done"), "level_3")
    officer.answer(choose("done"), "urgency")
    replies = stack.say(officer.sender, choose("done"))

    def proposals(need_id: str) -> dict:
        return next(r for r in replies if r.get("text", "").startswith(en(f"need.{need_id}")))

    return officer, asked, proposals("basic.housing"), proposals("services.medical")


def _refused_for_medical_care() -> str:
    return en("match.no_category_consent").format(
        categories=en("option.medical"), need=en("need.services.medical")
    )


def test_consent_to_shelter_only_refuses_a_medical_referral(stack: Stack, directory: None) -> None:
    shelter = OPTIONS.index("shelter") + 1
    officer, asked, housing, medical = _assessed(stack, f"1 {shelter}")

    # The person read the kinds of service in Russian, numbered as the officer's options.
    shown = next(t for t in asked if CATALOGS.lookup("person.consent_categories", "ru").text in t)
    assert f"{shelter}. {CATALOGS.lookup('option.shelter', 'ru').text}" in shown
    # Housing gets its shelters; medical care gets no provider, and the officer reads why.
    assert housing["buttons"]
    assert en("match.gap.no_referral_consent") in medical["text"]
    assert not medical.get("buttons")

    code = send_referral(stack, officer, housing, "send")
    _sms_with(stack, NUMBERS["ref-a"], code)

    # A medical referral typed or tapped anyway is refused, and the screen says why.
    choose_clinic = "/choose_provider" + json.dumps(
        {"provider_choice": f"services.medical {sal_id('consent-clinic')}"}
    )
    for attempt in (SEND_MEDICAL, choose_clinic):
        replies = stack.say(officer.sender, attempt)
        refused = next(r for r in replies if r.get("text") == _refused_for_medical_care())
        assert [b["payload"] for b in refused.get("buttons", [])] in ([], ["/change_consent"])
    assert not [m for m in stack.twilio.messages if m.to == CLINIC]
    with Session(stack.engine) as session:
        audit = session.scalars(
            select(AuditEntry).where(
                AuditEntry.detail == "no consent for referrals to medical",
                AuditEntry.outcome == "refused",
            )
        ).all()
    assert audit


def test_one_service_declined_is_cancelled_alone_and_may_be_agreed_to_again(
    stack: Stack, directory: None
) -> None:
    officer, _, housing, medical = _assessed(stack, "1 2")
    housing_code = send_referral(stack, officer, housing, "send")
    asked = stack.say(officer.sender, medical["buttons"][0]["payload"])
    (sent,) = stack.say(officer.sender, asked[-1]["buttons"][0]["payload"])
    medical_code = sent["text"].split()[1]
    assert [b["title"] for b in sent["buttons"]] == [en("referral.button.person_declined")]
    _sms_with(stack, CLINIC, medical_code)

    # The person declines medical care: the officer confirms, the clinic alone is told.
    (confirm,) = stack.say(officer.sender, sent["buttons"][0]["payload"])
    assert confirm["text"].startswith(en("referral.confirm_decline").split("{")[0])
    (done,) = stack.say(officer.sender, confirm["buttons"][0]["payload"])
    assert done["text"].startswith(en("referral.declined_cancelled").split("{")[0] + medical_code)
    assert [b["payload"] for b in done["buttons"]] == ["/change_consent"]

    declined = referral_by_code(stack, medical_code)
    assert declined.status == "cancelled" and declined.status_reason == "person_declined"
    cancellation = CATALOGS.render("sms.cancelled", declined.provider_language, code=medical_code)
    eventually(
        lambda: (
            [m for m in stack.twilio.messages if m.to == CLINIC and m.body == cancellation] or None
        ),
        "the clinic's cancellation SMS",
    )
    assert referral_by_code(stack, housing_code).status == "requested"
    to_shelter = [m for m in stack.twilio.messages if housing_code in m.body]
    assert len(to_shelter) == 1 and to_shelter[0].to == NUMBERS["ref-a"]
    # The same service is not sent again by mistake.
    assert _refused_for_medical_care() in officer.say(SEND_MEDICAL)

    # The person changes their mind: the consent question again, what stands ticked.
    reopened = stack.say(officer.sender, "/change_consent")
    assert en("consent.reopened") in [r.get("text") for r in reopened]
    question = next(
        r for r in reopened if r.get("text", "").startswith(en("ask.consent_decisions"))
    )
    titles = [b["title"] for b in question["buttons"]]
    assert f"✓ {en('option.shelter')}" in titles and en("option.medical") in titles
    officer.answer(choose("medical"), "consent_decisions")
    finished = officer.say(choose("done"))
    assert any(t.startswith(en("need.services.medical")) for t in finished)
    again = officer.say(SEND_MEDICAL)
    assert any(t.startswith(en("referral.queued_sms").split("{")[0]) for t in again), again


def _sms_with(stack: Stack, number: str, code: str) -> None:
    eventually(
        lambda: [m for m in stack.twilio.messages if m.to == number and code in m.body] or None,
        f"an SMS to {number} naming {code}",
    )
