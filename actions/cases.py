"""Opening a case, and resuming one by its reference code."""

from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from casework.cases import find_resumable_case, open_case, resume_case
from casework.references import InvalidReference
from passage.database import unit_of_work

CASE_REFERENCE = "case_reference"
INTAKE_ANSWER = "intake_answer"
INTAKE_FORM = "intake_form"


def _channel(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "unknown"


class ActionOpenCase(Action):
    def name(self) -> str:
        return "action_open_case"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        with unit_of_work() as session:
            case = open_case(session, channel=_channel(tracker), now=datetime.now(UTC))
            reference = case.reference
        dispatcher.utter_message(response="utter_case_opened", case_reference=reference)
        return [SlotSet(CASE_REFERENCE, reference), SlotSet(INTAKE_ANSWER, None)]


class ActionResumeCase(Action):
    """Takes the code from the message's entity, or asks for it."""

    def name(self) -> str:
        return "action_resume_case"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        typed = next(tracker.get_latest_entity_values(CASE_REFERENCE), None)
        if not typed:
            dispatcher.utter_message(response="utter_ask_case_reference")
            return []
        try:
            with unit_of_work() as session:
                case = find_resumable_case(session, str(typed))
                if case is None:
                    dispatcher.utter_message(
                        response="utter_case_not_found", case_reference=str(typed).upper()
                    )
                    return []
                resume_case(case, now=datetime.now(UTC))
                reference, opened_on = case.reference, case.opened_at.date().isoformat()
        except InvalidReference:
            dispatcher.utter_message(response="utter_case_reference_invalid")
            return []
        dispatcher.utter_message(
            response="utter_case_resumed", case_reference=reference, opened_on=opened_on
        )
        # The interview goes on where it stopped; its answers are all in the database.
        return [
            SlotSet(CASE_REFERENCE, reference),
            SlotSet(INTAKE_ANSWER, None),
            FollowupAction(INTAKE_FORM),
        ]


class ActionNotUnderstood(Action):
    """What a message the model did not understand gets: the help line, unless it carries a
    case reference code. The code's regex finds it whatever intent the model guessed, so a typed
    code always resumes its case instead of being "not understood"."""

    def name(self) -> str:
        return "action_not_understood"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if next(tracker.get_latest_entity_values(CASE_REFERENCE), None):
            return [FollowupAction(ActionResumeCase().name())]
        dispatcher.utter_message(response="utter_default")
        return []
