"""What the interview of a person of a rescue operation says when the case pauses: the
triage found, and the way on to the next person (actions.intake calls these)."""

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.conversation import officer_language
from actions.operation_view import menu, triage_text
from casework.models import Case
from casework.operation_models import OperationPlan


def say_triaged(
    dispatcher: CollectingDispatcher, tracker: Tracker, session: Session, case: Case
) -> None:
    """The triage of one person is in: what it found, and the way to the next person."""
    language = officer_language(tracker)
    dispatcher.utter_message(text=triage_text(case, language))
    say_next_person(dispatcher, tracker, session, case)


def say_next_person(
    dispatcher: CollectingDispatcher, tracker: Tracker, session: Session, case: Case
) -> None:
    """For a paused case of an operation: the menu, so the officer goes on to the next person."""
    plan_code = _plan_code(session, case)
    if plan_code is not None:
        dispatcher.utter_message(
            **menu(plan_code, officer_language(tracker), tracker.get_latest_input_channel())
        )


def _plan_code(session: Session, case: Case) -> str | None:
    if case.operation_id is None:
        return None
    plan = session.get(OperationPlan, case.operation_id)
    return plan.code if plan is not None else None
