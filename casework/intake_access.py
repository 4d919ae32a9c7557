"""What a provider may see and do with the referrals sent to its organization.

The rules shared by the intake web pages and the partner API: a provider sees only its own
organization's referrals, learns about the person only while the referral is open and the
person's consent to referrals stands, and moves a referral only to the statuses a provider may
set. The SMS link works once, for a logged-in member of the organization it was sent to. A
police-type organization learns nothing of the person without their consent to sharing with the
police (casework.roles).
"""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit import record_audit
from casework.consent import consented_categories, may_refer
from casework.models import Case
from casework.people import people_message_id
from casework.police_gate import organization_may_receive, require_police_sharing
from casework.referral_models import Referral, need_ids_of
from casework.referral_policy import ReferralPolicy
from casework.referral_status import OPEN, PROVIDER_MAY_SET, IllegalTransition, Reason, Status
from casework.referrals import change_status, token_digest
from referral_directory.capacity import CapacityUpdate, UnknownServiceAtLocation, update_capacity
from referral_directory.models import Service, ServiceAtLocation

MAX_LISTED = 100
# As many characters as a referral stores (longer notes are cut); adapters refuse longer ones.
MAX_NOTE = 500
# The deadline cancels with no_response; a provider saying so would start the next referral
# as if they had never answered.
PROVIDER_REASONS = frozenset(Reason) - {Reason.NO_RESPONSE}
# Answers the intake form offers when declining; the API takes any of PROVIDER_REASONS.
DECLINE_REASONS = (
    Reason.NO_CAPACITY,
    Reason.NOT_ELIGIBLE,
    Reason.LANGUAGE,
    Reason.SAFETY,
    Reason.OTHER,
)
GENDERS = frozenset({"female", "male", "other"})
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
# Longer than any token we issue; a longer one is refused before it is hashed.
_MAX_TOKEN_LENGTH = 64


class NotYours(PermissionError):
    """The referral (or service) belongs to another organization."""


class LinkInvalid(LookupError):
    """The SMS link is unknown, expired or already used."""


@dataclass(frozen=True)
class ProviderDetails:
    """What the provider may know about the person; never a name, contact or whereabouts."""

    need_ids: tuple[str, ...]
    category: str
    presumed_child: bool
    people: str  # catalog entry of who comes: "1 adult, 2 children"
    gender: str | None
    person_language: str | None
    urgent: bool
    deadline: datetime


def referrals_for_organization(
    session: Session, organization_id: str, *, now: datetime
) -> list[Referral]:
    """Requested referrals first, soonest deadline first; then the rest, latest change first.

    `now` is not used yet; it is part of the signature so that the adapters need not change
    when listing starts to depend on time (for example to hide long-closed referrals).
    """
    pending = list(
        session.scalars(
            select(Referral)
            .where(
                Referral.organization_id == organization_id,
                Referral.status == Status.REQUESTED.value,
            )
            .order_by(Referral.deadline_at, Referral.id)
            .limit(MAX_LISTED)
        )
    )
    room = MAX_LISTED - len(pending)
    if room <= 0:
        return pending
    others = session.scalars(
        select(Referral)
        .where(
            Referral.organization_id == organization_id,
            Referral.status != Status.REQUESTED.value,
        )
        .order_by(Referral.updated_at.desc(), Referral.id.desc())
        .limit(room)
    )
    return pending + list(others)


def referral_for_organization(session: Session, referral_id: int, organization_id: str) -> Referral:
    """Raises LookupError when there is no such referral, NotYours when it is not theirs."""
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise LookupError(referral_id)
    if referral.organization_id != organization_id:
        raise NotYours(referral_id)
    return referral


def withheld_from_police(session: Session, referral: Referral, *, now: datetime) -> bool:
    """The referral went to a police-type organization that may not learn the case now: no
    consent to sharing with the police, or a reflection period (casework.roles)."""
    case = session.get(Case, referral.case_id)
    return case is not None and not organization_may_receive(
        session, referral.organization_id, case, now=now
    )


def require_police_may_read(
    session: Session, referral: Referral, *, actor: str, now: datetime
) -> None:
    """For the partner API, which shows a referral's needs with it: raises ConsentRequired
    (LAW_ENFORCEMENT) when withheld_from_police; the refusal is audited (commit it)."""
    case = session.get(Case, referral.case_id)
    if case is not None:
        require_police_sharing(
            session, case, referral.organization_id, actor=actor, action="referral.read", now=now
        )


def details_for_provider(
    session: Session, referral: Referral, *, now: datetime
) -> ProviderDetails | None:
    """None once the referral is closed, the person's consent to referrals has ended, or it is
    withheld from a police organization (withheld_from_police)."""
    if Status(referral.status) not in OPEN:
        return None
    case = session.get(Case, referral.case_id)
    if case is None or not may_refer(session, case, now=now):
        return None
    if referral.category not in consented_categories(session, case, now=now):
        return None  # the person no longer agrees to this kind of service
    if not organization_may_receive(session, referral.organization_id, case, now=now):
        return None
    language = case.person_language
    return ProviderDetails(
        need_ids=tuple(need_ids_of(session, referral)),
        category=referral.category,
        presumed_child=case.presumed_child,
        people=people_message_id(case),
        # "Does not know" and "declined" tell a provider nothing it could act on.
        gender=case.gender if case.gender in GENDERS else None,
        person_language=(
            language if language is not None and _LANGUAGE_CODE.fullmatch(language) else None
        ),
        urgent=referral.urgent,
        deadline=referral.deadline_at,
    )


def open_link(session: Session, token: str, organization_id: str, *, now: datetime) -> Referral:
    """The referral of an SMS link, which this use spends. Raises LinkInvalid or NotYours.

    A member of another organization does not spend the link: the provider it was sent to can
    still use it. That attempt is audited (commit it).
    """
    referral = (
        session.scalars(
            select(Referral).where(Referral.link_token_sha256 == token_digest(token))
        ).one_or_none()
        if token and len(token) <= _MAX_TOKEN_LENGTH
        else None
    )
    if (
        referral is None
        or referral.link_expires_at is None
        or now >= referral.link_expires_at
        or referral.link_used_at is not None
    ):
        raise LinkInvalid("the link is unknown, expired or already used")
    if referral.organization_id != organization_id:
        record_audit(
            session,
            actor=f"organization:{organization_id}",
            action="referral.link_opened",
            outcome="refused",
            case_id=referral.case_id,
            referral_id=referral.id,
            detail="another organization",
            now=now,
        )
        raise NotYours(referral.id)
    referral.link_used_at = now
    session.flush()
    return referral


def respond(
    session: Session,
    referral: Referral,
    *,
    accept: bool,
    reason: Reason | None,
    note: str | None,
    actor: str,
    policy: ReferralPolicy,
    now: datetime,
) -> None:
    """Accept or decline a requested referral; reason and note belong to a decline only.

    A decline without a reason is recorded as Reason.OTHER. Raises IllegalTransition.
    """
    if accept:
        set_status_as_provider(
            session, referral, Status.ACCEPTED, None, None, actor=actor, policy=policy, now=now
        )
        return
    set_status_as_provider(
        session,
        referral,
        Status.REJECTED,
        reason or Reason.OTHER,
        note,
        actor=actor,
        policy=policy,
        now=now,
    )


def set_status_as_provider(
    session: Session,
    referral: Referral,
    status: Status,
    reason: Reason | None,
    note: str | None,
    *,
    actor: str,
    policy: ReferralPolicy,
    now: datetime,
) -> None:
    """Move the referral as its provider; raises IllegalTransition for anything else."""
    if status not in PROVIDER_MAY_SET:
        raise IllegalTransition(f"a provider cannot set {status.value}")
    if reason is not None and reason not in PROVIDER_REASONS:
        raise IllegalTransition(f"a provider cannot give the reason {reason.value}")
    note = note.strip() if note else None
    if note and reason is None:
        # The FHIR Task carries a note only as the text of a coded status reason.
        raise IllegalTransition("a note goes with a reason")
    change_status(
        session, referral, status, policy, actor=actor, now=now, reason=reason, text=note or None
    )


def update_capacity_for_organization(
    session: Session,
    service_at_location_id: str,
    organization_id: str,
    available: int,
    *,
    now: datetime,
) -> CapacityUpdate:
    """Free places of one of the organization's own services.

    Raises UnknownServiceAtLocation or NotYours.
    """
    place = session.get(ServiceAtLocation, service_at_location_id)
    if place is None:
        raise UnknownServiceAtLocation(service_at_location_id)
    service = session.get(Service, place.service_id)
    if service is None or service.organization_id != organization_id:
        raise NotYours(service_at_location_id)
    return update_capacity(session, service_at_location_id, available, now)
