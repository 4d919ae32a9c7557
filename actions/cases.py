"""Enrolling a chat identity, opening a case, and resuming one by its reference code.

Every path checks the enrolment first: an unenrolled sender is told where public help is, and
nothing about cases, not even whether a typed reference exists.
"""

import asyncio
from datetime import UTC, datetime
from math import ceil
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import INTAKE_FORM, chat_channel, enrolled_account
from actions.referrals import tell_waiting_news
from casework.cases import MayNotOpenCase, find_resumable_case, open_case, resume_case
from casework.enrolment import Outcome, redeem_code, slow_down
from casework.references import InvalidReference
from passage.config import get_settings, unit_of_work

CASE_REFERENCE = "case_reference"
ENROLMENT_CODE = "enrolment_code"
INTAKE_ANSWER = "intake_answer"
LISTEN = "action_listen"
CHOICE = "choice"
OPERATION_CODE = "operation_code"
# actions.operations' action (it imports this module, so it is named here, not imported).
OPERATION_ACTION = "action_operation"

_ENROLMENT_REPLIES = {
    Outcome.ENROLLED: "utter_enrolled",
    Outcome.WRONG_CODE: "utter_enrolment_refused",
    Outcome.TOO_MANY_TRIES: "utter_enrolment_too_many_tries",
}


def tell_not_enrolled(dispatcher: CollectingDispatcher) -> None:
    """Public information only: where help is, and how an officer gets enrolled."""
    dispatcher.utter_message(response="utter_not_enrolled", hotline=get_settings().public_hotline)


def end_of_turn(tracker: Tracker) -> list[EventType]:
    """After an answer that leads nowhere (no case, not enrolled): wait for the officer.
    Reached as a followup (a code in a message the model did not understand), no rule says
    what comes next, and the policies' guess was Rasa's "not understood" line under the
    answer. Inside an interview the form asks its open question again instead."""
    return [] if tracker.active_loop_name else [FollowupAction(LISTEN)]


class ActionEnrol(Action):
    """Binds this chat identity to the account of the one-time code in the message."""

    def name(self) -> str:
        return "action_enrol"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        typed = next(tracker.get_latest_entity_values(ENROLMENT_CODE), None)
        if not typed:
            dispatcher.utter_message(response="utter_enrolment_refused")
            return []
        with unit_of_work() as session:
            wait = slow_down(session, now=datetime.now(UTC))
        if wait:  # many strangers are guessing: everyone waits a little, nobody is locked out
            await asyncio.sleep(wait.total_seconds())
        now = datetime.now(UTC)
        with unit_of_work() as session:
            redemption = redeem_code(
                session, chat_channel(tracker), tracker.sender_id, str(typed), now=now
            )
        if redemption.retry_at is not None:
            minutes = max(1, ceil((redemption.retry_at - now).total_seconds() / 60))
            dispatcher.utter_message(response="utter_enrolment_too_many_tries", minutes=minutes)
            return []
        dispatcher.utter_message(response=_ENROLMENT_REPLIES[redemption.outcome])
        if redemption.outcome is not Outcome.ENROLLED:
            return []  # a mistyped code must not cost the officer the case they are on
        # Whatever case the identity was on before belonged to whoever held it then.
        return [SlotSet(CASE_REFERENCE, None), SlotSet(INTAKE_ANSWER, None)]


class ActionOpenCase(Action):
    def name(self) -> str:
        return "action_open_case"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        with unit_of_work() as session:
            officer = enrolled_account(session, tracker)
            if officer is None:
                tell_not_enrolled(dispatcher)
                return [FollowupAction(LISTEN)]  # not on into the interview the rule starts
            try:
                case = open_case(
                    session, channel=chat_channel(tracker), now=datetime.now(UTC), officer=officer
                )
            except MayNotOpenCase:
                dispatcher.utter_message(response="utter_may_not_open_case")
                return [FollowupAction(LISTEN)]
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
        try:
            with unit_of_work() as session:
                viewer = enrolled_account(session, tracker)
                if viewer is None:
                    tell_not_enrolled(dispatcher)
                    return [FollowupAction(LISTEN)]
                if not typed:
                    dispatcher.utter_message(response="utter_ask_case_reference")
                    return end_of_turn(tracker)
                case = find_resumable_case(session, str(typed), viewer, now=datetime.now(UTC))
                if case is None:
                    dispatcher.utter_message(
                        response="utter_case_not_found", case_reference=str(typed).upper()
                    )
                    return end_of_turn(tracker)
                resume_case(
                    session, case, viewer, now=datetime.now(UTC), source=chat_channel(tracker)
                )
                reference, opened_on = case.reference, case.opened_at.date().isoformat()
        except InvalidReference:
            dispatcher.utter_message(response="utter_case_reference_invalid")
            return end_of_turn(tracker)
        dispatcher.utter_message(
            response="utter_case_resumed", case_reference=reference, opened_on=opened_on
        )
        tell_waiting_news(dispatcher, tracker)
        # The interview goes on where it stopped; its answers are all in the database.
        return [
            SlotSet(CASE_REFERENCE, reference),
            SlotSet(INTAKE_ANSWER, None),
            FollowupAction(INTAKE_FORM),
        ]


class ActionNotUnderstood(Action):
    """What a message the model did not understand gets: the help line, unless it carries a
    case reference or an operation code. The codes' regexes find them whatever intent the model
    guessed, so a typed code always does what it does instead of being "not understood"."""

    def name(self) -> str:
        return "action_not_understood"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if next(tracker.get_latest_entity_values(CASE_REFERENCE), None):
            return [FollowupAction(ActionResumeCase().name())]
        if next(tracker.get_latest_entity_values(OPERATION_CODE), None):
            return [FollowupAction(OPERATION_ACTION)]
        dispatcher.utter_message(response="utter_default")
        return []


class ActionChoiceClosed(Action):
    """A button of a question no longer open. Typed words the model took for a tap (a typed
    case reference can look like one to it) carry no choice: they are read as any message
    the model did not understand, so a typed reference still resumes its case."""

    def name(self) -> str:
        return "action_choice_closed"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if next(tracker.get_latest_entity_values(CHOICE), None) is None:
            return [FollowupAction(ActionNotUnderstood().name())]
        dispatcher.utter_message(response="utter_choice_closed")
        return []
