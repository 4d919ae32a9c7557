"""Who read or changed a case: the audit entries of the case, for the people who may see it.

Looking at this list is itself a read of the case, so it is audited like one; a refused look
is audited too, as someone tried.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit import record_audit
from casework.models import Case
from casework.police_gate import may_see_case_details
from casework.referral_models import AuditEntry
from casework.roles import Viewer

# Newest first; a case with more entries than this is shown with its latest ones.
MAX_SHOWN = 500
PURPOSE = "disclosure"
ACTION = "case.disclosures_viewed"


class NotAllowed(PermissionError):
    """The viewer may not see this case."""


def disclosure_log(
    session: Session, case: Case, viewer: Viewer, *, source: str, now: datetime
) -> Sequence[AuditEntry]:
    """The case's audit entries, newest first, this look included. Raises NotAllowed.

    The caller commits in both cases: the look, or the refused attempt, must be kept.
    """
    allowed = may_see_case_details(session, viewer, case, now=now)
    record_audit(
        session,
        actor=viewer.username,
        action=ACTION,
        outcome="shown" if allowed else "refused",
        case_id=case.id,
        source=source,
        purpose=PURPOSE,
        now=now,
    )
    session.flush()
    if not allowed:
        raise NotAllowed(case.id)
    return session.scalars(
        select(AuditEntry)
        .where(AuditEntry.case_id == case.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(MAX_SHOWN)
    ).all()
