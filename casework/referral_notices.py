"""What the referring officer has not been told yet about their referrals.

The worker only wakes the officer's conversation; the chat action asks here for every change
not yet told and marks it told, so a notice retried by the outbox is never said twice.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.models import Case
from casework.referral_models import Referral, ReferralEvent, need_ids_of
from casework.referral_status import Status
from casework.roles import Viewer, may_see_case
from referral_directory.models import (
    Organization,
    Service,
    ServiceAtLocation,
    XConfidentialAddress,
)


@dataclass(frozen=True)
class Notice:
    to_status: str
    reason: str | None
    actor: str
    code: str
    provider: str
    need_id: str
    provider_note: str | None
    provider_language: str  # what the provider writes in: their note may need translating
    # Released with an acceptance only: the confidential address of the place.
    address: dict[str, Any] | None
    follow_up: str | None
    next_provider: str | None
    next_code: str | None
    next_service_at_location_id: str | None


def _provider_name(session: Session, organization_id: str) -> str:
    organization = session.get(Organization, organization_id)
    return organization.name if organization is not None else organization_id


def _confidential_address(session: Session, referral: Referral) -> dict[str, Any] | None:
    place = session.get(ServiceAtLocation, referral.service_at_location_id)
    if place is None or place.location_id is None:
        return None
    hidden = session.get(XConfidentialAddress, place.location_id)
    return dict(hidden.address) if hidden is not None else None


def _next_provider(session: Session, event: ReferralEvent) -> tuple[str | None, str | None]:
    if event.follow_up_referral_id is not None:
        following = session.get(Referral, event.follow_up_referral_id)
        if following is not None:
            return _provider_name(session, following.organization_id), following.code
    if event.follow_up_service_at_location_id is not None:
        place = session.get(ServiceAtLocation, event.follow_up_service_at_location_id)
        service = session.get(Service, place.service_id) if place is not None else None
        if service is not None and service.organization_id is not None:
            return _provider_name(session, service.organization_id), None
    return None, None


def untold_notices(
    session: Session, conversation: str, viewer: Viewer, *, now: datetime
) -> list[Notice]:
    """Changes made by others (providers, deadlines) to referrals sent from this conversation,
    of cases the viewer may still see; marks them told. News of a case the viewer may not see
    stays untold: a confidential address must not reach a revoked or re-enrolled device."""
    rows = session.execute(
        select(ReferralEvent, Referral, Case)
        .join(Referral, Referral.id == ReferralEvent.referral_id)
        .join(Case, Case.id == Referral.case_id)
        .where(
            Referral.officer_conversation == conversation,
            ReferralEvent.told_at.is_(None),
            ReferralEvent.from_status.is_not(None),
            ReferralEvent.actor != "officer",
        )
        .order_by(ReferralEvent.id)
    ).all()
    notices = []
    for event, referral, case in rows:
        if not may_see_case(viewer, case):
            continue
        event.told_at = now
        next_provider, next_code = _next_provider(session, event)
        accepted = event.to_status == Status.ACCEPTED.value
        notices.append(
            Notice(
                to_status=event.to_status,
                reason=event.reason,
                actor=event.actor,
                code=referral.code,
                provider=_provider_name(session, referral.organization_id),
                need_id=need_ids_of(session, referral)[0],
                provider_note=referral.status_text if event.to_status == "rejected" else None,
                provider_language=referral.provider_language,
                address=_confidential_address(session, referral) if accepted else None,
                follow_up=event.follow_up,
                next_provider=next_provider,
                next_code=next_code,
                next_service_at_location_id=event.follow_up_service_at_location_id,
            )
        )
    return notices
