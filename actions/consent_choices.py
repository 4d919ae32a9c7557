"""Choices per service in the chat: one referral cancelled because the person declined that
service, and the consent question asked again when the person changes a decision.

Buttons carry `/cancel_referral{"referral_request": "<code>"}` (asks to confirm) and
`/cancel_referral{"referral_request": "<code> confirm"}` (cancels), and `/change_consent`:
a referral code and nothing about the person. The rules are in casework.
"""

import json
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import case_of, officer_language
from actions.intake_view import consent_kinds, person_block
from actions.policies import policies
from casework.intake import next_step, reopen_consent
from casework.referral_models import Referral
from casework.referral_status import OPEN, IllegalTransition, Status
from casework.referrals import NoReferral, cancel_declined_referral, is_code, referral_of_case
from passage.config import unit_of_work
from referral_directory.models import Organization
from translations.bidi import isolate
from translations.catalog import shipped_catalogs
from translations.choices import Choice, option_title, render_choices

REQUEST_ENTITY = "referral_request"
CONFIRM = "confirm"
INTAKE_SLOT = "intake_answer"


def declined_button(language: str, code: str) -> Choice:
    """Shown with a referral that is still open: the person declined its service."""
    return Choice(
        shipped_catalogs().render("referral.button.person_declined", language),
        "/cancel_referral" + json.dumps({REQUEST_ENTITY: code}),
    )


def change_decision_button(language: str) -> Choice:
    return Choice(shipped_catalogs().render("consent.button.change", language), "/change_consent")


def no_category_consent_text(need_id: str, categories: tuple[str, ...], language: str) -> str:
    """Why a need cannot be referred: the person agreed to none of its kinds of service."""
    catalogs = shipped_catalogs()
    return catalogs.render(
        "match.no_category_consent",
        language,
        need=option_title(catalogs, need_id, language),
        categories=", ".join(option_title(catalogs, c, language) for c in categories),
    )


def _requested(tracker: Tracker) -> tuple[str, bool] | None:
    for entity in tracker.latest_message.get("entities", []):
        parts = str(entity.get("value", "")).split()
        if entity.get("entity") != REQUEST_ENTITY or not parts or not is_code(parts[0]):
            continue
        if parts[1:] in ([], [CONFIRM]):
            return parts[0], parts[1:] == [CONFIRM]
    return None


def _provider(referral: Referral, organization: Organization | None) -> str:
    return isolate(organization.name if organization else referral.organization_id)


class ActionCancelReferral(Action):
    def name(self) -> str:
        return "action_cancel_referral"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = officer_language(tracker)
        catalogs = shipped_catalogs()
        requested = _requested(tracker)
        if requested is None:
            dispatcher.utter_message(text=catalogs.render("match.choose_with_buttons", language))
            return []
        code, confirmed = requested
        channel = tracker.get_latest_input_channel()
        with unit_of_work() as session:
            case = case_of(session, tracker)
            if case is None:
                dispatcher.utter_message(text=catalogs.render("intake.no_case", language))
                return []
            referral = referral_of_case(session, case, code)
            if referral is None:
                text = catalogs.render("referral.not_of_case", language, code=code)
                dispatcher.utter_message(text=text)
                return []
            provider = _provider(referral, session.get(Organization, referral.organization_id))
            if not confirmed:
                if Status(referral.status) not in OPEN:
                    text = catalogs.render("referral.already_closed", language, code=code)
                    dispatcher.utter_message(text=text)
                    return []
                text = catalogs.render(
                    "referral.confirm_decline",
                    language,
                    code=code,
                    provider=provider,
                    category=option_title(catalogs, referral.category, language),
                )
                confirm = Choice(
                    catalogs.render("referral.button.confirm_decline", language),
                    "/cancel_referral" + json.dumps({REQUEST_ENTITY: f"{code} {CONFIRM}"}),
                )
                dispatcher.utter_message(**render_choices(text, [confirm], channel))
                return []
            try:
                cancel_declined_referral(
                    session, case, code, policies().referrals, now=datetime.now(UTC)
                )
            except (NoReferral, IllegalTransition):
                text = catalogs.render("referral.already_closed", language, code=code)
                dispatcher.utter_message(text=text)
                return []
        text = catalogs.render(
            "referral.declined_cancelled", language, code=code, provider=provider
        )
        dispatcher.utter_message(
            **render_choices(text, [change_decision_button(language)], channel)
        )
        return []


class ActionReopenConsent(Action):
    """The person changes a decision: the intake form asks the consent question again."""

    def name(self) -> str:
        return "action_reopen_consent"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = officer_language(tracker)
        catalogs = shipped_catalogs()
        now = datetime.now(UTC)
        with unit_of_work() as session:
            case = case_of(session, tracker)
            reopened = case is not None and reopen_consent(session, case, now=now)
            step = next_step(session, case, now=now) if case is not None and reopened else None
            if case is None or step is None:
                dispatcher.utter_message(text=catalogs.render("consent.not_reopened", language))
                return [SlotSet(INTAKE_SLOT, None)]
            dispatcher.utter_message(text=catalogs.render("consent.reopened", language))
            for message_id, items in (
                ("person.consent_decisions", ()),
                ("person.consent_categories", consent_kinds(step)),
            ):
                dispatcher.utter_message(
                    text=person_block(
                        message_id,
                        person_language=case.person_language or language,
                        officer_language=language,
                        items=items,
                    )
                )
        return [SlotSet(INTAKE_SLOT, None)]
