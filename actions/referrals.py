"""Sending the referral the officer chose, and telling the officer what became of it.

Buttons carry `/send_referral{"referral_request": "<need id> send|cascade"}`: a catalog id and
a mode, nothing about the person. The worker wakes the conversation with the `referral_news`
intent when a provider answers or a deadline passes; the officer may also ask for news.
"""

import json
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import case_of, enrolled_account, officer_language
from actions.referral_view import notice_lines
from casework.consent import ConsentRequired
from casework.proposals import NotProposed
from casework.referral_notices import untold_notices
from casework.referral_policy import Officer
from casework.referrals import NoChoice, NoEndpoint, send_chosen_referral
from passage.database import unit_of_work
from passage.settings import get_settings
from referral_directory.models import Organization
from translations.catalog import shipped_catalogs
from translations.choices import Choice, option_title, render_choices

REQUEST_ENTITY = "referral_request"
MODES = ("send", "cascade")
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
    choices = [
        Choice(
            catalogs.render(f"referral.button.{label}", language),
            "/send_referral" + json.dumps({REQUEST_ENTITY: f"{need_id} {mode}"}),
        )
        for mode, label in (("send", "send"), ("cascade", "send_cascade"))
    ]
    dispatcher.utter_message(**render_choices(text, choices, channel))


def _requested(tracker: Tracker) -> tuple[str, str] | None:
    for entity in tracker.latest_message.get("entities", []):
        parts = str(entity.get("value", "")).split()
        if entity.get("entity") == REQUEST_ENTITY and len(parts) == 2 and parts[1] in MODES:
            return parts[0], parts[1]
    return None


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
        settings = get_settings()
        with unit_of_work() as session:
            case = case_of(session, tracker)
            if case is None:
                dispatcher.utter_message(text=catalogs.render("intake.no_case", language))
                return []
            try:
                referral = send_chosen_referral(
                    session,
                    case,
                    need_id,
                    Officer(tracker.sender_id, language),
                    settings.referral_policy(),
                    cascade=mode == "cascade",
                    now=datetime.now(UTC),
                )
            except ConsentRequired:
                # The refusal's audit entry is committed with this unit of work.
                text = catalogs.render("match.no_referral_consent", language)
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
                    "referral.sent",
                    language,
                    code=referral.code,
                    provider=organization.name if organization else referral.organization_id,
                    need=option_title(catalogs, need_id, language),
                    minutes=minutes,
                )
        dispatcher.utter_message(text=text)
        return []


class ActionReferralNews(Action):
    def name(self) -> str:
        return "action_referral_news"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = officer_language(tracker)
        catalogs = shipped_catalogs()
        channel = tracker.get_latest_input_channel()
        with unit_of_work() as session:
            viewer = enrolled_account(session, tracker)
            if viewer is None:
                return []  # not enrolled (any more): no news, not even that there is none
            notices = untold_notices(session, tracker.sender_id, viewer, now=datetime.now(UTC))
        # Rendered after the commit: a provider's note may be machine translated, which is slow
        # the first time and must not hold the database's write lock.
        for notice in notices:
            text = "\n".join(notice_lines(catalogs, notice, language))
            choices = []
            if notice.follow_up == "offered" and notice.next_service_at_location_id:
                payload = {
                    "provider_choice": f"{notice.need_id} {notice.next_service_at_location_id}"
                }
                choices.append(
                    Choice(
                        catalogs.render(
                            "match.button", language, rank=1, provider=notice.next_provider
                        ),
                        "/choose_provider" + json.dumps(payload),
                    )
                )
            dispatcher.utter_message(**render_choices(text, choices, channel))
        asked_by_officer = not str(tracker.latest_message.get("text") or "").startswith(
            _EXTERNAL_PREFIX
        )
        if not notices and asked_by_officer:
            dispatcher.utter_message(text=catalogs.render("referral.no_news", language))
        return []
