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
from sqlalchemy.orm import Session

from actions.cases import (
    CASE_REFERENCE,
    INTAKE_ANSWER,
    LISTEN,
    OPERATION_ACTION,
    OPERATION_CODE,
    tell_not_enrolled,
)
from actions.conversation import INTAKE_FORM, chat_channel, enrolled_account, officer_language
from actions.operation_view import (
    NEW_PERSON_ONLY,
    STEPS,
    board_text,
    menu,
    readiness_text,
    triage_text,
)
from casework.cases import MayNotOpenCase
from casework.models import Case
from casework.operation_cases import open_case_under_operation
from casework.operation_models import OperationPlan
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
        events: list[EventType] = []
        if tracker.active_loop_name == INTAKE_FORM:
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        typed = _entity(tracker, CODE_ENTITY) or ""
        code = canonical_code(typed)
        now = datetime.now(UTC)
        with unit_of_work() as session:
            account = enrolled_account(session, tracker)
            if account is None:
                tell_not_enrolled(dispatcher)
                return events
            step = _step(tracker)
            try:
                plan = operation_to_join(session, account, code or "")
            except NotAllowed:
                dispatcher.utter_message(
                    text=catalogs.render("operation.not_found", language, code=typed.upper())
                )
                return events
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
                    else readiness_text(session, plan, language, now=now)
                )
                dispatcher.utter_message(**menu(plan.code, language, channel))
            else:  # takes persons in; the readiness and the board are the planners'
                dispatcher.utter_message(**menu(plan.code, language, channel, NEW_PERSON_ONLY))
        return [*events, FollowupAction(LISTEN)]


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
