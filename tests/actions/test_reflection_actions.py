"""The officer records a reflection period in the chat, is told when it ends, and hears clearly
why a referral to a police provider was not sent."""

from datetime import timedelta
from pathlib import Path

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.referrals import ActionReferralNews, ActionSendReferral
from actions.reflection import ActionReflectionPeriod
from casework.models import Case
from casework.reflection import queue_reflection_reminders
from referral_directory.models import Organization
from referral_directory.organization_types import POLICE
from tests.actions.conftest import SENDER, tracker_for
from tests.casework.referral_builders import ready_case, shelters
from tests.referral_directory.hsds_builders import uid
from translations.catalog import shipped_catalogs


def _said(dispatcher: CollectingDispatcher) -> list[str]:
    return [str(m["text"]) for m in dispatcher.messages]


def _reflection(reference: str) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for(
        "/reflection_period", "reflection_period", slots={"case_reference": reference}
    )
    ActionReflectionPeriod().run(dispatcher, tracker, {})
    return dispatcher


def test_the_officer_records_a_period_once_and_is_reminded_when_it_ends(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    case = ready_case(session)
    session.commit()
    reference = case.reference

    (started,) = _said(_reflection(reference))
    assert started.startswith(f"Reflection period recorded for case {reference}: 30 days"), started
    (again,) = _said(_reflection(reference))
    assert again == shipped_catalogs().render("reflection.refused", "en")

    session.expire_all()  # the actions wrote in their own units of work
    stored = session.get(Case, case.id)
    assert stored is not None and stored.reflection_until is not None
    ended = stored.reflection_until + timedelta(seconds=1)
    assert queue_reflection_reminders(session, now=ended) == 1
    session.commit()

    news = CollectingDispatcher()
    ActionReferralNews().run(news, tracker_for("any news?", "referral_news"), {})
    (reminder,) = _said(news)
    assert reminder.startswith(f"The reflection period of case {reference} ended on "), reminder
    later = CollectingDispatcher()
    ActionReferralNews().run(later, tracker_for("any news?", "referral_news"), {})
    assert _said(later) == [shipped_catalogs().render("referral.no_news", "en")]


def test_a_referral_to_a_police_provider_without_consent_is_refused_clearly(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    organization = session.get(Organization, uid("organization/shelter-a"))
    assert organization is not None
    organization.x_organization_type = POLICE
    case = ready_case(session)
    session.commit()
    tracker = tracker_for(
        '/send_referral{"referral_request": "basic.housing send"}',
        "send_referral",
        entities=[{"entity": "referral_request", "value": "basic.housing send"}],
        slots={"case_reference": case.reference},
        sender=SENDER,
    )
    dispatcher = CollectingDispatcher()

    ActionSendReferral().run(dispatcher, tracker, {})

    assert _said(dispatcher) == [shipped_catalogs().render("referral.no_police_consent", "en")]
