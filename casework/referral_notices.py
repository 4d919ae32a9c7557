"""What the referring officer has not been told yet about their referrals, and when it counts
as told.

The worker only wakes the officer's conversation; the chat action asks here for every change
not yet told. Told means shown: a change is marked told only when it reaches the officer's
screen. In the answer to the officer's own message it does at once. A push counts once the
officer's screen confirms it showed the message (`mark_shown`): a page that was closed or lost
its connection shows it when it comes back. A channel that cannot push (Rasa's REST channel
answers only inside a request) leaves the news untold for the officer's next turn.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
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


class Delivery(StrEnum):
    REPLY = "reply"  # in the answer to the officer's own message: shown with it
    PUSH = "push"  # pushed to a screen that confirms what it showed (`mark_shown`)
    NOT_POSSIBLE = "not_possible"  # nobody asked and the channel cannot push


# Chat channels that reach the officer without being asked and confirm what they showed.
PUSHING_CHANNELS = frozenset({"webchat"})


def delivery_for(channel: str | None, *, asked_by_officer: bool) -> Delivery:
    if asked_by_officer:
        return Delivery.REPLY
    return Delivery.PUSH if channel in PUSHING_CHANNELS else Delivery.NOT_POSSIBLE


@dataclass(frozen=True)
class Notice:
    event_id: int  # what the officer's screen names when it confirms it showed the notice
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


def news_for_officer(
    session: Session, conversation: str, viewer: Viewer, delivery: Delivery, *, now: datetime
) -> list[Notice]:
    """Changes made by others (providers, deadlines) to referrals sent from this conversation,
    of cases the viewer may still see, that the officer has not been shown yet.

    A reply marks them told; a push leaves that to `mark_shown`; a channel that cannot push
    gets nothing. News of a case the viewer may not see stays untold: a confidential address
    must not reach a revoked or re-enrolled device."""
    if delivery is Delivery.NOT_POSSIBLE:
        return []
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
        if delivery is Delivery.REPLY:
            event.told_at = now
        next_provider, next_code = _next_provider(session, event)
        accepted = event.to_status == Status.ACCEPTED.value
        notices.append(
            Notice(
                event_id=event.id,
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


def mark_shown(
    session: Session, conversation: str, event_ids: Collection[int], *, now: datetime
) -> int:
    """The officer's screen showed these notices: they are told. Only events of referrals sent
    from this conversation count; returns how many were newly marked."""
    if not event_ids:
        return 0
    of_conversation = select(Referral.id).where(Referral.officer_conversation == conversation)
    result = session.execute(
        update(ReferralEvent)
        .where(
            ReferralEvent.id.in_(list(event_ids)),
            ReferralEvent.told_at.is_(None),
            ReferralEvent.referral_id.in_(of_conversation),
        )
        .values(told_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
