"""Referral lifecycle in the domain: consent gate, outbox, replies, deadlines, cascade."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.consent import ConsentRequired
from casework.outbox import Kind
from casework.referral_models import (
    AuditEntry,
    CaseFlag,
    OutboxMessage,
    Referral,
    ReferralEvent,
)
from casework.referral_notices import (
    Delivery,
    delivery_for,
    mark_pushed,
    mark_shown,
    news_for_officer,
)
from casework.referral_policy import Officer
from casework.referral_status import IllegalTransition, Reason, Status
from casework.referrals import (
    cancel_open_referrals,
    change_status,
    expire_overdue,
    send_chosen_referral,
    token_digest,
)
from casework.sms_replies import Outcome, handle_sms_reply, parse_reply
from tests.casework.account_builders import account
from tests.casework.referral_builders import (
    NOW,
    NUMBERS,
    OFFICER,
    POLICY,
    ready_case,
    shelters,
)
from tests.referral_directory.hsds_builders import sal_id
from translations.sms_segments import segments


@pytest.fixture
def directory(session: Session, tmp_path: Path) -> None:
    shelters(session, tmp_path)


def _outbox(session: Session, kind: Kind) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind.value).order_by(OutboxMessage.id)
        )
    )


def _reply(session: Session, sender: str, body: str, sid: str) -> Outcome:
    return handle_sms_reply(
        session, sender=sender, body=body, carrier_id=sid, policy=POLICY, now=NOW
    ).outcome


def test_a_referral_is_stored_with_its_sms_in_the_same_transaction(
    session: Session, directory: None
) -> None:
    case = ready_case(session)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )

    assert referral.status == "requested"
    assert referral.service_at_location_id == sal_id("shelter-a")
    assert referral.urgent and referral.deadline_at == NOW + timedelta(minutes=30)
    (sms,) = _outbox(session, Kind.SMS)
    assert sms.recipient == NUMBERS["shelter-a"] and sms.state == "pending"
    assert sms.body.startswith(f"{referral.code}: приют, 1 взрослый, срочно.")
    assert f"1/ПРИНЯТЬ {referral.code} 2/" in sms.body
    assert "https://passage.example.org/r/" in sms.body
    assert segments(sms.body) <= 2
    token = sms.body.split("/r/")[1]
    assert referral.link_token_sha256 == token_digest(token) != token


def test_without_consent_to_referrals_nothing_is_sent_and_the_refusal_is_audited(
    session: Session, directory: None
) -> None:
    case = ready_case(session, consent_to_referrals=False)

    with pytest.raises(ConsentRequired):
        send_chosen_referral(
            session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
        )

    assert session.scalars(select(Referral)).all() == []
    assert _outbox(session, Kind.SMS) == []
    audit = session.scalars(
        select(AuditEntry).where(AuditEntry.action.startswith("referral"))
    ).one()
    assert (audit.action, audit.outcome, audit.case_id) == ("referral.create", "refused", case.id)


def test_accept_by_sms_from_the_registered_number_tells_the_officer(
    session: Session, directory: None
) -> None:
    case = ready_case(session)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )

    assert _reply(session, NUMBERS["shelter-a"], f"accept {referral.code.lower()}", "SM1") == (
        Outcome.ACCEPTED
    )

    assert referral.status == "accepted"
    (notice,) = _outbox(session, Kind.OFFICER_NOTICE)
    assert notice.recipient == OFFICER.conversation
    event = session.get(ReferralEvent, int(notice.body))
    assert event is not None and (event.from_status, event.to_status) == ("requested", "accepted")


def test_unknown_sender_wrong_number_and_replay_change_nothing(
    session: Session, directory: None
) -> None:
    case = ready_case(session)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )

    assert _reply(session, "+15005559999", f"ACCEPT {referral.code}", "SM1") == (
        Outcome.UNKNOWN_SENDER
    )
    # Another provider's number quoting this code gets help, and changes nothing.
    assert _reply(session, NUMBERS["shelter-b"], f"ACCEPT {referral.code}", "SM2") == Outcome.HELP
    assert referral.status == "requested"
    assert _reply(session, NUMBERS["shelter-a"], f"ACCEPT {referral.code}", "SM3") == (
        Outcome.ACCEPTED
    )
    assert _reply(session, NUMBERS["shelter-a"], f"DECLINE {referral.code} full", "SM3") == (
        Outcome.REPLAY
    )
    assert _reply(session, NUMBERS["shelter-a"], f"DECLINE {referral.code} full", "SM4") == (
        Outcome.CLOSED
    )
    assert referral.status == "accepted"


def test_decline_offers_the_next_provider_without_sending(
    session: Session, directory: None
) -> None:
    case = ready_case(session)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )

    assert (
        _reply(session, NUMBERS["shelter-a"], f"DECLINE {referral.code} full tonight", "SM1")
        == Outcome.DECLINED
    )

    assert (referral.status, referral.status_reason) == ("rejected", "no_capacity")
    assert referral.status_text == "full tonight"
    event = session.scalars(select(ReferralEvent).order_by(ReferralEvent.id.desc())).first()
    assert event is not None and event.follow_up == "offered"
    assert event.follow_up_service_at_location_id == sal_id("shelter-b")
    assert len(session.scalars(select(Referral)).all()) == 1


def test_cascade_sends_to_the_next_provider_until_none_is_left(
    session: Session, directory: None
) -> None:
    case = ready_case(session)
    first = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=True, now=NOW
    )

    _reply(session, NUMBERS["shelter-a"], f"DECLINE {first.code} language", "SM1")
    second = session.scalars(select(Referral).where(Referral.previous_id == first.id)).one()
    assert second.service_at_location_id == sal_id("shelter-b") and second.cascade
    # shelter-b does not answer: the deadline cancels it and shelter-c gets it.
    assert expire_overdue(session, POLICY, now=second.deadline_at) == 1
    assert (second.status, second.status_reason) == ("cancelled", "no_response")
    third = session.scalars(select(Referral).where(Referral.previous_id == second.id)).one()
    assert third.service_at_location_id == sal_id("shelter-c")
    _reply(session, NUMBERS["shelter-c"], f"DECLINE {third.code}", "SM2")

    flag = session.scalars(select(CaseFlag)).one()
    assert (flag.case_id, flag.kind, flag.need_id) == (case.id, "no_provider_left", "basic.housing")
    sms_to = [m.recipient for m in _outbox(session, Kind.SMS)]
    # Three referrals, and a cancellation to the provider that timed out.
    assert sms_to == [
        NUMBERS["shelter-a"],
        NUMBERS["shelter-b"],
        NUMBERS["shelter-b"],
        NUMBERS["shelter-c"],
    ]


def test_withdrawal_cancels_open_referrals_and_tells_the_provider(
    session: Session, directory: None
) -> None:
    case = ready_case(session)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=True, now=NOW
    )
    _reply(session, NUMBERS["shelter-a"], f"ACCEPT {referral.code}", "SM1")

    assert cancel_open_referrals(session, case, POLICY, reason=Reason.PERSON_DECLINED, now=NOW) == 1

    assert (referral.status, referral.status_reason) == ("cancelled", "person_declined")
    cancel_sms = _outbox(session, Kind.SMS)[-1]
    assert cancel_sms.body.startswith(f"Направление {referral.code} отменено")
    assert len(session.scalars(select(Referral)).all()) == 1  # no cascade after a withdrawal


def test_illegal_transitions_are_refused(session: Session, directory: None) -> None:
    case = ready_case(session)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )
    with pytest.raises(IllegalTransition):
        change_status(session, referral, Status.COMPLETED, POLICY, actor="t", now=NOW)
    with pytest.raises(IllegalTransition):
        change_status(session, referral, Status.REJECTED, POLICY, actor="t", now=NOW)
    assert referral.status == "requested"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ACCEPT ABC234", ("accept", "ABC234", None)),
        ("  decline abc234 Full", ("decline", "ABC234", "no_capacity")),
        ("DECLINE ABC234 eligibility: age", ("decline", "ABC234", "not_eligible")),
        ("DECLINE ABC234", ("decline", "ABC234", "other")),
        ("DECLINE ABC234 because", ("decline", "ABC234", "other")),
    ],
)
def test_replies_are_parsed(text: str, expected: tuple[str, str, str | None]) -> None:
    reply = parse_reply(text)
    assert reply is not None
    assert (reply.verb.value, reply.code, reply.reason and reply.reason.value) == expected


@pytest.mark.parametrize(
    "text", ["", "ACCEPT", "YES ABC234", "ACCEPT ABC", "ACCEPT ABC2340", "STOP"]
)
def test_anything_else_is_not_a_reply(text: str) -> None:
    assert parse_reply(text) is None


def test_a_refusal_after_consent_expired_offers_nobody_and_flags_nothing(
    session: Session, directory: None
) -> None:
    case = ready_case(session)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=True, now=NOW
    )
    later = NOW + timedelta(days=91)  # consent is valid for 90 days

    handle_sms_reply(
        session,
        sender=NUMBERS["shelter-a"],
        body=f"DECLINE {referral.code} full",
        carrier_id="SM-late",
        policy=POLICY,
        now=later,
    )

    assert referral.status == "rejected"
    assert len(session.scalars(select(Referral)).all()) == 1
    assert session.scalars(select(CaseFlag)).all() == []


def test_news_of_an_accepted_referral_reaches_only_who_may_see_the_case(
    session: Session, directory: None
) -> None:
    case = ready_case(session)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )
    _reply(session, NUMBERS["shelter-a"], f"ACCEPT {referral.code}", "SM1")
    stranger = account(session, "officer.elsewhere", unit="unit-south-9", region="south")

    # The conversation that sent it, now held by someone who may not see the case: nothing,
    # and the news stays untold for the officer who may.
    assert news_for_officer(session, OFFICER.conversation, stranger, Delivery.REPLY, now=NOW) == []
    (notice,) = news_for_officer(
        session, OFFICER.conversation, account(session), Delivery.REPLY, now=NOW
    )
    assert notice.code == referral.code
    assert "7 Hidden Lane" in str(notice.address)


def _accepted(session: Session) -> Referral:
    case = ready_case(session)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )
    _reply(session, NUMBERS["shelter-a"], f"ACCEPT {referral.code}", "SM1")
    return referral


def test_news_nobody_could_see_stays_untold_for_the_next_turn(
    session: Session, directory: None
) -> None:
    """Told means shown: a wake-up on a channel that cannot push (REST answers only inside a
    request) shows nothing, so the acceptance and its address wait for the officer's turn."""
    referral = _accepted(session)
    officer = account(session)
    woken = delivery_for("rest", asked_by_officer=False)

    assert woken is Delivery.NOT_POSSIBLE
    assert news_for_officer(session, OFFICER.conversation, officer, woken, now=NOW) == []
    (notice,) = news_for_officer(
        session, OFFICER.conversation, officer, delivery_for("rest", asked_by_officer=True), now=NOW
    )
    assert notice.code == referral.code and notice.address is not None
    assert news_for_officer(session, OFFICER.conversation, officer, Delivery.REPLY, now=NOW) == []


def test_pushed_news_goes_out_once_and_counts_as_told_once_the_screen_showed_it(
    session: Session, directory: None
) -> None:
    referral = _accepted(session)
    officer = account(session)
    pushed = delivery_for("webchat", asked_by_officer=False)

    assert pushed is Delivery.PUSH
    (first,) = news_for_officer(session, OFFICER.conversation, officer, pushed, now=NOW)
    assert first.code == referral.code
    # The push went out (to a page that was closed, say): the next wake-up pushes nothing
    # again; the page shows it from the conversation's history when it comes back.
    assert mark_pushed(session, None, OFFICER.conversation, [first.event_id], now=NOW) == 1
    assert news_for_officer(session, OFFICER.conversation, officer, pushed, now=NOW) == []

    assert mark_shown(session, None, "another-conversation", [first.event_id], now=NOW) == 0
    assert mark_shown(session, None, OFFICER.conversation, [first.event_id], now=NOW) == 1
    assert mark_shown(session, None, OFFICER.conversation, [first.event_id], now=NOW) == 0
    assert news_for_officer(session, OFFICER.conversation, officer, Delivery.REPLY, now=NOW) == []


def test_an_answer_lost_on_its_way_leaves_the_news_for_the_next_ask(
    session: Session, directory: None
) -> None:
    """On a chat that confirms what it showed, even the answer to "any news?" counts only once
    the chat confirms it: a page that never got the answer is told again next time."""
    _accepted(session)
    officer = account(session)
    asked = delivery_for("webchat", asked_by_officer=True)

    assert asked is Delivery.CONFIRMED_REPLY
    (first,) = news_for_officer(session, OFFICER.conversation, officer, asked, now=NOW)
    (again,) = news_for_officer(session, OFFICER.conversation, officer, asked, now=NOW)
    assert again.event_id == first.event_id


def test_news_reaches_the_officer_who_sent_the_referral_on_any_of_their_chats(
    session: Session, directory: None
) -> None:
    """The tab the referral was sent from is closed; the officer asks on another chat."""
    officer = account(session)
    case = ready_case(session)
    referral = send_chosen_referral(
        session,
        case,
        "basic.housing",
        Officer("web-closed-tab", "en", officer.id),
        POLICY,
        cascade=False,
        now=NOW,
    )
    _reply(session, NUMBERS["shelter-a"], f"ACCEPT {referral.code}", "SM-any-chat")
    colleague = account(session, "officer.two")  # same unit: may see the case, did not send

    assert news_for_officer(session, "tg-new-phone", colleague, Delivery.REPLY, now=NOW) == []
    (notice,) = news_for_officer(session, "tg-new-phone", officer, Delivery.REPLY, now=NOW)
    assert notice.code == referral.code
