"""The operation's action in the chat when the model guessed it wrongly during an interview."""

from datetime import UTC, datetime

from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.operations import ActionOperation
from casework.cases import open_case
from casework.models import IntakeAnswer
from tests.actions.conftest import tracker_for
from tests.casework.account_builders import account
from translations.catalog import shipped_catalogs


def test_words_taken_for_an_operation_without_a_code_go_to_the_open_question(
    session: Session,
) -> None:
    case = open_case(session, channel="rest", now=datetime.now(UTC), officer=account(session))
    session.commit()  # just opened: "urgent medical care?" is open
    typed = tracker_for(
        "no", "operation", slots={"case_reference": case.reference}
    )  # the model said "operation" (with no code in the words)
    typed.active_loop = {"name": "intake_form"}
    dispatcher = CollectingDispatcher()

    events = ActionOperation().run(dispatcher, typed, {})

    # Handled as the form handles any answer: not one of this question's options, so it is
    # said and asked again; the interview goes on, never dropped for an operation not found.
    assert events == [SlotSet("intake_answer", None), FollowupAction("intake_form")]
    assert [m["text"] for m in dispatcher.messages] == [
        shipped_catalogs().render("intake.invalid", "en", case_reference=case.reference)
    ]
    session.expire_all()
    assert session.scalars(select(IntakeAnswer).where(IntakeAnswer.case_id == case.id)).all() == []


def test_outside_an_interview_an_unknown_code_is_said_plainly(session: Session) -> None:
    entities = [{"entity": "operation_code", "value": "OP-ZZZZZZ"}]
    dispatcher = CollectingDispatcher()

    events = ActionOperation().run(
        dispatcher, tracker_for("OP-ZZZZZZ", "operation", entities=entities), {}
    )

    assert events == [FollowupAction("action_listen")]
    assert [m["text"] for m in dispatcher.messages] == [
        shipped_catalogs().render("operation.not_found", "en", code="OP-ZZZZZZ")
    ]
