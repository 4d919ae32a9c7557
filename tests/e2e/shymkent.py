"""Three shelters in Shymkent for the referral e2e modules, and the steps of a referral to
them: the case assessed, the referral sent, the provider's SMS and reply, the officer's news."""

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.referral_models import Referral
from passage.runtime.sandbox.fake_twilio import FakeMessage
from tests.e2e.conftest import Stack
from tests.e2e.officer import ADULT_TO_CONSENT, Officer, choose, en, walk
from tests.referral_directory.hsds_builders import ALMATY, box, service, write
from tests.waiting import eventually

NUMBERS = {"ref-a": "+15005552001", "ref-b": "+15005552002", "ref-c": "+15005552003"}
HIDDEN = {"address_1": "12 Quiet Yard", "city": "Almaty", "country": "KZ"}


def shymkent_shelters(stack: Stack, folder: Path) -> None:
    """Three shelters in another city (Shymkent), ranked a, b, c; a has a hidden address."""
    centre = (ALMATY[0] - 1.0, ALMATY[1] - 1.0)
    records = [
        service(
            key,
            at=(centre[0] + 0.01 * rank, centre[1]),
            languages=("ru",),
            areas=[box("Shymkent", centre)],
            organization=f"{key}-ngo",
            endpoint_address=number,
            confidential_address=HIDDEN if key == "ref-a" else None,
        )
        for rank, (key, number) in enumerate(NUMBERS.items())
    ]
    path: Path = write(folder / "shymkent.json", records)
    stack.import_directory(path)


def assessed_in_shymkent(
    stack: Stack, *, decisions: str = "1 2", area: str = "Shymkent, Abay district"
) -> tuple[Officer, dict]:
    officer = Officer(stack)
    officer.start()
    walk(
        officer,
        [
            (area if expect == "exploitation_form" else answer, expect)
            for answer, expect in ADULT_TO_CONSENT
        ],
    )
    officer.answer(decisions, "level_1")
    officer.answer("1", "level_2")  # housing
    officer.answer(choose("done"), "level_3")
    officer.answer(choose("done"), "urgency")
    replies = stack.say(officer.sender, choose("done"))
    housing = next(r for r in replies if r.get("text", "").startswith(en("need.basic.housing")))
    return officer, housing


def send_referral(stack: Stack, officer: Officer, housing: dict, mode: str) -> str:
    """Choose the first proposal and send it; returns the referral code."""
    asked = stack.say(officer.sender, housing["buttons"][0]["payload"])
    send_button = asked[-1]["buttons"][0 if mode == "send" else 1]
    (sent,) = officer.say(send_button["payload"])
    # Queued, never "sent": the worker sends it after this answer.
    assert sent.startswith(f"{en('referral.queued_sms').split('{')[0]}"), sent
    assert "queued" in sent, sent
    return sent.split()[1]


def sms_to(stack: Stack, number: str, count: int = 1) -> list[FakeMessage]:
    return eventually(
        lambda: (
            [m for m in stack.twilio.messages if m.to == number][:count]
            if len([m for m in stack.twilio.messages if m.to == number]) >= count
            else None
        ),
        f"{count} SMS to {number}",
    )


def officer_was_told(stack: Stack, officer: Officer, text: str) -> list[str]:
    """What the officer is shown on asking for news (REST cannot push: the news waits)."""
    return eventually(
        lambda: [t for t in officer.say("/referral_news") if text in t] or None,
        f"the officer to be told {text!r}",
    )


def referral_by_code(stack: Stack, code: str) -> Referral:
    with Session(stack.engine) as session:
        return session.scalars(select(Referral).where(Referral.code == code)).one()


def provider_replies(stack: Stack, number: str, body: str) -> str:
    response = stack.twilio.post_inbound(f"{stack.api}/webhooks/twilio/sms", number, body)
    assert response.status_code == 200, response.text
    return response.text
