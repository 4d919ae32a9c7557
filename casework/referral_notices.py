"""What the referring officer has not been told yet about their referrals, and when it counts
as told.

The worker (or the API, right after a provider's answer) wakes the officer's conversation; the
chat action asks here for every change not yet told. Told means shown:

- in the answer to the officer's own message on a channel that cannot confirm anything (Rasa's
  REST channel), the news is told with the answer;
- a chat that confirms what it showed (the web chat's page; the API once Telegram or Twilio took
  the message) tells it when it confirms (`mark_shown`), so an answer lost on its way leaves
  the news untold for the next "any news?";
- a push (nobody asked) goes out once (`mark_pushed`): a page that was closed shows it from the
  conversation's history and confirms it then; any later turn of the officer shows it too;
- a channel that cannot push keeps the news untold for the officer's next turn.

News belongs to the officer who sent the referral, on any of their chats (a closed tab, a new
phone), as long as they may see the case.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from casework.models import Case
from casework.police_gate import may_see_case_details
from casework.referral_models import Referral, ReferralEvent, need_ids_of
from casework.referral_status import Status
from casework.roles import Viewer
from referral_directory.models import (
    Organization,
    Service,
    ServiceAtLocation,
    XConfidentialAddress,
)


class Delivery(StrEnum):
    REPLY = "reply"  # the answer to the officer's message, on a channel that confirms nothing
    CONFIRMED_REPLY = "confirmed_reply"  # the answer, on a chat that confirms what it showed
    PUSH = "push"  # unasked, to a chat that confirms what it showed
    NOT_POSSIBLE = "not_possible"  # unasked, and the channel cannot push


# Chat channels that reach the officer without being asked and confirm what they showed (the
# web chat's page, or the API once Telegram or Twilio took the message).
PUSHING_CHANNELS = frozenset({"webchat", "telegram", "twilio"})


def delivery_for(channel: str | None, *, asked_by_officer: bool) -> Delivery:
    confirms = channel in PUSHING_CHANNELS
    if asked_by_officer:
        return Delivery.CONFIRMED_REPLY if confirms else Delivery.REPLY
    return Delivery.PUSH if confirms else Delivery.NOT_POSSIBLE


def _officers_referrals(account_id: int | None, conversation: str) -> ColumnElement[bool]:
    """Referrals whose news is this officer's: sent by their account, or, sent before referrals
    named their account, from this conversation."""
    legacy = and_(
        Referral.officer_account_id.is_(None), Referral.officer_conversation == conversation
    )
    if account_id is None:
        return legacy
    return or_(Referral.officer_account_id == account_id, legacy)


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
    # The person's language, for what was arranged; None: not known (any more).
    person_language: str | None
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
    """Changes made by others (providers, deadlines) to the viewer's referrals, of cases the
    viewer may still see (the police gate included: casework.roles), that the officer has not
    been shown yet (for a push: nor pushed).

    A plain reply marks them told; the rest wait for `mark_shown`. News of a case the viewer
    may not see stays untold: a confidential address must not reach a revoked device."""
    if delivery is Delivery.NOT_POSSIBLE:
        return []
    query = (
        select(ReferralEvent, Referral, Case)
        .join(Referral, Referral.id == ReferralEvent.referral_id)
        .join(Case, Case.id == Referral.case_id)
        .where(
            _officers_referrals(viewer.id, conversation),
            ReferralEvent.told_at.is_(None),
            ReferralEvent.from_status.is_not(None),
            ReferralEvent.actor != "officer",
        )
        .order_by(ReferralEvent.id)
    )
    if delivery is Delivery.PUSH:
        query = query.where(ReferralEvent.pushed_at.is_(None))
    rows = session.execute(query).all()
    notices = []
    for event, referral, case in rows:
        if not may_see_case_details(session, viewer, case, now=now):
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
                person_language=case.person_language,
                address=_confidential_address(session, referral) if accepted else None,
                follow_up=event.follow_up,
                next_provider=next_provider,
                next_code=next_code,
                next_service_at_location_id=event.follow_up_service_at_location_id,
            )
        )
    return notices


def _events_of(
    account_id: int | None, conversation: str, event_ids: Collection[int]
) -> ColumnElement[bool]:
    of_officer = select(Referral.id).where(_officers_referrals(account_id, conversation))
    return and_(ReferralEvent.id.in_(list(event_ids)), ReferralEvent.referral_id.in_(of_officer))


def _stamp(
    session: Session,
    column: Any,
    account_id: int | None,
    conversation: str,
    event_ids: Collection[int],
    now: datetime,
) -> int:
    """Set `column` on those of the events that are the officer's own and not stamped yet."""
    if not event_ids:
        return 0
    result = session.execute(
        update(ReferralEvent)
        .where(_events_of(account_id, conversation, event_ids), column.is_(None))
        .values({column: now})
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def mark_shown(
    session: Session,
    account_id: int | None,
    conversation: str,
    event_ids: Collection[int],
    *,
    now: datetime,
) -> int:
    """The officer's chat showed these notices: they are told. Only the officer's own news
    counts; returns how many were newly marked."""
    return _stamp(session, ReferralEvent.told_at, account_id, conversation, event_ids, now)


def mark_pushed(
    session: Session,
    account_id: int | None,
    conversation: str,
    event_ids: Collection[int],
    *,
    now: datetime,
) -> int:
    """These notices went out to the officer's chat unasked: never pushed again."""
    return _stamp(session, ReferralEvent.pushed_at, account_id, conversation, event_ids, now)


def notice_in(message: dict[str, Any]) -> int | None:
    """The referral event a bot message tells of (`custom.passage.notice`), if any."""
    custom = message.get("custom")
    passage = custom.get("passage") if isinstance(custom, dict) else None
    notice = passage.get("notice") if isinstance(passage, dict) else None
    return notice if isinstance(notice, int) else None


def _account_id(session: Session, channel: str, conversation: str) -> int | None:
    from casework.enrolment import account_for_sender  # enrolment imports the case models

    account = account_for_sender(session, channel, conversation)
    return account.id if account is not None else None


def shown_in_chat(
    session: Session, channel: str, conversation: str, message: dict[str, Any], *, now: datetime
) -> None:
    """A chat took `message` (Telegram or Twilio accepted it): the notice in it is told."""
    _mark_in_chat(session, mark_shown, channel, conversation, message, now)


def pushed_to_chat(
    session: Session, channel: str, conversation: str, message: dict[str, Any], *, now: datetime
) -> None:
    """`message` went out unasked to the chat: the notice in it is not pushed again."""
    _mark_in_chat(session, mark_pushed, channel, conversation, message, now)


def _mark_in_chat(
    session: Session,
    mark: Callable[..., int],
    channel: str,
    conversation: str,
    message: dict[str, Any],
    now: datetime,
) -> None:
    notice = notice_in(message)
    if notice is not None:
        account = _account_id(session, channel, conversation)
        mark(session, account, conversation, [notice], now=now)
