"""The inputs of the police gate (casework.roles.may_receive_case_details), read from the
database: the organization's type, the person's consent to sharing with the police and the
reflection period. The rule itself stays in casework.roles.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from casework import roles
from casework.audit import record_audit
from casework.consent import ConsentRequired, Scope, has_consent
from casework.models import Case
from casework.reflection import in_reflection_period
from referral_directory.models import Organization


def organization_type(session: Session, organization_id: str | None) -> str | None:
    organization = session.get(Organization, organization_id) if organization_id else None
    return organization.x_organization_type if organization is not None else None


def organization_may_receive(
    session: Session, organization_id: str | None, case: Case, *, now: datetime
) -> bool:
    """Whether the case's details may reach this organization (its accounts and API keys)."""
    return roles.may_receive_case_details(
        organization_type(session, organization_id),
        police_sharing_consented=has_consent(session, case, Scope.LAW_ENFORCEMENT, now=now),
        reflection_period=in_reflection_period(case, now=now),
    )


def may_see_case_details(
    session: Session, viewer: roles.Viewer, case: Case, *, now: datetime
) -> bool:
    return roles.may_see_case_details(
        viewer,
        case,
        organization_type=organization_type(session, viewer.organization_id),
        police_sharing_consented=has_consent(session, case, Scope.LAW_ENFORCEMENT, now=now),
        reflection_period=in_reflection_period(case, now=now),
    )


def require_police_sharing(
    session: Session, case: Case, organization_id: str, *, actor: str, action: str, now: datetime
) -> None:
    """Raises ConsentRequired(LAW_ENFORCEMENT) when the case may not reach this organization;
    the refusal is audited first (commit it)."""
    if organization_may_receive(session, organization_id, case, now=now):
        return
    record_audit(
        session,
        actor=actor,
        action=action,
        outcome="refused",
        case_id=case.id,
        detail="no valid consent for law_enforcement",
        now=now,
    )
    raise ConsentRequired(Scope.LAW_ENFORCEMENT)
