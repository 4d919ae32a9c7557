"""Sending the referral the officer chose, and telling the officer what became of it.

Buttons carry `/send_referral{"referral_request": "<need id> send|cascade"}`: a catalog id and
a mode, nothing about the person. The worker wakes the conversation with the `referral_news`
intent when a provider answers or a deadline passes; the officer may also ask for news.
"""

import json
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.consent_choices import (
    change_decision_button,
    declined_button,
    no_category_consent_text,
)
from actions.conversation import (
    INTAKE_FORM,
    case_of,
    chat_channel,
    enrolled_account,
    officer_language,
)
from actions.policies import policies
from actions.referral_view import notice_lines
from casework.child_protection import ChildProtectionFirst
from casework.consent import CategoryNotConsented, ConsentRequired, Scope
from casework.held_places import HeldForAdults
from casework.proposals import NotProposed
from casework.referral_notices import Delivery, delivery_for, news_for_officer
from casework.referral_policy import Officer
from casework.referral_status import Status
from casework.referrals import NoChoice, NoEndpoint, send_chosen_referral
from casework.reflection import reflection_reminders_for
from casework.risk import RiskCheckDue
from passage.config import SmsMode, get_settings, unit_of_work
from referral_directory.models import Organization
from translations.bidi import isolate
from translations.catalog import shipped_catalogs
from translations.choices import Choice, option_title, render_choices

REQUEST_ENTITY = "referral_request"
MODES = ("send", "cascade")
NOTE = "note"
# The officer may press Send instead of typing the note asked for: that question is closed.
NOTE_FORM = "referral_note_form"
# A referral the provider took on is still open: the person may yet decline its service.
_DECLINABLE = (Status.ACCEPTED.value, Status.IN_PROGRESS.value)
# Rasa marks a user message made by trigger_intent with this text prefix.
_EXTERNAL_PREFIX = "EXTERNAL: "


def offer_to_send(
    dispatcher: CollectingDispatcher,
    need_id: str,
    provider: str,
    language: str,
    channel: str | None,
) -> None:
    catalogs = shipped_catalogs()
    text = catalogs.render(
        "referral.ask_send",
        language,
        need=option_title(catalogs, need_id, language),
        provider=provider,
    )
    dispatcher.utter_message(**render_choices(text, send_choices(need_id, language), channel))


def send_choices(need_id: str, language: str) -> list[Choice]:
    """Send, send with the next provider after a refusal, or first add a note for the provider
    (optional: the typical referral is one tap)."""
    catalogs = shipped_catalogs()
    choices = [
        Choice(
            catalogs.render(f"referral.button.{label}", language),
            "/send_referral" + json.dumps({REQUEST_ENTITY: f"{need_id} {mode}"}),
        )
        for mode, label in (("send", "send"), ("cascade", "send_cascade"))
    ]
    choices.append(
        Choice(
            catalogs.render("referral.button.note", language),
            "/add_referral_note" + json.dumps({REQUEST_ENTITY: f"{need_id} {NOTE}"}),
        )
    )
    return choices


def _requested(tracker: Tracker) -> tuple[str, str] | None:
    for entity in tracker.latest_message.get("entities", []):
        parts = str(entity.get("value", "")).split()
        if entity.get("entity") == REQUEST_ENTITY and len(parts) == 2 and parts[1] in MODES:
            return parts[0], parts[1]
    return None


def _account_id(session: Session, tracker: Tracker) -> int | None:
    account = enrolled_account(session, tracker)
    return account.id if account is not None else None


def _queued_message_id(channel: str, sms_mode: SmsMode) -> str:
    """What the officer is told of a new referral: queued, and whether it can leave. Never
    "sent": the worker sends it after this answer, or nothing can send it at all."""
    if channel != "sms":
        return "referral.queued_api"
    return {
        SmsMode.TWILIO: "referral.queued_sms",
        SmsMode.SANDBOX: "referral.queued_sandbox",
        SmsMode.OFF: "referral.queued_sms_off",
    }[sms_mode]


class ActionSendReferral(Action):
    def name(self) -> str:
        return "action_send_referral"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = officer_language(tracker)
        catalogs = shipped_catalogs()
        requested = _requested(tracker)
        if requested is None:
            dispatcher.utter_message(text=catalogs.render("match.choose_with_buttons", language))
            return []
        need_id, mode = requested
        closing = _closing_note_question(tracker)
        settings = get_settings()
        choices: list[Choice] = []
        with unit_of_work() as session:
            case = case_of(session, tracker)
            if case is None:
                dispatcher.utter_message(text=catalogs.render("intake.no_case", language))
                return closing
            try:
                referral = send_chosen_referral(
                    session,
                    case,
                    need_id,
                    Officer(tracker.sender_id, language, _account_id(session, tracker)),
                    policies().referrals,
                    cascade=mode == "cascade",
                    now=datetime.now(UTC),
                )
            except CategoryNotConsented as refused:
                text = no_category_consent_text(need_id, refused.categories, language)
                choices.append(change_decision_button(language))
            except ConsentRequired as refused:
                # The refusal's audit entry is committed with this unit of work.
                text = catalogs.render(
                    "referral.no_police_consent"
                    if refused.scope is Scope.LAW_ENFORCEMENT
                    else "match.no_referral_consent",
                    language,
                )
            except ChildProtectionFirst:
                text = catalogs.render("referral.child_protection_first", language)
            except HeldForAdults:
                # Audited like a consent refusal; committed with this unit of work.
                text = catalogs.render("referral.held_for_adults", language)
            except RiskCheckDue:
                # The interview asks the risk check again now; then the proposals come back.
                text = catalogs.render("referral.risk_check_first", language)
                closing = [*closing, FollowupAction(INTAKE_FORM)]
            except NoChoice:
                text = catalogs.render("referral.no_choice", language)
            except NotProposed:
                text = catalogs.render("match.not_proposed", language)
            except NoEndpoint as missing:
                text = catalogs.render("referral.no_endpoint", language, provider=str(missing))
            else:
                organization = session.get(Organization, referral.organization_id)
                minutes = int((referral.deadline_at - referral.created_at).total_seconds() // 60)
                text = catalogs.render(
                    _queued_message_id(referral.channel, settings.sms_mode),
                    language,
                    code=referral.code,
                    provider=isolate(
                        organization.name if organization else referral.organization_id
                    ),
                    need=option_title(catalogs, need_id, language),
                    minutes=minutes,
                    sandbox=f"{settings.resolved_public_base_url}/dev/phone",
                )
                choices.append(declined_button(language, referral.code))
        dispatcher.utter_message(
            **render_choices(text, choices, tracker.get_latest_input_channel())
        )
        tell_waiting_news(dispatcher, tracker)
        return closing


def _closing_note_question(tracker: Tracker) -> list[EventType]:
    if tracker.active_loop_name != NOTE_FORM:
        return []
    return [ActiveLoop(None), SlotSet("requested_slot", None)]


def tell_news(dispatcher: CollectingDispatcher, tracker: Tracker, delivery: Delivery) -> int | None:
    """Say every change to the officer's referrals not shown yet, and the reflection periods
    that ended (casework.reflection); returns how many, or None for a chat that is not enrolled.

    A pushed notice names its event (`custom.passage.notice`), which the screen that shows it
    confirms back; a reply is told with it (`casework.referral_notices`)."""
    if delivery is Delivery.NOT_POSSIBLE:
        return 0
    language = officer_language(tracker)
    catalogs = shipped_catalogs()
    channel = tracker.get_latest_input_channel()
    with unit_of_work() as session:
        viewer = enrolled_account(session, tracker)
        if viewer is None:
            return None  # not enrolled (any more): no news, not even that there is none
        notices = news_for_officer(
            session, tracker.sender_id, viewer, delivery, now=datetime.now(UTC)
        )
        reminders = reflection_reminders_for(
            session, tracker.sender_id, viewer, now=datetime.now(UTC)
        )
    for reminder in reminders:
        dispatcher.utter_message(
            text=catalogs.render(
                "reflection.ended",
                language,
                case_reference=reminder.case_reference,
                ended_on=reminder.ended_on.isoformat(),
            )
        )
    # Rendered after the commit: a provider's note may be machine translated, which is slow
    # the first time and must not hold the database's write lock.
    for notice in notices:
        text = "\n".join(notice_lines(catalogs, notice, language))
        choices = []
        if notice.to_status in _DECLINABLE:
            choices.append(declined_button(language, notice.code))
        if notice.follow_up == "offered" and notice.next_service_at_location_id:
            payload = {"provider_choice": f"{notice.need_id} {notice.next_service_at_location_id}"}
            choices.append(
                Choice(
                    catalogs.render(
                        "match.button",
                        language,
                        rank=1,
                        provider=isolate(notice.next_provider or ""),
                    ),
                    "/choose_provider" + json.dumps(payload),
                )
            )
        dispatcher.utter_message(
            **render_choices(text, choices, channel),
            json_message={"passage": {"notice": notice.event_id}},
        )
    return len(notices) + len(reminders)


def tell_waiting_news(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """News not shown yet (a channel that cannot push, a push that could not go out, a page
    that was closed), told with the answer to the officer's turn."""
    tell_news(dispatcher, tracker, delivery_for(chat_channel(tracker), asked_by_officer=True))


class ActionReferralNews(Action):
    def name(self) -> str:
        return "action_referral_news"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        asked_by_officer = not str(tracker.latest_message.get("text") or "").startswith(
            _EXTERNAL_PREFIX
        )
        delivery = delivery_for(
            tracker.get_latest_input_channel(), asked_by_officer=asked_by_officer
        )
        told = tell_news(dispatcher, tracker, delivery)
        if told == 0 and asked_by_officer:
            dispatcher.utter_message(
                text=shipped_catalogs().render("referral.no_news", officer_language(tracker))
            )
        return []
