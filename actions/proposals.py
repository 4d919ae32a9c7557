"""The providers proposed for each need, shown after the assessment, and the officer's choice.

A button carries `/choose_provider{"provider_choice": "<need id> <service_at_location id>"}`:
ids of the catalog and the directory, never anything about the person.
"""

import json
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.child_protection import shows_skip_buttons, skip_buttons
from actions.consent_choices import no_category_consent_text
from actions.conversation import case_of, officer_language
from actions.policies import policies
from actions.referrals import offer_to_send, tell_waiting_news
from casework.consent import CategoryNotConsented, ConsentRequired
from casework.models import Case
from casework.proposals import NotProposed, choose_provider, propose_providers
from passage.config import unit_of_work
from referral_directory.match_values import NeedMatch, Proposal
from translations.bidi import isolate
from translations.catalog import Catalogs, shipped_catalogs
from translations.choices import option_title
from translations.match_texts import gap_text, reason_text
from translations.rasa_responses import TEXT_ONLY_CHANNELS

ENTITY = "provider_choice"


def say_proposals(
    dispatcher: CollectingDispatcher,
    session: Session,
    case: Case,
    language: str,
    channel: str | None,
) -> None:
    """One message per need: its proposals with reasons and a button each, or the gap.

    Text-only channels get the numbered lines without buttons (choosing there comes with the
    SMS channel).
    """
    catalogs = shipped_catalogs()
    try:
        results = propose_providers(session, case, policies().matching, now=datetime.now(UTC))
    except ConsentRequired:
        dispatcher.utter_message(text=catalogs.render("match.no_referral_consent", language))
        return
    if not results:
        return
    dispatcher.utter_message(text=catalogs.render("match.intro", language))
    for result in results:
        _say_need(dispatcher, catalogs, result, language, channel not in TEXT_ONLY_CHANNELS)


def _say_need(
    dispatcher: CollectingDispatcher,
    catalogs: Catalogs,
    result: NeedMatch,
    language: str,
    with_buttons: bool,
) -> None:
    urgent = " " + catalogs.render("intake.urgent_mark", language) if result.urgent else ""
    lines = [
        catalogs.render(
            "match.need_header",
            language,
            need=option_title(catalogs, result.need_id, language),
            urgent=urgent,
        )
    ]
    if result.gap is not None:
        lines.append(gap_text(result.gap.code, language, catalogs))
    buttons = []
    for rank, proposal in enumerate(result.proposals, start=1):
        lines.append(proposal_line(catalogs, rank, proposal, language))
        choice = f"{result.need_id} {proposal.candidate.service_at_location_id}"
        buttons.append(
            {
                "title": catalogs.render(
                    "match.button",
                    language,
                    rank=rank,
                    provider=isolate(proposal.candidate.provider_name),
                ),
                "payload": "/choose_provider" + json.dumps({ENTITY: choice}),
            }
        )
    if shows_skip_buttons(result.need_id):
        buttons += skip_buttons(language)
    dispatcher.utter_message(text="\n".join(lines), buttons=buttons if with_buttons else [])


def proposal_line(catalogs: Catalogs, rank: int, proposal: Proposal, language: str) -> str:
    caution = catalogs.render("match.caution_mark", language)
    reasons = "; ".join(
        (f"{caution} " if reason.caution else "")
        + reason_text(reason.code, reason.params, language, catalogs)
        for reason in proposal.reasons
    )
    return catalogs.render(
        "match.proposal",
        language,
        rank=rank,
        provider=isolate(proposal.candidate.provider_name),
        service=isolate(proposal.candidate.service_name),
        reasons=reasons,
    )


class ActionChooseProvider(Action):
    def name(self) -> str:
        return "action_choose_provider"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = officer_language(tracker)
        catalogs = shipped_catalogs()
        values = [e.get("value") for e in tracker.latest_message.get("entities", [])]
        parts = next((str(v).split() for v in values if isinstance(v, str)), [])
        if len(parts) != 2:
            dispatcher.utter_message(text=catalogs.render("match.choose_with_buttons", language))
            return []
        need_id, service_at_location_id = parts
        with unit_of_work() as session:
            case = case_of(session, tracker)
            if case is None:
                dispatcher.utter_message(text=catalogs.render("intake.no_case", language))
                return []
            try:
                result = choose_provider(
                    session,
                    case,
                    need_id,
                    service_at_location_id,
                    policies().matching,
                    now=datetime.now(UTC),
                )
            except CategoryNotConsented as refused:
                text = no_category_consent_text(need_id, refused.categories, language)
            except ConsentRequired:
                text = catalogs.render("match.no_referral_consent", language)
            except NotProposed:
                text = catalogs.render("match.not_proposed", language)
            else:
                provider = next(
                    isolate(p.candidate.provider_name)
                    for p in result.proposals
                    if p.candidate.service_at_location_id == service_at_location_id
                )
                dispatcher.utter_message(
                    text=catalogs.render(
                        "match.chosen",
                        language,
                        need=option_title(catalogs, need_id, language),
                        provider=provider,
                    )
                )
                offer_to_send(
                    dispatcher, need_id, provider, language, tracker.get_latest_input_channel()
                )
                tell_waiting_news(dispatcher, tracker)
                return []
        dispatcher.utter_message(text=text)
        return []
