"""The chat's gate: only an enrolled identity reaches cases; everyone else gets public help."""

import asyncio
from datetime import UTC, datetime

from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions.cases import ActionEnrol, ActionOpenCase, ActionResumeCase
from actions.conversation import case_of
from actions.referrals import ActionReferralNews
from casework.cases import open_case
from casework.enrolment import MAX_FAILURES_PER_IDENTITY, forget_sender, issue_code
from casework.models import Case
from casework.roles import COORDINATOR
from passage.config import get_settings
from tests.actions.conftest import SENDER, tracker_for
from tests.casework.account_builders import account

STRANGER = "web-stranger-0001"
NOW = datetime(2026, 11, 24, tzinfo=UTC)


def _enrol_message(code: str, sender: str) -> tuple[CollectingDispatcher, list]:
    dispatcher = CollectingDispatcher()
    entities = [{"entity": "enrolment_code", "value": code}]
    tracker = tracker_for(f"/enrol{code}", "enrol", entities, sender=sender)
    return dispatcher, asyncio.run(ActionEnrol().run(dispatcher, tracker, {}))


def _responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["response"] for m in dispatcher.messages]


def test_an_unenrolled_sender_opens_no_case_and_is_given_the_hotline(session: Session) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("/start_case", "start_case", sender=STRANGER)

    events = ActionOpenCase().run(dispatcher, tracker, {})

    assert session.scalar(select(func.count()).select_from(Case)) == 0
    assert events == [FollowupAction("action_listen")]  # the interview does not start
    assert _responses(dispatcher) == ["utter_not_enrolled"]
    assert dispatcher.messages[0]["hotline"] == get_settings().public_hotline


def test_an_unenrolled_sender_cannot_tell_whether_a_reference_exists(session: Session) -> None:
    case = open_case(session, channel="rest", now=NOW, officer=account(session))
    session.commit()
    for typed in (case.reference, "ZZZZ-2222"):
        dispatcher = CollectingDispatcher()
        entities = [{"entity": "case_reference", "value": typed}]
        tracker = tracker_for(typed, "inform_case_reference", entities, sender=STRANGER)
        assert ActionResumeCase().run(dispatcher, tracker, {}) == [FollowupAction("action_listen")]
        assert _responses(dispatcher) == ["utter_not_enrolled"]


def test_a_case_slot_is_worthless_to_an_unenrolled_sender(session: Session) -> None:
    case = open_case(session, channel="rest", now=NOW, officer=account(session))
    session.commit()
    slots = {"case_reference": case.reference}
    assert case_of(session, tracker_for("hi", "greet", slots=slots)) is case
    assert case_of(session, tracker_for("hi", "greet", slots=slots, sender=STRANGER)) is None


def test_another_officer_cannot_resume_the_case(session: Session) -> None:
    mine = open_case(
        session, channel="rest", now=NOW, officer=account(session, "officer.two", unit="u9")
    )
    session.commit()
    dispatcher = CollectingDispatcher()
    entities = [{"entity": "case_reference", "value": mine.reference}]
    tracker = tracker_for(mine.reference, "inform_case_reference", entities)

    assert ActionResumeCase().run(dispatcher, tracker, {}) == [FollowupAction("action_listen")]
    assert _responses(dispatcher) == ["utter_case_not_found"]


def test_a_forgotten_identity_loses_its_case_at_once(session: Session) -> None:
    case = open_case(session, channel="rest", now=NOW, officer=account(session))
    forget_sender(session, "rest", SENDER, now=NOW)
    session.commit()
    tracker = tracker_for("hi", "greet", slots={"case_reference": case.reference})
    assert case_of(session, tracker) is None


def test_a_good_code_enrols_the_sender(session: Session) -> None:
    code = issue_code(session, account(session), issued_by="admin.one", now=datetime.now(UTC))
    session.commit()

    dispatcher, events = _enrol_message(code, STRANGER)

    assert _responses(dispatcher) == ["utter_enrolled"]
    assert events == [SlotSet("case_reference", None), SlotSet("intake_answer", None)]
    opened = CollectingDispatcher()
    ActionOpenCase().run(opened, tracker_for("/start_case", "start_case", sender=STRANGER), {})
    assert _responses(opened) == ["utter_case_opened"]


def test_wrong_codes_are_refused_then_the_sender_is_told_to_wait(session: Session) -> None:
    replies = [
        _responses(_enrol_message("AAAA-BBBB-CCCC", STRANGER)[0])[0]
        for _ in range(MAX_FAILURES_PER_IDENTITY + 1)
    ]
    assert replies == ["utter_enrolment_refused"] * MAX_FAILURES_PER_IDENTITY + [
        "utter_enrolment_too_many_tries"
    ]


def test_a_coordinator_resumes_but_does_not_open_cases(session: Session) -> None:
    coordinator = account(session, "coord.north", role=COORDINATOR, unit=None, region="north")
    code = issue_code(session, coordinator, issued_by="admin.one", now=datetime.now(UTC))
    session.commit()
    _enrol_message(code, "coord-tab")
    dispatcher = CollectingDispatcher()

    events = ActionOpenCase().run(
        dispatcher, tracker_for("/start_case", "start_case", sender="coord-tab"), {}
    )

    assert events == [FollowupAction("action_listen")]
    assert _responses(dispatcher) == ["utter_may_not_open_case"]


def test_an_unenrolled_sender_gets_no_referral_news_not_even_none(session: Session) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("any news?", "referral_news", sender=STRANGER)
    assert ActionReferralNews().run(dispatcher, tracker, {}) == []
    assert dispatcher.messages == []


def test_a_refused_code_leaves_the_officers_case_alone(session: Session) -> None:
    dispatcher, events = _enrol_message("AAAA-BBBB-CCCC", SENDER)
    assert _responses(dispatcher) == ["utter_enrolment_refused"]
    assert events == []
