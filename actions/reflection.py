"""The officer records a reflection period on the case (`/reflection_period`, or in words):
casework.reflection decides; this says what happened."""

from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import case_of, enrolled_account, officer_language
from casework.reflection import ReflectionRefused, start_reflection_period
from passage.config import get_settings, unit_of_work
from translations.catalog import shipped_catalogs


class ActionReflectionPeriod(Action):
    def name(self) -> str:
        return "action_reflection_period"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = officer_language(tracker)
        catalogs = shipped_catalogs()
        days = get_settings().reflection_period_days
        with unit_of_work() as session:
            case = case_of(session, tracker)
            account = enrolled_account(session, tracker)
            if case is None or account is None:
                dispatcher.utter_message(text=catalogs.render("intake.no_case", language))
                return []
            try:
                until = start_reflection_period(
                    session,
                    case,
                    days=days,
                    conversation=tracker.sender_id,
                    actor=account.username,
                    now=datetime.now(UTC),
                )
            except ReflectionRefused:
                text = catalogs.render("reflection.refused", language)
            else:
                text = catalogs.render(
                    "reflection.started",
                    language,
                    case_reference=case.reference,
                    days=days,
                    until=until.date().isoformat(),
                )
        dispatcher.utter_message(text=text)
        return []
