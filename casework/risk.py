"""The risk check (SOP risk assessment): at intake, and again whenever a case is resumed.

Stored as codes, never as what was said. Any risk found makes safety planning an urgent need,
so matching proposes it and the summary shows it.
"""

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.assessment import Answer, needed
from casework.models import AssessedNeed, Case, RiskCheck

SAFETY_NEED = "services.safety_planning"
# How long a risk check counts before anything is shared with the police.
RECENT = timedelta(hours=24)


class Risk(StrEnum):
    THREATS_TO_PERSON = "threats_to_person"
    THREATS_TO_FAMILY = "threats_to_family"
    OTHERS_STILL_HELD = "others_still_held"
    IN_CONTACT = "in_contact_with_exploiters"


class Occasion(StrEnum):
    INTAKE = "intake"
    RESUMED = "resumed"


RISK_CODES = tuple(risk.value for risk in Risk)


def record_risk(
    session: Session, case: Case, codes: list[str], occasion: Occasion, *, now: datetime
) -> RiskCheck:
    """Raises ValueError for a code that is not a Risk."""
    found = [Risk(code) for code in codes]
    check = RiskCheck(
        case_id=case.id,
        checked_at=now,
        codes=" ".join(sorted(r.value for r in found)),
        occasion=occasion.value,
    )
    session.add(check)
    if found:
        _urgent_safety_need(session, case, now=now)
    session.flush()
    return check


def _urgent_safety_need(session: Session, case: Case, *, now: datetime) -> None:
    row = session.scalars(
        select(AssessedNeed).where(
            AssessedNeed.case_id == case.id, AssessedNeed.need_id == SAFETY_NEED
        )
    ).first()
    if row is None:
        row = AssessedNeed(case_id=case.id, need_id=SAFETY_NEED)
        session.add(row)
    row.answer, row.urgent, row.recorded_at = Answer.NEEDED.value, True, now


def latest_check(session: Session, case: Case) -> RiskCheck | None:
    return session.scalars(
        select(RiskCheck)
        .where(RiskCheck.case_id == case.id)
        .order_by(RiskCheck.checked_at.desc(), RiskCheck.id.desc())
        .limit(1)
    ).first()


class RiskCheckDue(PermissionError):
    """Nothing goes to the police before the risk was checked again (the interview asks it)."""


def recheck_due(session: Session, case: Case) -> bool:
    """A case checked once and resumed (or about to share with the police) since: the situation
    may have changed while it waited."""
    latest = latest_check(session, case)
    if latest is None:  # a case from before the risk check: asked only for the police
        return case.risk_recheck_asked_at is not None
    asked = [t for t in (case.last_resumed_at, case.risk_recheck_asked_at) if t is not None]
    return any(t > latest.checked_at for t in asked)


def require_recent_risk_check(session: Session, case: Case, *, now: datetime) -> None:
    """Before sharing with the police: a risk check in the last RECENT, else the next question of
    the interview is the risk check again (raises RiskCheckDue)."""
    latest = latest_check(session, case)
    if latest is not None and latest.checked_at > now - RECENT and not recheck_due(session, case):
        return
    case.risk_recheck_asked_at = now
    raise RiskCheckDue


def risk_found(session: Session, case: Case) -> list[str]:
    latest = latest_check(session, case)
    return latest.codes.split() if latest is not None and latest.codes else []


def safety_need_recorded(session: Session, case: Case) -> bool:
    return any(row.need_id == SAFETY_NEED for row in needed(session, case))
