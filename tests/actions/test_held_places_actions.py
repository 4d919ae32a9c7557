"""The officer is told why a presumed child's referral to a place held for adults is refused."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.referrals import ActionSendReferral
from casework.referral_models import AuditEntry, Referral
from tests.actions.conftest import tracker_for
from tests.casework.held_place_builders import grouped, hold, planned, shelters
from translations.catalog import shipped_catalogs


def test_a_child_sent_to_a_service_held_for_adults_is_told_why_and_it_is_audited(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    now = datetime.now(UTC)  # the action reads the clock: the window is around it
    plan = planned(session, start=now - timedelta(hours=1))
    hold(session, plan, "shelter-a", 2, at=now)  # for adults; the child chose shelter-a before
    child = grouped(session, plan, child=True)
    session.commit()
    tracker = tracker_for(
        '/send_referral{"referral_request": "basic.housing send"}',
        "send_referral",
        entities=[{"entity": "referral_request", "value": "basic.housing send"}],
        slots={"case_reference": child.reference},
    )
    dispatcher = CollectingDispatcher()

    ActionSendReferral().run(dispatcher, tracker, {})

    assert [m["text"] for m in dispatcher.messages] == [
        shipped_catalogs().render("referral.held_for_adults", "en")
    ]
    session.expire_all()
    assert session.scalars(select(Referral).where(Referral.case_id == child.id)).all() == []
    refusal = session.scalars(
        select(AuditEntry).where(AuditEntry.case_id == child.id, AuditEntry.outcome == "refused")
    ).one()
    assert refusal.action == "referral.create"
