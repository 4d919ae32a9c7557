"""Rescue operations in the chat: the readiness of an operation, its board, and the group
intake (a case per person, its quick triage first). casework decides; this shows it.

An operation is named by its code (`OP-` and six characters), typed or on a button:
`/operation{"operation_code": "OP-…", "operation_step": "board" | "new_person" | "readiness"}`.
Where a chat has no buttons (SMS, WhatsApp), the officer types the code and the option's
number after it ("OP-K7M2QX 1").
"""

import re
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.cases import (
    CASE_REFERENCE,
    INTAKE_ANSWER,
    LISTEN,
    OPERATION_ACTION,
    OPERATION_CODE,
    tell_not_enrolled,
)
from actions.conversation import INTAKE_FORM, chat_channel, enrolled_account, officer_language
from actions.intake import ValidateIntakeForm
from actions.operation_view import (
    NEW_PERSON_ONLY,
    STEPS,
    board_text,
    menu,
    readiness_text,
)
from casework.cases import MayNotOpenCase
from casework.operation_cases import open_case_under_operation
from casework.operations import NotAllowed, canonical_code, operation_to_join
from casework.roles import may_see_operation
from passage.config import unit_of_work
from translations.catalog import shipped_catalogs

CODE_ENTITY = OPERATION_CODE
STEP_ENTITY = "operation_step"
NEW_PERSON, BOARD, READINESS = STEPS
_TYPED_NUMBER = re.compile(r"OP-?\w{6}\s+(\d{1,2})\s*$", re.IGNORECASE)


def _entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _step(tracker: Tracker) -> str:
    named = _entity(tracker, STEP_ENTITY)
    if named in STEPS:
        return named
    typed = _TYPED_NUMBER.search(str(tracker.latest_message.get("text") or ""))
    if typed is not None and 1 <= int(typed.group(1)) <= len(STEPS):
        return STEPS[int(typed.group(1)) - 1]
    return READINESS


class ActionOperation(Action):
    """Asked during an interview, the interview waits: the officer may be on to the next
    person; the case they were on stays where it was, to be resumed by its reference."""

    def name(self) -> str:
        return OPERATION_ACTION

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = officer_language(tracker)
        catalogs = shipped_catalogs()
        channel = tracker.get_latest_input_channel()
        typed = _entity(tracker, CODE_ENTITY) or ""
        code = canonical_code(typed)
        in_interview = tracker.active_loop_name == INTAKE_FORM
        if code is None and in_interview:
            # Words the model took for an operation but with no code in them: the answer to
            # the open question, handled as the form handles any (never lost, never stuck).
            text = str(tracker.latest_message.get("text") or "")
            handled = ValidateIntakeForm().validate_intake_answer(text, dispatcher, tracker, domain)
            return [SlotSet(INTAKE_ANSWER, handled[INTAKE_ANSWER]), FollowupAction(INTAKE_FORM)]
        # The interview waits only once the operation is found: the officer moves on to it.
        events: list[EventType] = (
            [ActiveLoop(None), SlotSet("requested_slot", None)] if in_interview else []
        )
        now = datetime.now(UTC)
        with unit_of_work() as session:
            account = enrolled_account(session, tracker)
            if account is None:
                tell_not_enrolled(dispatcher)
                return [FollowupAction(LISTEN)]
            step = _step(tracker)
            try:
                plan = operation_to_join(session, account, code or "")
            except NotAllowed:
                dispatcher.utter_message(
                    text=catalogs.render("operation.not_found", language, code=typed.upper())
                )
                return [FollowupAction(INTAKE_FORM if in_interview else LISTEN)]
            if step == NEW_PERSON:
                try:
                    case = open_case_under_operation(
                        session, account, plan, channel=chat_channel(tracker), now=now
                    )
                except MayNotOpenCase:
                    dispatcher.utter_message(response="utter_may_not_open_case")
                    return events
                dispatcher.utter_message(
                    text=catalogs.render(
                        "operation.case_opened",
                        language,
                        case_reference=case.reference,
                        code=plan.code,
                    )
                )
                return [
                    *events,
                    SlotSet(CASE_REFERENCE, case.reference),
                    SlotSet(INTAKE_ANSWER, None),
                    FollowupAction(INTAKE_FORM),
                ]
            if may_see_operation(account, plan):
                dispatcher.utter_message(
                    text=board_text(session, plan, language, now=now)
                    if step == BOARD
                    else readiness_text(session, plan, language)
                )
                dispatcher.utter_message(**menu(plan.code, language, channel))
            else:  # takes persons in; the readiness and the board are the planners'
                dispatcher.utter_message(**menu(plan.code, language, channel, NEW_PERSON_ONLY))
        return [*events, FollowupAction(LISTEN)]
