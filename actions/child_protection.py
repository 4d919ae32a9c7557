"""The officer records why a presumed child is not referred to child protection (a button)."""

from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import case_of, enrolled_account, officer_language
from casework.child_protection import NEED_ID, SkipReason, skip
from passage.config import unit_of_work
from translations.catalog import shipped_catalogs

ENTITY = "skip_reason"


def skip_buttons(language: str) -> list[dict[str, str]]:
    catalogs = shipped_catalogs()
    return [
        {
            "title": catalogs.render(f"match.skip_child_protection.{reason.value}", language),
            "payload": f'/skip_child_protection{{"{ENTITY}": "{reason.value}"}}',
        }
        for reason in SkipReason
    ]


def shows_skip_buttons(need_id: str) -> bool:
    return need_id == NEED_ID


class ActionSkipChildProtection(Action):
    def name(self) -> str:
        return "action_skip_child_protection"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = officer_language(tracker)
        catalogs = shipped_catalogs()
        value = next(tracker.get_latest_entity_values(ENTITY), None)
        reason = SkipReason(value) if value in tuple(SkipReason) else None
        with unit_of_work() as session:
            case = case_of(session, tracker)
            if case is None:
                dispatcher.utter_message(text=catalogs.render("intake.no_case", language))
                return []
            if reason is None or not case.presumed_child:
                # Typed words, or a case that is not a presumed child's: nothing to record.
                dispatcher.utter_message(
                    text=catalogs.render("referral.child_protection_skip_how", language)
                )
                return []
            account = enrolled_account(session, tracker)
            actor = account.username if account is not None else "officer"
            skip(session, case, reason, actor=actor, now=datetime.now(UTC))
            reason_text = catalogs.render(f"match.skip_child_protection.{reason.value}", language)
        dispatcher.utter_message(
            text=catalogs.render("referral.child_protection_skipped", language, reason=reason_text)
        )
        return []
