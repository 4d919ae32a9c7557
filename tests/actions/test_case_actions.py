from datetime import UTC, datetime

from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.cases import ActionNotUnderstood, ActionOpenCase, ActionResumeCase
from casework.cases import open_case
from casework.models import Case
from tests.actions.conftest import tracker_for
from tests.casework.account_builders import account


def _reference_entity(value: str) -> list[dict[str, str]]:
    return [{"entity": "case_reference", "value": value}]


def test_open_case_writes_a_case_and_tells_its_reference(session: Session) -> None:
    dispatcher = CollectingDispatcher()
    events = ActionOpenCase().run(dispatcher, tracker_for("/start_case", "start_case"), {})

    case = session.scalars(select(Case)).one()
    assert case.channel == "rest"
    assert events == [SlotSet("case_reference", case.reference), SlotSet("intake_answer", None)]
    assert dispatcher.messages[0]["response"] == "utter_case_opened"
    assert dispatcher.messages[0]["case_reference"] == case.reference


def test_resume_without_a_code_asks_for_it(session: Session) -> None:
    dispatcher = CollectingDispatcher()
    events = ActionResumeCase().run(dispatcher, tracker_for("/resume_case", "resume_case"), {})
    assert events == [FollowupAction("action_listen")]
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_case_reference"]


def test_resume_with_a_known_code_resumes_that_case(session: Session) -> None:
    case = open_case(
        session, channel="rest", now=datetime(2026, 11, 20, tzinfo=UTC), officer=account(session)
    )
    session.commit()
    typed = case.reference.lower()
    dispatcher = CollectingDispatcher()
    tracker = tracker_for(typed, "inform_case_reference", _reference_entity(typed))

    events = ActionResumeCase().run(dispatcher, tracker, {})

    assert events == [
        SlotSet("case_reference", case.reference),
        SlotSet("intake_answer", None),
        FollowupAction("intake_form"),
    ]
    message = dispatcher.messages[0]
    assert message["response"] == "utter_case_resumed"
    assert message["case_reference"] == case.reference
    assert message["opened_on"] == "2026-11-20"
    session.refresh(case)
    assert case.resume_count == 1


def test_resume_with_an_unknown_code_says_not_found(session: Session) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("zzzz-2222", "inform_case_reference", _reference_entity("zzzz-2222"))
    events = ActionResumeCase().run(dispatcher, tracker, {})
    assert events == [FollowupAction("action_listen")]
    assert dispatcher.messages[0]["response"] == "utter_case_not_found"
    assert dispatcher.messages[0]["case_reference"] == "ZZZZ-2222"


def test_in_an_interview_an_unknown_code_leaves_the_turn_to_the_form(session: Session) -> None:
    tracker = tracker_for("zzzz-2222", "inform_case_reference", _reference_entity("zzzz-2222"))
    tracker.active_loop = {"name": "intake_form"}  # the form asks its open question again
    dispatcher = CollectingDispatcher()

    events = ActionResumeCase().run(dispatcher, tracker, {})

    assert events == []
    assert dispatcher.messages[0]["response"] == "utter_case_not_found"


def test_resume_with_something_that_is_no_code_says_so(session: Session) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("abc", "inform_case_reference", _reference_entity("abc"))
    events = ActionResumeCase().run(dispatcher, tracker, {})
    assert events == [FollowupAction("action_listen")]
    assert [m["response"] for m in dispatcher.messages] == ["utter_case_reference_invalid"]


def test_a_code_the_model_did_not_understand_still_resumes_its_case(session: Session) -> None:
    tracker = tracker_for("4399-QJJE", "nlu_fallback", _reference_entity("4399-QJJE"))
    dispatcher = CollectingDispatcher()

    events = ActionNotUnderstood().run(dispatcher, tracker, {})

    assert events == [FollowupAction("action_resume_case")]
    assert dispatcher.messages == []


def test_other_messages_not_understood_get_the_help_line(session: Session) -> None:
    dispatcher = CollectingDispatcher()

    events = ActionNotUnderstood().run(dispatcher, tracker_for("blah", "nlu_fallback"), {})

    assert events == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_default"]
