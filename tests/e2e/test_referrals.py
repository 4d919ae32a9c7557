"""Referrals end to end once sent: Twilio's status callbacks, the worker killed before and
during a send, the officer told without the worker, a send refused without consent, a
withdrawal that cancels; last, the logs of the whole e2e run searched for personal data.
The providers' answers are in test_referral_answers.py."""

import time

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.chat_identity import COOKIE_NAME
from casework.referral_models import AuditEntry, OutboxMessage, Referral
from tests.e2e.conftest import Stack
from tests.e2e.officer import ADULT_TO_CONSENT, CATALOGS, Officer, WebOfficer, choose, en, walk
from tests.e2e.shymkent import (
    HIDDEN,
    NUMBERS,
    assessed_in_shymkent,
    officer_was_told,
    provider_replies,
    referral_by_code,
    send_referral,
    shymkent_shelters,
    sms_to,
)
from tests.waiting import eventually

pytestmark = pytest.mark.e2e

# The adult's intake, with the area typed as an officer would.
IN_SHYMKENT = [
    (answer if expect != "exploitation_form" else "Shymkent, Abay district", expect)
    for answer, expect in ADULT_TO_CONSENT
]


@pytest.fixture(scope="module")
def shelters(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Imported by each module that sends to them, so that either runs alone; a second import
    # changes nothing (records are matched by id).
    shymkent_shelters(stack, tmp_path_factory.mktemp("directory"))


def test_status_callbacks_are_checked_deduplicated_and_never_move_backwards(
    stack: Stack, shelters: None
) -> None:
    officer, housing = assessed_in_shymkent(stack)
    code = send_referral(stack, officer, housing, "send")
    sms = eventually(
        lambda: next((m for m in stack.twilio.messages if code in m.body), None), "the SMS"
    )

    def row() -> OutboxMessage | None:
        with Session(stack.engine) as session:
            return session.scalars(
                select(OutboxMessage).where(OutboxMessage.carrier_id == sms.sid)
            ).one_or_none()

    eventually(lambda: ((found := row()) is not None and found.state == "sent") or None, "sent")
    forged = httpx.post(
        sms.status_callback,
        data={"MessageSid": sms.sid, "MessageStatus": "failed"},
        headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
    )
    assert forged.status_code == 403
    for status in ("delivered", "sent", "delivered", "queued"):
        assert stack.twilio.post_status(sms.sid, status).status_code == 204
    stored = row()
    assert stored is not None and stored.delivery_status == "delivered"


def test_worker_killed_between_commit_and_send_sends_exactly_once(
    stack: Stack, shelters: None
) -> None:
    stack.kill_workers()
    try:
        officer, housing = assessed_in_shymkent(stack)
        code = send_referral(stack, officer, housing, "send")
        time.sleep(2)
        assert not [m for m in stack.twilio.messages if code in m.body]
    finally:
        stack.start_workers()
    eventually(lambda: [m for m in stack.twilio.messages if code in m.body] or None, "the send")
    time.sleep(3)
    assert len([m for m in stack.twilio.messages if code in m.body]) == 1


def test_the_officer_is_told_without_waiting_for_the_worker(stack: Stack, shelters: None) -> None:
    """The API sends the officer's notice right after the provider's answer; the worker's tick
    (which would also send it) is not needed: here the worker is down."""
    officer, housing = assessed_in_shymkent(stack)
    code = send_referral(stack, officer, housing, "send")
    sms_to(stack, NUMBERS["ref-a"])
    stack.kill_workers()
    try:
        provider_replies(stack, NUMBERS["ref-a"], f"ACCEPT {code}")

        def notice_sent() -> bool:
            with Session(stack.engine) as session:
                return bool(
                    session.scalars(
                        select(OutboxMessage.id).where(
                            OutboxMessage.kind == "officer_notice",
                            OutboxMessage.recipient == officer.sender,
                            OutboxMessage.state == "sent",
                        )
                    ).first()
                )

        eventually(lambda: notice_sent() or None, "the notice sent by the API", timeout=10)
    finally:
        stack.start_workers()
    assert officer_was_told(stack, officer, f"referral {code}")


def _outbox_idle(stack: Stack) -> None:
    """Nothing left to send, so an injected fault hits the next SMS of the test."""

    def idle() -> bool:
        with Session(stack.engine) as session:
            busy = session.scalars(
                select(OutboxMessage.id).where(OutboxMessage.state.in_(("pending", "sending")))
            ).first()
            return busy is None

    eventually(lambda: idle() or None, "an idle outbox")


def test_worker_killed_during_send_does_not_send_again(stack: Stack, shelters: None) -> None:
    _outbox_idle(stack)
    stack.twilio.fail_next("hang")
    officer, housing = assessed_in_shymkent(stack)
    code = send_referral(stack, officer, housing, "send")
    sms = eventually(
        lambda: next((m for m in stack.twilio.messages if code in m.body), None), "the hung send"
    )
    stack.kill_workers()
    stack.twilio.release()
    stack.start_workers()

    def state() -> str | None:
        with Session(stack.engine) as session:
            # The body is encrypted at rest: the SMS is found through its referral.
            row = session.scalars(
                select(OutboxMessage)
                .join(Referral, Referral.id == OutboxMessage.referral_id)
                .where(Referral.code == code, OutboxMessage.kind == "sms")
            ).one()
            return row.state

    eventually(lambda: state() == "ambiguous" or None, "the stalled row to turn ambiguous")
    assert len([m for m in stack.twilio.messages if code in m.body]) == 1
    # Twilio's status callback names the outbox row: it settles the ambiguity.
    assert stack.twilio.post_status(sms.sid, "delivered").status_code == 204
    assert state() == "sent"
    assert len([m for m in stack.twilio.messages if code in m.body]) == 1


def test_without_consent_to_referrals_a_forged_send_is_refused_and_audited(
    stack: Stack, shelters: None
) -> None:
    officer = Officer(stack)
    officer.start()
    walk(officer, IN_SHYMKENT)
    officer.answer("1", "level_1")  # consent to the assessment only
    officer.answer("1", "level_2")
    officer.answer(choose("done"), "level_3")
    officer.answer(choose("done"), "urgency")
    officer.say(choose("done"))

    replies = officer.say('/send_referral{"referral_request": "basic.housing send"}')

    assert replies == [en("match.no_referral_consent")]
    with Session(stack.engine) as session:
        case = officer.case(session)
        assert session.scalars(select(Referral).where(Referral.case_id == case.id)).all() == []
        audit = session.scalars(
            select(AuditEntry).where(
                AuditEntry.case_id == case.id, AuditEntry.action.startswith("referral")
            )
        ).one()
        assert audit.outcome == "refused"


def test_withdrawal_cancels_open_referrals_and_tells_the_provider(
    stack: Stack, shelters: None
) -> None:
    officer, housing = assessed_in_shymkent(stack)
    code = send_referral(stack, officer, housing, "send")
    sms_to(stack, NUMBERS["ref-a"])

    replies = officer.say("/stop")

    assert CATALOGS.render("referral.withdrawn", "en", count=1) in replies
    assert referral_by_code(stack, code).status == "cancelled"
    eventually(
        lambda: (
            [m for m in stack.twilio.messages if m.body.startswith(f"Направление {code} отм")]
            or None
        ),
        "the cancellation SMS",
    )


# Last in the last e2e module: the logs then hold every conversation of the e2e session.
# An area (an address is refused), but one no log would hold by chance.
LOGGED_AREA = "Shymkent, Karatau district"
NOTE_NAME = "Gulnara Seitkali"
NOTE_PHONE = "+77015550199"


def test_the_logs_of_the_whole_e2e_run_carry_no_personal_data(stack: Stack, shelters: None) -> None:
    """A whole case with recognisable values, from enrolment to a provider's declining note
    with a name and a phone number, on the REST channel and on the web chat (whose news is
    pushed through the worker, Rasa and the API), then every log of every process is searched
    for them and for the web chat's conversation id, cookie and tab."""
    officer, housing = assessed_in_shymkent(stack, area=LOGGED_AREA)
    code = send_referral(stack, officer, housing, "send")
    recipient = referral_by_code(stack, code).recipient
    eventually(
        lambda: [m for m in stack.twilio.messages if code in m.body] or None, "the referral SMS"
    )
    provider_replies(stack, recipient, f"DECLINE {code} other {NOTE_NAME} {NOTE_PHONE}")
    eventually(lambda: referral_by_code(stack, code).status != "requested" or None, "the decline")
    officer_was_told(stack, officer, code)

    web = WebOfficer(stack)
    web.start()
    walk(web, [(LOGGED_AREA if e == "exploitation_form" else a, e) for a, e in ADULT_TO_CONSENT])
    web.answer("1 2", "level_1")
    web.answer("1", "level_2")
    web.answer(choose("done"), "level_3")
    web.answer(choose("done"), "urgency")
    web_housing = next(
        r
        for r in web.replies(choose("done"))
        if r.get("text", "").startswith(en("need.basic.housing"))
    )
    asked = web.replies(web_housing["buttons"][0]["payload"])
    (queued,) = web.say(asked[-1]["buttons"][0]["payload"])
    web_code = queued.split()[1]
    provider_replies(
        stack, referral_by_code(stack, web_code).recipient, f"DECLINE {web_code} other {NOTE_NAME}"
    )

    def pushed() -> bool:
        with Session(stack.engine) as session:
            return bool(
                session.scalars(
                    select(OutboxMessage.id).where(
                        OutboxMessage.kind == "officer_notice",
                        OutboxMessage.recipient == web.sender,
                        OutboxMessage.state == "sent",
                    )
                ).first()
            )

    eventually(lambda: pushed() or None, "the news pushed to the web chat")

    logs = {
        path.name: path.read_text(encoding="utf-8", errors="replace")
        for path in sorted((stack.settings.var_dir / "log").glob("*.log"))
    }
    # One log per process: actions.log ..., or actions-1.log ... and nginx.log with replicas.
    kinds = {name.removesuffix(".log").split("-")[0] for name in logs}
    assert kinds >= {"actions", "rasa", "api", "worker"}
    if stack.settings.replicas > 1:
        replicas = {"actions-2.log", "rasa-2.log", "api-2.log", "worker-2.log", "nginx.log"}
        assert replicas <= set(logs)
    personal = [
        LOGGED_AREA,
        "Karatau",
        NOTE_NAME,
        NOTE_PHONE,
        officer.enrolment_code,
        officer.sender,
        web.enrolment_code,
        web.sender,
        web.sender.removeprefix("web-"),
        web.chat.tab,
        str(web.chat.client.cookies.get(COOKIE_NAME)),
        HIDDEN["address_1"],
        *NUMBERS.values(),
        # Officers on their apps (tests/e2e/test_officer_channels.py ran before this module).
        "15005553001",
        "15005553002",
        "15005553003",
        "8800001",
        "8800003",
    ]
    found = {
        (name, value)
        for name, text in logs.items()
        for value in personal
        if value.lower() in text.lower()
    }
    assert found == set()
    assert any(text.strip() for text in logs.values())  # written, so the search meant something
