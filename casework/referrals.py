"""Sending a referral, moving it through its statuses, and what follows a refusal or a timeout.

Every function here changes state and writes the messages that change calls for (to the
provider, to the officer) into the outbox, in the caller's transaction: either both happen or
neither does. Nothing is sent from here; the worker sends.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.assessment import needed
from casework.audit import record_audit
from casework.case_status import CaseStatus
from casework.child_protection import require_child_protection_first
from casework.consent import (
    CategoryNotConsented,
    ConsentRequired,
    Scope,
    consented_categories,
    decline_category,
    may_refer,
    may_refer_to,
    withdraw_all,
)
from casework.consent_categories import need_categories
from casework.held_places import place_for, require_not_held_for_adults
from casework.models import Case, ProviderChoice
from casework.outbox import enqueue
from casework.police_gate import (
    organization_may_receive,
    organization_type,
    require_police_sharing,
)
from casework.proposals import NotProposed, propose_providers
from casework.provider_messages import cancellation_message, referral_message
from casework.references import ALPHABET
from casework.referral_models import (
    CaseFlag,
    Referral,
    ReferralEvent,
    ReferralNeed,
    need_ids_of,
)
from casework.referral_policy import Officer, ReferralPolicy
from casework.referral_status import OPEN, Reason, Status, check_transition
from casework.risk import require_recent_risk_check
from referral_directory.match_values import Proposal
from referral_directory.models import XReferralEndpoint
from referral_directory.needs import UnknownNeed, need, top_category
from referral_directory.organization_types import POLICE

CODE_LENGTH = 6
OFFICER = "officer"


class NoEndpoint(LookupError):
    """The provider has no way to receive referrals, or does not take any now."""


class NoChoice(LookupError):
    """No provider was chosen for that need."""


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def is_code(text: str) -> bool:
    """Whether `text` can be a referral code (it says nothing of whether one exists)."""
    return len(text) == CODE_LENGTH and all(c in ALPHABET for c in text)


class NoReferral(LookupError):
    """No referral of this case has that code."""


def _require_referral_consent(session: Session, case: Case, need_id: str, *, now: datetime) -> None:
    """Consent to referrals holds, and to a kind of service the need is referred to."""
    try:
        categories = need_categories(need_id)
    except UnknownNeed:
        raise NoChoice(need_id) from None
    if not may_refer(session, case, now=now):
        refused: ConsentRequired = ConsentRequired(Scope.REFERRALS)
        detail = "no valid consent for referrals"
    elif not may_refer_to(session, case, categories, now=now):
        refused = CategoryNotConsented(categories)
        detail = f"no consent for referrals to {','.join(categories)}"
    else:
        return
    record_audit(
        session,
        actor=OFFICER,
        action="referral.create",
        outcome="refused",
        case_id=case.id,
        detail=detail,
        now=now,
    )
    raise refused


def send_chosen_referral(
    session: Session,
    case: Case,
    need_id: str,
    officer: Officer,
    policy: ReferralPolicy,
    *,
    cascade: bool,
    now: datetime,
) -> Referral:
    """Refer the need to the provider the officer chose for it (casework.proposals).

    Raises ConsentRequired (an audit entry is written first: commit it), NoChoice, NotProposed
    or NoEndpoint; ChildProtectionFirst for a presumed child's other needs while child protection
    was neither referred nor skipped with a reason. ConsentRequired names LAW_ENFORCEMENT when
    the provider is of the police type and the person did not consent to sharing with the police
    (or reflects: casework.roles). HeldForAdults (audited, like a consent refusal) for a
    presumed child and a service whose places in the case's operation are held for adults only.
    Under an operation, the referral takes a place the service holds, if it has a free one
    (casework.held_places).
    """
    _require_referral_consent(session, case, need_id, now=now)
    require_child_protection_first(session, case, need_id, now=now)
    choice = session.scalar(
        select(ProviderChoice).where(
            ProviderChoice.case_id == case.id, ProviderChoice.need_id == need_id
        )
    )
    if choice is None:
        raise NoChoice(need_id)
    # Before the proposals: a child's choice made before the places were held says why it
    # cannot go, not merely that the service is no longer proposed.
    require_not_held_for_adults(
        session, case, need_id, choice.service_at_location_id, actor=OFFICER, now=now
    )
    proposal = _current_proposal(session, case, need_id, choice.service_at_location_id, policy, now)
    if proposal is None:
        raise NotProposed(need_id)
    return _create(
        session, case, need_id, proposal, officer, policy, cascade, None, now, note=choice.note
    )


def _proposals_for(
    session: Session, case: Case, need_id: str, policy: ReferralPolicy, now: datetime
) -> tuple[bool, list[Proposal]]:
    for result in propose_providers(session, case, policy.rules, now=now):
        if result.need_id == need_id:
            return result.urgent, list(result.proposals)
    return False, []


def _current_proposal(
    session: Session,
    case: Case,
    need_id: str,
    service_at_location_id: str,
    policy: ReferralPolicy,
    now: datetime,
) -> Proposal | None:
    _, proposals = _proposals_for(session, case, need_id, policy, now)
    return next(
        (p for p in proposals if p.candidate.service_at_location_id == service_at_location_id),
        None,
    )


def _provider_language(endpoint: XReferralEndpoint, shipped: tuple[str, ...]) -> str:
    spoken = [code for code in endpoint.languages.split(",") if code]
    return next((code for code in spoken if code in shipped), "en")


def _category(need_id: str, proposal: Proposal, consented: frozenset[str]) -> str:
    """The kind of service the referral is for: the need's first that the provider offers
    and the person agreed to (proposals offer no other when the person agreed to some)."""
    offered = {top_category(c) for c in proposal.candidate.categories}
    wanted = [top_category(c) for c in need(need_id).categories]
    return next(
        (c for c in wanted if c in offered and c in consented),
        next((c for c in wanted if c in offered), wanted[0]),
    )


def _create(
    session: Session,
    case: Case,
    need_id: str,
    proposal: Proposal,
    officer: Officer,
    policy: ReferralPolicy,
    cascade: bool,
    previous: Referral | None,
    now: datetime,
    *,
    note: str | None = None,
) -> Referral:
    candidate = proposal.candidate
    endpoint = session.get(XReferralEndpoint, candidate.service_at_location_id)
    if endpoint is None or not endpoint.accepting_referrals:
        raise NoEndpoint(candidate.service_at_location_id)
    require_police_sharing(
        session, case, candidate.provider_id, actor=OFFICER, action="referral.create", now=now
    )
    if previous is None and organization_type(session, candidate.provider_id) == POLICE:
        # The officer shares with the police now: the risk may have changed since it was asked.
        require_recent_risk_check(session, case, now=now)
    urgent = _is_urgent(session, case, need_id)
    deadline = timedelta(minutes=endpoint.response_deadline_minutes)
    if urgent:
        deadline = min(deadline, policy.urgent_deadline)
    token = secrets.token_urlsafe(16)
    # A place the operation holds there for this need and the person's group: no new request.
    place = place_for(session, case, need_id, candidate.service_at_location_id, now=now)
    referral = Referral(
        case_id=case.id,
        code=_unused_code(session),
        service_at_location_id=candidate.service_at_location_id,
        organization_id=candidate.provider_id,
        channel=endpoint.channel,
        recipient=endpoint.address,
        provider_language=_provider_language(endpoint, policy.shipped_languages),
        category=_category(need_id, proposal, consented_categories(session, case, now=now)),
        urgent=urgent,
        status=Status.REQUESTED.value,
        created_at=now,
        updated_at=now,
        deadline_at=now + deadline,
        officer_account_id=officer.account_id,
        officer_conversation=officer.conversation,
        officer_language=officer.language,
        cascade=cascade,
        previous_id=previous.id if previous is not None else None,
        capacity_request_id=place.id if place is not None else None,
        officer_note=note,
        link_token_sha256=token_digest(token),
        link_expires_at=now + policy.link_ttl,
    )
    session.add(referral)
    session.flush()
    session.add(ReferralNeed(referral_id=referral.id, need_id=need_id))
    session.add(
        ReferralEvent(
            referral_id=referral.id,
            from_status=None,
            to_status=Status.REQUESTED.value,
            actor=OFFICER if previous is None else "cascade",
            at=now,
        )
    )
    kind, body = referral_message(session, case, referral, token, policy)
    enqueue(session, kind, referral.recipient, body, referral_id=referral.id, now=now)
    record_audit(
        session,
        actor=OFFICER,
        action="referral.create",
        outcome="sent",
        case_id=case.id,
        referral_id=referral.id,
        detail=f"{need_id} -> {referral.service_at_location_id}",
        now=now,
    )
    return referral


def _is_urgent(session: Session, case: Case, need_id: str) -> bool:
    return any(row.urgent for row in needed(session, case) if row.need_id == need_id)


def _unused_code(session: Session) -> str:
    while True:
        code = new_code()
        if session.scalar(select(Referral.id).where(Referral.code == code)) is None:
            return code


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def change_status(
    session: Session,
    referral: Referral,
    target: Status,
    policy: ReferralPolicy,
    *,
    actor: str,
    now: datetime,
    reason: Reason | None = None,
    text: str | None = None,
) -> ReferralEvent:
    """Move the referral; tell the officer, tell the provider when we cancel, and after a
    refusal or a timeout offer or send the next provider. Raises IllegalTransition."""
    check_transition(Status(referral.status), target, reason)
    event = ReferralEvent(
        referral_id=referral.id,
        from_status=referral.status,
        to_status=target.value,
        reason=reason.value if reason else None,
        actor=actor,
        at=now,
    )
    referral.status = target.value
    referral.status_reason = reason.value if reason else None
    # Free text explains a reason; without one it has nowhere to go in the FHIR Task.
    referral.status_text = text[:500] if text and reason else None
    referral.updated_at = now
    session.add(event)
    session.flush()
    if target is Status.CANCELLED:
        kind, body = cancellation_message(session, referral, policy)
        enqueue(session, kind, referral.recipient, body, referral_id=referral.id, now=now)
    if target is Status.REJECTED or reason is Reason.NO_RESPONSE:
        _follow_up(session, referral, event, policy, now)
    record_audit(
        session,
        actor=actor,
        action=f"referral.{target.value}",
        outcome="done",
        case_id=referral.case_id,
        referral_id=referral.id,
        detail=event.reason or "",
        now=now,
    )
    if actor != OFFICER:
        enqueue(
            session,
            "officer_notice",
            referral.officer_conversation,
            str(event.id),
            referral_id=referral.id,
            referral_event_id=event.id,
            now=now,
        )
    return event


def _follow_up(
    session: Session,
    referral: Referral,
    event: ReferralEvent,
    policy: ReferralPolicy,
    now: datetime,
) -> None:
    """The next provider for the same need: sent at once in cascade mode, else offered."""
    case = session.get(Case, referral.case_id)
    if case is None or case.status != CaseStatus.OPEN:
        return
    need_id = need_ids_of(session, referral)[0]
    if not may_refer_to(session, case, need_categories(need_id), now=now):
        return  # the person declined that kind of service meanwhile: nobody else is tried
    tried = set(
        session.scalars(
            select(Referral.service_at_location_id)
            .join(ReferralNeed, ReferralNeed.referral_id == Referral.id)
            .where(Referral.case_id == case.id, ReferralNeed.need_id == need_id)
        )
    )
    try:
        _, proposals = _proposals_for(session, case, need_id, policy, now)
    except ConsentRequired:
        return  # no consent, no next provider; "none left" would send the coordinator astray
    remaining = [
        p
        for p in proposals
        if p.candidate.service_at_location_id not in tried
        and organization_may_receive(session, p.candidate.provider_id, case, now=now)
    ]
    if not remaining:
        event.follow_up = "exhausted"
        session.add(
            CaseFlag(case_id=case.id, kind="no_provider_left", need_id=need_id, raised_at=now)
        )
        return
    officer = Officer(
        referral.officer_conversation, referral.officer_language, referral.officer_account_id
    )
    if referral.cascade:
        try:
            following = _create(
                session,
                case,
                need_id,
                remaining[0],
                officer,
                policy,
                True,
                referral,
                now,
                note=referral.officer_note,
            )
        except NoEndpoint:
            event.follow_up = "exhausted"
            return
        event.follow_up = "sent"
        event.follow_up_referral_id = following.id
    else:
        event.follow_up = "offered"
        event.follow_up_service_at_location_id = remaining[0].candidate.service_at_location_id


def expire_overdue(session: Session, policy: ReferralPolicy, *, now: datetime) -> int:
    """Requested referrals past their deadline are cancelled for no response."""
    overdue = session.scalars(
        select(Referral).where(
            Referral.status == Status.REQUESTED.value, Referral.deadline_at <= now
        )
    ).all()
    for referral in overdue:
        change_status(
            session,
            referral,
            Status.CANCELLED,
            policy,
            actor="deadline",
            now=now,
            reason=Reason.NO_RESPONSE,
        )
    return len(overdue)


def cancel_open_referrals(
    session: Session, case: Case, policy: ReferralPolicy, *, reason: Reason, now: datetime
) -> int:
    """Used when the person withdraws: providers are told, no next provider is tried."""
    open_ones = session.scalars(
        select(Referral).where(
            Referral.case_id == case.id, Referral.status.in_([s.value for s in OPEN])
        )
    ).all()
    for referral in open_ones:
        change_status(
            session, referral, Status.CANCELLED, policy, actor=OFFICER, now=now, reason=reason
        )
    return len(open_ones)


def cancel_referrals_without_consent(
    session: Session, case: Case, policy: ReferralPolicy, *, now: datetime
) -> int:
    """After the person changed a decision: every open referral whose kind of service is no
    longer agreed to (or all of them, without consent to referrals) is cancelled as declined
    and its provider told; the others stand. Returns how many were cancelled."""
    agreed = consented_categories(session, case, now=now)
    open_ones = session.scalars(
        select(Referral).where(
            Referral.case_id == case.id, Referral.status.in_([s.value for s in OPEN])
        )
    ).all()
    declined = [r for r in open_ones if r.category not in agreed]
    for referral in declined:
        change_status(
            session,
            referral,
            Status.CANCELLED,
            policy,
            actor=OFFICER,
            now=now,
            reason=Reason.PERSON_DECLINED,
        )
    return len(declined)


def follow_consent_decisions(
    session: Session, case: Case, policy: ReferralPolicy, *, now: datetime
) -> int:
    """What the consent decisions just recorded mean for referrals already sent: information
    only ends them all, a kind of service no longer agreed to ends its own."""
    if case.status == CaseStatus.INFORMATION_ONLY:
        return cancel_open_referrals(session, case, policy, reason=Reason.PERSON_DECLINED, now=now)
    return cancel_referrals_without_consent(session, case, policy, now=now)


def referral_of_case(session: Session, case: Case, code: str) -> Referral | None:
    return session.scalar(
        select(Referral).where(Referral.case_id == case.id, Referral.code == code)
    )


def cancel_declined_referral(
    session: Session, case: Case, code: str, policy: ReferralPolicy, *, now: datetime
) -> Referral:
    """The person declined the service of one referral: that referral is cancelled (its
    provider told) and its kind of service is no longer agreed to, so it is not sent again by
    mistake (any other open referral of that kind is cancelled too); referrals of other kinds
    and the other decisions stand. The person may decide again
    (casework.intake.reopen_consent).

    Raises NoReferral for a code not of this case, IllegalTransition for a closed referral.
    """
    referral = referral_of_case(session, case, code)
    if referral is None:
        raise NoReferral(code)
    change_status(
        session,
        referral,
        Status.CANCELLED,
        policy,
        actor=OFFICER,
        now=now,
        reason=Reason.PERSON_DECLINED,
    )
    decline_category(session, case, referral.category, now=now)
    # Other open referrals of that kind of service go with it: the person declined the kind.
    cancel_referrals_without_consent(session, case, policy, now=now)
    return referral


def withdraw_consent(session: Session, case: Case, policy: ReferralPolicy, *, now: datetime) -> int:
    """The person withdraws: consents end, open referrals are cancelled and providers told.

    Returns how many referrals were cancelled.
    """
    withdraw_all(session, case, now=now)
    return cancel_open_referrals(session, case, policy, reason=Reason.PERSON_DECLINED, now=now)
