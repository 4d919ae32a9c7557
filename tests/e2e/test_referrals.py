"""Referrals end to end: chat -> outbox -> worker -> real twilio client -> fake Twilio -> signed
replies and callbacks -> API -> worker -> the officer's chat."""

import time
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.chat_identity import COOKIE_NAME
from casework.referral_models import AuditEntry, OutboxMessage, Referral
from passage.runtime.sandbox.fake_twilio import FakeMessage
from referral_directory.importer import import_directory
from tests.e2e.conftest import Stack
from tests.e2e.officer import ADULT_TO_CONSENT, CATALOGS, Officer, WebOfficer, choose, en, walk
from tests.referral_directory.hsds_builders import ALMATY, box, service, write
from tests.waiting import eventually
from translations.bidi import isolate
from translations.sms_segments import segments

pytestmark = pytest.mark.e2e

T = TypeVar("T")
NUMBERS = {"ref-a": "+15005552001", "ref-b": "+15005552002", "ref-c": "+15005552003"}
# The adult's intake, with the area typed as an officer would.
IN_SHYMKENT = [
    (answer if expect != "exploitation_form" else "Shymkent, Abay district", expect)
    for answer, expect in ADULT_TO_CONSENT
]
HIDDEN = {"address_1": "12 Quiet Yard", "city": "Almaty", "country": "KZ"}


@pytest.fixture(scope="module")
def shelters(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> None:
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
    path: Path = write(tmp_path_factory.mktemp("directory") / "shymkent.json", records)
    with Session(stack.engine) as session:
        report = import_directory(session, path)
        assert report.ok, report.lines()
        session.commit()


def _assessed_in_shymkent(
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


def _send(stack: Stack, officer: Officer, housing: dict, mode: str) -> str:
    """Choose the first proposal and send it; returns the referral code."""
    asked = stack.say(officer.sender, housing["buttons"][0]["payload"])
    send_button = asked[-1]["buttons"][0 if mode == "send" else 1]
    (sent,) = officer.say(send_button["payload"])
    # Queued, never "sent": the worker sends it after this answer.
    assert sent.startswith(f"{en('referral.queued_sms').split('{')[0]}"), sent
    assert "queued" in sent, sent
    return sent.split()[1]


def _messages_to(stack: Stack, number: str, count: int = 1) -> list[FakeMessage]:
    return eventually(
        lambda: (
            [m for m in stack.twilio.messages if m.to == number][:count]
            if len([m for m in stack.twilio.messages if m.to == number]) >= count
            else None
        ),
        f"{count} SMS to {number}",
    )


def _told(stack: Stack, officer: Officer, text: str) -> list[str]:
    """What the officer is shown on asking for news (REST cannot push: the news waits)."""
    return eventually(
        lambda: [t for t in officer.say("/referral_news") if text in t] or None,
        f"the officer to be told {text!r}",
    )


def _referral(stack: Stack, code: str) -> Referral:
    with Session(stack.engine) as session:
        return session.scalars(select(Referral).where(Referral.code == code)).one()


def _reply(stack: Stack, number: str, body: str) -> str:
    response = stack.twilio.post_inbound(f"{stack.api}/webhooks/twilio/sms", number, body)
    assert response.status_code == 200, response.text
    return response.text


def test_accept_by_sms_reply_tells_the_officer_with_the_hidden_address(
    stack: Stack, shelters: None
) -> None:
    officer, housing = _assessed_in_shymkent(stack)
    code = _send(stack, officer, housing, "send")

    (sms,) = _messages_to(stack, NUMBERS["ref-a"])
    assert sms.from_ == stack.twilio.valid_from
    accept_word = CATALOGS.lookup("sms.word.accept", "ru").text.split("/")[0]
    assert code in sms.body and f"1/{accept_word} {code}" in sms.body
    assert segments(sms.body) <= 2
    for private in ("Shymkent", "female", "labour", "trafficking", officer.reference):
        assert private.lower() not in sms.body.lower(), private
    assert f"{stack.api}/r/" in sms.body

    answer = _reply(stack, NUMBERS["ref-a"], f"accept {code.lower()}")

    assert CATALOGS.render("sms.accepted", "ru", code=code) in answer
    assert _referral(stack, code).status == "accepted"
    told = _told(stack, officer, f"referral {code}")
    assert told[0].startswith(f"{isolate('ref-a-ngo (test)')} accepted referral")
    assert "12 Quiet Yard, Almaty, KZ" in told[0]


def test_decline_with_a_reason_cascades_to_the_next_provider(stack: Stack, shelters: None) -> None:
    officer, housing = _assessed_in_shymkent(stack)
    code = _send(stack, officer, housing, "cascade")
    before_b = len([m for m in stack.twilio.messages if m.to == NUMBERS["ref-b"]])

    _reply(stack, NUMBERS["ref-a"], f"DECLINE {code} full until Monday")

    declined = _referral(stack, code)
    assert (declined.status, declined.status_reason) == ("rejected", "no_capacity")
    to_b = _messages_to(stack, NUMBERS["ref-b"], before_b + 1)[-1]
    with Session(stack.engine) as session:
        following = session.scalars(select(Referral).where(Referral.previous_id == declined.id))
        next_code = following.one().code
    assert next_code in to_b.body
    told = _told(stack, officer, f"referral {code}")[0]
    assert "no free place" in told and "full until Monday" in told and next_code in told
    # The next provider does not answer in time: the deadline passes, the third one gets it.
    with Session(stack.engine) as session:
        session.execute(
            update(Referral)
            .where(Referral.code == next_code)
            .values(deadline_at=declined.created_at)
        )
        session.commit()
    eventually(lambda: _referral(stack, next_code).status == "cancelled" or None, "the timeout")
    _messages_to(stack, NUMBERS["ref-c"])
    assert _told(stack, officer, "did not answer")


def test_forged_signature_unknown_sender_and_replay_change_nothing(
    stack: Stack, shelters: None
) -> None:
    officer, housing = _assessed_in_shymkent(stack)
    code = _send(stack, officer, housing, "send")
    url = f"{stack.api}/webhooks/twilio/sms"

    forged = stack.twilio.post_inbound(url, NUMBERS["ref-a"], f"ACCEPT {code}", signature="AAAA")
    assert forged.status_code == 403
    unsigned_url = stack.twilio.post_inbound(
        url, NUMBERS["ref-a"], f"ACCEPT {code}", signature_url="http://evil.example/x"
    )
    assert unsigned_url.status_code == 403
    stranger = stack.twilio.post_inbound(url, "+15005559876", f"ACCEPT {code}")
    assert stranger.status_code == 200 and "<Message>" not in stranger.text
    assert _referral(stack, code).status == "requested"
    help_text = _reply(stack, NUMBERS["ref-a"], "yes ok")
    assert "ACCEPT" in help_text and _referral(stack, code).status == "requested"


def test_status_callbacks_are_checked_deduplicated_and_never_move_backwards(
    stack: Stack, shelters: None
) -> None:
    officer, housing = _assessed_in_shymkent(stack)
    code = _send(stack, officer, housing, "send")
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
    stack.kill_worker()
    try:
        officer, housing = _assessed_in_shymkent(stack)
        code = _send(stack, officer, housing, "send")
        time.sleep(2)
        assert not [m for m in stack.twilio.messages if code in m.body]
    finally:
        stack.start_worker()
    eventually(lambda: [m for m in stack.twilio.messages if code in m.body] or None, "the send")
    time.sleep(3)
    assert len([m for m in stack.twilio.messages if code in m.body]) == 1


def test_the_officer_is_told_without_waiting_for_the_worker(stack: Stack, shelters: None) -> None:
    """The API sends the officer's notice right after the provider's answer; the worker's tick
    (which would also send it) is not needed: here the worker is down."""
    officer, housing = _assessed_in_shymkent(stack)
    code = _send(stack, officer, housing, "send")
    _messages_to(stack, NUMBERS["ref-a"])
    stack.kill_worker()
    try:
        _reply(stack, NUMBERS["ref-a"], f"ACCEPT {code}")

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
        stack.start_worker()
    assert _told(stack, officer, f"referral {code}")


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
    officer, housing = _assessed_in_shymkent(stack)
    code = _send(stack, officer, housing, "send")
    sms = eventually(
        lambda: next((m for m in stack.twilio.messages if code in m.body), None), "the hung send"
    )
    stack.kill_worker()
    stack.twilio.release()
    stack.start_worker()

    def state() -> str | None:
        with Session(stack.engine) as session:
            row = session.scalars(
                select(OutboxMessage).where(OutboxMessage.body.contains(code))
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
    officer, housing = _assessed_in_shymkent(stack)
    code = _send(stack, officer, housing, "send")
    _messages_to(stack, NUMBERS["ref-a"])

    replies = officer.say("/stop")

    assert CATALOGS.render("referral.withdrawn", "en", count=1) in replies
    assert _referral(stack, code).status == "cancelled"
    eventually(
        lambda: (
            [m for m in stack.twilio.messages if m.body.startswith(f"Направление {code} отм")]
            or None
        ),
        "the cancellation SMS",
    )


# Last in the last e2e module: the logs then hold every conversation of the e2e session.
LOGGED_AREA = "Shymkent, Zhibek Zholy 48"
NOTE_NAME = "Gulnara Seitkali"
NOTE_PHONE = "+77015550199"


def test_the_logs_of_the_whole_e2e_run_carry_no_personal_data(stack: Stack, shelters: None) -> None:
    """A whole case with recognisable values, from enrolment to a provider's declining note
    with a name and a phone number, on the REST channel and on the web chat (whose news is
    pushed through the worker, Rasa and the API), then every log of every process is searched
    for them and for the web chat's conversation id, cookie and tab."""
    officer, housing = _assessed_in_shymkent(stack, area=LOGGED_AREA)
    code = _send(stack, officer, housing, "send")
    recipient = _referral(stack, code).recipient
    eventually(
        lambda: [m for m in stack.twilio.messages if code in m.body] or None, "the referral SMS"
    )
    _reply(stack, recipient, f"DECLINE {code} other {NOTE_NAME} {NOTE_PHONE}")
    eventually(lambda: _referral(stack, code).status != "requested" or None, "the decline")
    _told(stack, officer, code)

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
    _reply(stack, _referral(stack, web_code).recipient, f"DECLINE {web_code} other {NOTE_NAME}")

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
    assert set(logs) >= {"actions.log", "rasa.log", "api.log", "worker.log"}
    personal = [
        LOGGED_AREA,
        "Zhibek Zholy",
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
